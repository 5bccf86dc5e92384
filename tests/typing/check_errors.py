"""Calls that must be rejected, by pyright and by mypy alike.

Each line carries the error each checker must report: mypy runs with warn_unused_ignores and
pyright with reportUnnecessaryTypeIgnoreComment, so a line that stops failing fails the run.
"""

from __future__ import annotations

from temporal_runtime import TemporalEngine, Workflow
from tests.typing._defs import (
    ChargeArgs,
    Order,
    OrderResult,
    OrderWorkflow,
    Other,
    OtherWorkflow,
    charge,
    charge_sync,
    ping,
)

ORDER = Order(order_id="1")


async def client_proxy(engine: TemporalEngine) -> None:
    wf = OrderWorkflow.client(engine)
    await wf.process(Other(x=1))  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    await wf.process()  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    await wf.process(ORDER, bogus=1)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    await wf.process(ORDER, workflow_id="x")  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    count: str = await wf.count()  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
    wf.with_options(bogus=1)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    assert count


async def start_forms(engine: TemporalEngine) -> None:
    wf = OrderWorkflow.client(engine)
    await wf.start(OrderWorkflow.process, Other(x=1))  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType, reportCallIssue]
    await wf.start(OrderWorkflow.process)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue]
    await wf.after(60).start(OrderWorkflow.process, ORDER, bogus=1)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    await wf.async_.start(OrderWorkflow.process, ORDER, workflow_id="x")  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    await wf.start(OtherWorkflow.run)  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType, reportCallIssue]
    result: OrderResult = await wf.start(OrderWorkflow.process, ORDER)  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
    assert result


async def handles(engine: TemporalEngine) -> None:
    handle = await OrderWorkflow.client(engine).start(OrderWorkflow.process, ORDER)
    status: int = await handle.result()  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
    await handle.signal(OrderWorkflow.approve, 1)  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType, reportCallIssue]
    await handle.signal(OrderWorkflow.approve)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue]
    await handle.signal(OrderWorkflow.approve, "alice", bogus=1)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    await handle.query(OrderWorkflow.progress)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue]
    label: int = await handle.query(OrderWorkflow.status)  # type: ignore[call-overload]  # pyright: ignore[reportAssignmentType]
    await handle.update(OrderWorkflow.set_priority, "high")  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType, reportCallIssue]
    await handle.update(OrderWorkflow.rename, 1)  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType, reportCallIssue]
    await handle.signal(42)  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType, reportCallIssue]
    assert status, label


async def engine_calls(engine: TemporalEngine) -> None:
    await engine.execute_method(OrderWorkflow, OrderWorkflow.process, Other(x=1))  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType, reportCallIssue]
    await engine.start_method(OrderWorkflow, OtherWorkflow.run)  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType, reportCallIssue]
    await engine.start_method(OrderWorkflow, OrderWorkflow.process, ORDER, workflow_id="x")  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]


class ActivityMisuse(Workflow):
    async def run(self) -> None:
        await self.exec(charge, Other(x=1))  # type: ignore[misc]  # pyright: ignore[reportArgumentType, reportCallIssue]
        await self.exec(charge)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType, reportCallIssue]
        await self.exec(ping, ChargeArgs(amount=1))  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType, reportCallIssue]
        await self.exec(charge, ChargeArgs(amount=1), bogus=1)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue]
        await self.exec_local(charge_sync, Other(x=1))  # type: ignore[misc]  # pyright: ignore[reportArgumentType]
        await self.exec(print, "x")  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType, reportCallIssue]
        wrong: int = await self.exec(charge, ChargeArgs(amount=1))  # type: ignore[arg-type]  # pyright: ignore[reportAssignmentType]
        assert wrong


class ChildMisuse(Workflow):
    async def run(self) -> None:
        child = self.child(OrderWorkflow)
        child.after(60)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
        await child.start(OrderWorkflow.process, Other(x=1))  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType, reportCallIssue]
        await child.start(OtherWorkflow.run)  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType, reportCallIssue]
        self.child(OrderWorkflow, bogus=1)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
        child.with_options(start_delay=5)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
        result: OrderResult = await child.start(OrderWorkflow.process, ORDER)  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
        assert result


async def direct_activity_calls() -> None:
    charge_sync(Other(x=1))  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    await charge()  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    value: int = charge_sync(ChargeArgs(amount=1))  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
    assert value
