"""Child workflows, update validators, gather and activity-definition defaults on the dev server."""

from __future__ import annotations

import asyncio

import pytest
import temporalio.activity
from pydantic import BaseModel

from temporal_runtime import (
    ApplicationError,
    ChildHandle,
    ChildWorkflowError,
    ParentClosePolicy,
    RetryPolicy,
    TemporalEngine,
    UpdateFailedError,
    Workflow,
    WorkflowCancelled,
    WorkflowFailedError,
    activity_def,
    heartbeat,
    wf_query,
    wf_signal,
    wf_update,
)
from tests.integration._engines import engine_serving

# -- children ----------------------------------------------------------------------------


class Parcel(BaseModel):
    weight: int


class Receipt(BaseModel):
    tracking: str
    cost: int
    expedited: bool = False


class ShippingChild(Workflow):
    def __init__(self) -> None:
        self.expedited = False

    @wf_signal
    async def expedite(self) -> None:
        self.expedited = True

    async def ship(self, parcel: Parcel) -> Receipt:
        return Receipt(tracking=f"T{parcel.weight}", cost=parcel.weight * 2)

    async def ship_when_expedited(self, parcel: Parcel) -> Receipt:
        await self.wait_until(lambda: self.expedited)
        return Receipt(tracking=f"X{parcel.weight}", cost=parcel.weight * 3, expedited=True)

    async def refuse(self, parcel: Parcel) -> Receipt:
        raise ApplicationError(f"too heavy: {parcel.weight}", non_retryable=True)

    async def forever(self) -> None:
        await self.wait_until(lambda: False)


class ParentOrder(Workflow):
    async def direct(self, weight: int) -> Receipt:
        receipt = await self.child(ShippingChild).ship(Parcel(weight=weight))
        assert isinstance(receipt, Receipt)  # converted to the annotation, not a dict
        return receipt

    async def with_handle(self, weight: int) -> list[str]:
        child = self.child(
            ShippingChild,
            workflow_id=f"{self.info.workflow_id}-ship",
            parent_close_policy=ParentClosePolicy.TERMINATE,
        )
        handle: ChildHandle[Receipt] = await child.async_.ship_when_expedited(Parcel(weight=weight))
        await handle.signal(ShippingChild.expedite)
        receipt = await handle
        return [handle.id, receipt.tracking, str(receipt.expedited)]

    async def failing(self, weight: int) -> str:
        try:
            await self.child(ShippingChild).refuse(Parcel(weight=weight))
        except ChildWorkflowError as err:
            return f"child failed: {err.cause}"
        return "no error"

    async def abandoned(self, weight: int) -> str:
        # .with_options() on the child proxy takes the same options as child(...).
        child = self.child(ShippingChild).with_options(  # pyright: ignore[reportCallIssue]
            workflow_id=f"{self.info.workflow_id}-left", parent_close_policy=ParentClosePolicy.ABANDON
        )
        handle = await child.async_.ship_when_expedited(Parcel(weight=weight))
        return handle.id

    async def cancel_child(self) -> str:
        handle = await self.child(ShippingChild).async_.forever()
        handle.cancel()
        try:
            await handle.result()
        except WorkflowCancelled:
            return "child cancelled"
        return "not cancelled"


async def test_child_start_and_wait_converts_result(engine: TemporalEngine) -> None:
    assert await ParentOrder.client(engine).direct(21) == Receipt(tracking="T21", cost=42)


async def test_child_handle_signal_and_options(engine: TemporalEngine) -> None:
    handle = await ParentOrder.client(engine).async_.with_handle(5)
    child_id, tracking, expedited = await handle.result(timeout=60)
    assert child_id == f"{handle.id}-ship"
    assert (tracking, expedited) == ("X5", "True")
    status = await engine.get_status(child_id)
    assert status.workflow_type == "ShippingChild"
    assert status.method == "ship_when_expedited"


async def test_child_with_options_abandon_outlives_parent(engine: TemporalEngine) -> None:
    child_id = await ParentOrder.client(engine).abandoned(8)
    assert child_id.endswith("-left")
    assert (await engine.get_status(child_id)).is_running  # ABANDON: the parent closed, the child did not
    await engine.signal(child_id, "expedite")
    assert await engine.get_result(child_id, timeout_seconds=60) == Receipt(
        tracking="X8", cost=24, expedited=True
    )


async def test_child_failure_is_child_workflow_error(engine: TemporalEngine) -> None:
    assert await ParentOrder.client(engine).failing(99) == "child failed: too heavy: 99"


async def test_child_cancel(engine: TemporalEngine) -> None:
    assert await ParentOrder.client(engine).cancel_child() == "child cancelled"


# -- updates with validators -------------------------------------------------------------


class Ticket(Workflow):
    def __init__(self) -> None:
        self.priority = 1
        self.done = False

    @wf_update("set_priority")
    async def set_priority(self, priority: int) -> int:
        old, self.priority = self.priority, priority
        return old

    @set_priority.validator
    def check_priority(self, priority: int) -> None:
        if not 1 <= priority <= 5:
            raise ValueError(f"priority must be 1..5, got {priority}")

    @wf_signal
    async def close(self) -> None:
        self.done = True

    @wf_query
    def current(self) -> int:
        return self.priority

    async def track(self) -> int:
        await self.wait_until(lambda: self.done)
        return self.priority


async def test_update_validator_rejects_clearly(engine: TemporalEngine) -> None:
    handle = await Ticket.client(engine).async_.track()
    assert await handle.update(Ticket.set_priority, 3) == 1
    with pytest.raises(UpdateFailedError) as info:
        await handle.update("set_priority", 9)
    assert "priority must be 1..5, got 9" in str(info.value)
    assert await handle.query(Ticket.current) == 3  # the rejected update changed nothing
    await handle.signal(Ticket.close)
    assert await handle.result(timeout=60) == 3


def test_decorated_update_stays_a_plain_method() -> None:
    ticket = Ticket()
    assert asyncio.run(ticket.set_priority(4)) == 1
    with pytest.raises(ValueError, match="1..5"):
        ticket.check_priority(0)
    assert Ticket.__temporal_runtime__.updates["set_priority"].validator is Ticket.check_priority


# -- gather ------------------------------------------------------------------------------

gather_events: list[str] = []


class Square(BaseModel):
    n: int


@activity_def("gather_square", timeout=30)
async def square(args: Square) -> int:
    return args.n * args.n


@activity_def("gather_fail_fast", timeout=30, retry_policy=RetryPolicy(maximum_attempts=1))
async def fail_fast() -> int:
    await asyncio.sleep(0.3)
    raise ApplicationError("fast failure", non_retryable=True)


@activity_def("gather_slow", timeout=60, heartbeat_timeout=2)
async def slow() -> int:
    try:
        for _ in range(600):
            heartbeat()
            await asyncio.sleep(0.1)
    except asyncio.CancelledError:
        gather_events.append("slow cancelled")
        raise
    return 0


class FanOut(Workflow):
    async def squares(self, n: int) -> list[int]:
        results = await self.gather(*(self.exec(square, Square(n=i)) for i in range(n)))
        return list(results)

    async def mixed(self, n: int) -> tuple[int, Receipt]:
        sq, receipt = await self.gather(
            self.exec(square, Square(n=n)), self.child(ShippingChild).ship(Parcel(weight=n))
        )
        return sq, receipt

    async def first_error(self) -> str:
        try:
            await self.gather(self.exec(slow), self.exec(fail_fast))
        except Exception as err:
            return f"{type(err).__name__}: {err.cause}"  # type: ignore[attr-defined]
        return "no error"

    async def collect(self) -> list[str]:
        results = await self.gather(
            self.exec(fail_fast), self.exec(square, Square(n=3)), return_exceptions=True
        )
        return [type(r).__name__ if isinstance(r, BaseException) else str(r) for r in results]


async def test_gather_in_order(engine: TemporalEngine) -> None:
    wf = FanOut.client(engine)
    assert await wf.squares(6) == [0, 1, 4, 9, 16, 25]
    assert await wf.mixed(4) == (16, Receipt(tracking="T4", cost=8))
    assert await wf.collect() == ["ActivityError", "9"]


async def test_gather_first_error_cancels_the_rest(engine: TemporalEngine) -> None:
    gather_events.clear()
    assert await FanOut.client(engine).first_error() == "ActivityError: fast failure"
    for _ in range(300):
        if "slow cancelled" in gather_events:
            break
        await asyncio.sleep(0.1)
    assert gather_events == ["slow cancelled"]


# -- activity options from the definition ------------------------------------------------

option_calls: list[tuple[int, float, float]] = []


@activity_def(
    "options_flaky",
    timeout=7,
    heartbeat_timeout=5,
    retry_policy=RetryPolicy(maximum_attempts=2, initial_interval=0.1),
)
async def flaky() -> str:
    info = temporalio.activity.info()
    start_to_close = info.start_to_close_timeout.total_seconds() if info.start_to_close_timeout else -1
    heartbeat_s = info.heartbeat_timeout.total_seconds() if info.heartbeat_timeout else -1
    option_calls.append((info.attempt, start_to_close, heartbeat_s))
    raise ApplicationError("always fails")


class OptionsProbe(Workflow):
    async def defaults(self) -> str:
        return await self.exec(flaky)

    async def overridden(self) -> str:
        return await self.exec(
            flaky, timeout=11, retry_policy=RetryPolicy(maximum_attempts=3, initial_interval=0.1)
        )


async def test_exec_uses_definition_options_unless_overridden(engine: TemporalEngine) -> None:
    option_calls.clear()
    with pytest.raises(WorkflowFailedError, match="always fails"):
        await OptionsProbe.client(engine).defaults()
    assert option_calls == [(1, 7.0, 5.0), (2, 7.0, 5.0)]
    option_calls.clear()
    with pytest.raises(WorkflowFailedError, match="always fails"):
        await OptionsProbe.client(engine).overridden()
    assert option_calls == [(1, 11.0, 5.0), (2, 11.0, 5.0), (3, 11.0, 5.0)]


engine = engine_serving(ShippingChild, ParentOrder, Ticket, FanOut, OptionsProbe)
