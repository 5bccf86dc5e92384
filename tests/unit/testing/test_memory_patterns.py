"""Durable patterns on InMemoryEngine: children, continue-as-new, patches, search attributes,
sagas, gather, shield and activity cancellation, with no server."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import timedelta
from typing import Any, cast

import pytest
from pydantic import BaseModel

from temporal_runtime import (
    ApplicationError,
    ChildHandle,
    ChildWorkflowError,
    ExecutionStatus,
    ParentClosePolicy,
    RetryPolicy,
    Workflow,
    WorkflowCancelled,
    WorkflowIDReusePolicy,
    activity_def,
    heartbeat,
    is_cancelled,
    wf_signal,
)
from temporal_runtime.errors import (
    WorkflowCancelledError,
    WorkflowFailedError,
    WorkflowTerminatedError,
)
from temporal_runtime.testing import InMemoryEngine

# -- workflows and activities used below ---------------------------------------------------


class MemParcel(BaseModel):
    weight: int


class MemReceipt(BaseModel):
    tracking: str
    cost: int
    expedited: bool = False


class MemShipping(Workflow):
    def __init__(self) -> None:
        self.expedited = False

    @wf_signal
    async def expedite(self) -> None:
        self.expedited = True

    async def ship(self, parcel: MemParcel) -> MemReceipt:
        return MemReceipt(tracking=f"T{parcel.weight}", cost=parcel.weight * 2)

    async def ship_when_expedited(self, parcel: MemParcel) -> MemReceipt:
        await self.wait_until(lambda: self.expedited)
        return MemReceipt(tracking=f"X{parcel.weight}", cost=parcel.weight * 3, expedited=True)

    async def refuse(self, parcel: MemParcel) -> MemReceipt:
        raise ApplicationError(f"too heavy: {parcel.weight}", non_retryable=True)

    async def forever(self) -> None:
        await self.wait_until(lambda: False)


class MemParent(Workflow):
    async def direct(self, weight: int) -> MemReceipt:
        receipt = await self.child(MemShipping).ship(MemParcel(weight=weight))
        assert isinstance(receipt, MemReceipt)  # converted to the annotation, not a dict
        return receipt

    async def with_handle(self, weight: int) -> list[str]:
        child = self.child(MemShipping, workflow_id=f"{self.info.workflow_id}-ship")
        # self.child(...) is typed as the client proxy, whose .async_ gives a MethodHandle;
        # at run time it is a ChildHandle.
        handle = cast(
            ChildHandle[MemReceipt], await child.async_.ship_when_expedited(MemParcel(weight=weight))
        )
        await handle.signal(MemShipping.expedite)
        receipt = await handle
        return [handle.id, receipt.tracking, str(receipt.expedited)]

    async def failing(self, weight: int) -> str:
        try:
            await self.child(MemShipping).refuse(MemParcel(weight=weight))
        except ChildWorkflowError as err:
            return f"child failed: {err.cause}"
        return "no error"

    async def failing_uncaught(self, weight: int) -> MemReceipt:
        return await self.child(MemShipping).refuse(MemParcel(weight=weight))

    async def cancel_child(self) -> str:
        handle = cast(ChildHandle[None], await self.child(MemShipping).async_.forever())
        handle.cancel()
        try:
            await handle.result()
        except WorkflowCancelled:
            return "child cancelled"
        return "not cancelled"

    async def await_forever_child(self, child_id: str) -> None:
        await self.child(MemShipping, workflow_id=child_id).forever()

    async def leave_child(self, child_id: str, policy: str) -> str:
        chosen = ParentClosePolicy[policy]
        child = self.child(MemShipping, workflow_id=child_id, parent_close_policy=chosen)
        handle = await child.async_.forever()
        return handle.id

    async def reuse_id(self, child_id: str, policy: str) -> str:
        reuse = WorkflowIDReusePolicy[policy]
        try:
            await self.child(MemShipping, workflow_id=child_id, id_reuse_policy=reuse).async_.forever()
        except Exception as err:
            return type(err).__name__
        return "started"

    async def same_id_twice(self, child_id: str) -> str:
        await self.child(MemShipping, workflow_id=child_id).async_.forever()
        try:
            await self.child(MemShipping, workflow_id=child_id).async_.forever()
        except Exception as err:  # temporalio's WorkflowAlreadyStartedError, as on a worker
            return type(err).__name__
        return "started twice"


class MemCounter(Workflow):
    def __init__(self) -> None:
        self.seen = 0  # fresh on every run: state does not survive continue-as-new

    async def count(self, current: int, stop: int) -> list[int]:
        self.seen += 1
        if current < stop:
            self.continue_as_new(self.count, current + 1, stop)
        return [current, self.seen]

    async def start_here(self, stop: int) -> list[int]:
        self.continue_as_new("count", 0, stop)

    async def swallow(self) -> list[int] | str:
        try:
            self.continue_as_new(self.count, 1, 1)
        except Exception:
            return "swallowed"


class MemCounterParent(Workflow):
    async def children(self) -> list[list[int]]:
        # Two children in parallel; one continues as new twice before it returns.
        first, second = await self.gather(
            self.child(MemCounter).count(0, 2), self.child(MemCounter).count(5, 5)
        )
        return [first, second]


class MemVersioned(Workflow):
    async def ship(self) -> str:
        self.deprecate_patch("old-patch")
        return "express" if self.patched("ship-express") else "ground"


class MemTagged(Workflow):
    async def tag(self, customer: str) -> None:
        self.upsert_search_attributes({"Customer": customer, "Priority": 3})
        await self.sleep(60)
        from temporalio.common import SearchAttributeKey

        self.upsert_search_attributes({SearchAttributeKey.for_int("Priority"): None})


journal: list[str] = []


@activity_def("mem_step", timeout=30, retry_policy=RetryPolicy(maximum_attempts=1))
async def mem_step(name: str) -> str:
    journal.append(f"do {name}")
    return name


@activity_def("mem_undo", timeout=30)
async def mem_undo(name: str) -> None:
    journal.append(f"undo {name}")


@activity_def("mem_slow", timeout=3600)
async def mem_slow(name: str) -> str:
    return name


thread_started = threading.Event()
thread_done = threading.Event()
thread_seen: list[str] = []


@activity_def("mem_sync_worker", timeout=3600)
def mem_sync_worker(rows: int) -> int:
    # A sync activity runs in a thread; it learns of cancellation through heartbeats.
    thread_started.set()
    try:
        for row in range(rows):
            heartbeat(row)
            if is_cancelled():
                thread_seen.append("is_cancelled")
            time.sleep(0.005)
    except BaseException as err:
        thread_seen.append(type(err).__name__)
        raise
    finally:
        thread_done.set()
    return rows


class MemSaga(Workflow):
    async def run(self, steps: list[str]) -> str:
        async with self.saga() as saga:
            for step in steps:
                await self.exec(mem_step, step)
                saga.compensate_with(mem_undo, step)
            await self.exec(mem_slow, "hold")
        return "done"


class MemFlow(Workflow):
    async def gather_two(self) -> list[str]:
        slow, fast = await self.gather(self.exec(mem_slow, "slow"), self.exec(mem_step, "fast"))
        return [slow, fast]

    async def shielded(self) -> str:
        try:
            await self.shield(self._cleanup_after_sleep())
        except WorkflowCancelled:
            return "cancelled after cleanup"
        return "not cancelled"

    async def _cleanup_after_sleep(self) -> None:
        await self.sleep(600)
        await self.exec(mem_undo, "cleanup")

    async def one_activity(self) -> str:
        return await self.exec(mem_slow, "work")

    async def sync_activity(self, rows: int) -> int:
        return await self.exec(mem_sync_worker, rows)


async def _settle() -> None:
    for _ in range(10):
        await asyncio.sleep(0)


@pytest.fixture(autouse=True)
def _clear_journal() -> None:
    journal.clear()


# -- children ------------------------------------------------------------------------------


async def test_child_start_and_wait_converts_result() -> None:
    async with InMemoryEngine() as engine:
        assert await MemParent.client(engine).direct(21) == MemReceipt(tracking="T21", cost=42)
        children = [i for i in engine.workflow_ids() if i.startswith("MemShipping-ship-")]
        assert len(children) == 1
        status = await engine.get_status(children[0])
    assert (status.workflow_type, status.method, status.status) == (
        "MemShipping",
        "ship",
        ExecutionStatus.COMPLETED,
    )


async def test_child_handle_signal_and_id() -> None:
    async with InMemoryEngine() as engine:
        handle = await MemParent.client(engine).with_options(workflow_id="p1").async_.with_handle(5)
        assert await handle.result() == ["p1-ship", "X5", "True"]
        assert (await engine.get_status("p1-ship")).method == "ship_when_expedited"


async def test_child_failure_is_child_workflow_error() -> None:
    async with InMemoryEngine() as engine:
        assert await MemParent.client(engine).failing(99) == "child failed: too heavy: 99"
        with pytest.raises(WorkflowFailedError) as caught:
            await MemParent.client(engine).failing_uncaught(7)
    assert caught.value.root_cause_message == "too heavy: 7"


async def test_child_cancel_raises_cancelled_in_parent() -> None:
    async with InMemoryEngine() as engine:
        assert await MemParent.client(engine).cancel_child() == "child cancelled"
        child = next(i for i in engine.workflow_ids() if i.startswith("MemShipping-forever-"))
        assert (await engine.get_status(child)).status is ExecutionStatus.CANCELED


async def test_cancelling_the_parent_cancels_the_awaited_child() -> None:
    async with InMemoryEngine() as engine:
        handle = await MemParent.client(engine).async_.await_forever_child("kid")
        await _settle()
        await handle.cancel()
        with pytest.raises(WorkflowCancelledError):
            await handle.result()
        assert (await engine.get_status("kid")).status is ExecutionStatus.CANCELED


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("TERMINATE", ExecutionStatus.TERMINATED),
        ("REQUEST_CANCEL", ExecutionStatus.CANCELED),
        ("ABANDON", ExecutionStatus.RUNNING),
    ],
)
async def test_parent_close_policy(policy: str, expected: ExecutionStatus) -> None:
    async with InMemoryEngine() as engine:
        assert await MemParent.client(engine).leave_child("kid", policy) == "kid"
        await _settle()
        assert (await engine.get_status("kid")).status is expected


async def test_a_child_may_reuse_a_closed_id_unless_its_policy_rejects_it() -> None:
    async with InMemoryEngine() as engine:
        handle = await MemShipping.client(engine).with_options(workflow_id="solo").async_.forever()
        await handle.terminate("not needed")
        rejected = await MemParent.client(engine).reuse_id("solo", "REJECT_DUPLICATE")
        assert rejected == "WorkflowAlreadyStartedError"
        # ALLOW_DUPLICATE (the default) reuses it; ABANDON keeps the child after the parent.
        assert await MemParent.client(engine).leave_child("solo", "ABANDON") == "solo"
        assert (await engine.get_status("solo")).is_running
        await engine.signal("solo", "expedite")


async def test_child_id_conflict_raises_in_the_parent() -> None:
    async with InMemoryEngine() as engine:
        assert await MemParent.client(engine).same_id_twice("dup") == "WorkflowAlreadyStartedError"
        # The parent closed with the default policy TERMINATE: its child went with it.
        with pytest.raises(WorkflowTerminatedError):
            await engine.get_result("dup")


async def test_parent_blocked_on_a_blocked_child_names_the_child() -> None:
    async with InMemoryEngine() as engine:
        with pytest.raises(WorkflowFailedError) as caught:
            await MemParent.client(engine).await_forever_child("stuck")
    message = str(caught.value.root_cause_message)
    assert "waits for child MemShipping.forever (id 'stuck')" in message
    assert "; its child MemShipping.forever (id 'stuck') waits for wait_until(" in message


# -- continue-as-new -----------------------------------------------------------------------


async def test_continue_as_new_runs_until_the_last_run_and_keeps_the_id() -> None:
    async with InMemoryEngine() as engine:
        handle = await MemCounter.client(engine).with_options(workflow_id="c").async_.count(0, 3)
        assert await handle.result() == [3, 1]  # fresh instance each run
        runs = engine.run_ids("c")
        assert len(runs) == 4
        assert runs[0] == handle.run_id
        first = await engine.get_status("c", runs[0])
        last = await engine.get_status("c")
    assert first.status is ExecutionStatus.CONTINUED_AS_NEW
    assert (last.status, last.run_id, last.method) == (ExecutionStatus.COMPLETED, runs[-1], "count")


async def test_continue_as_new_by_name_into_another_entry_method() -> None:
    async with InMemoryEngine() as engine:
        assert await MemCounter.client(engine).start_here(2) == [2, 1]


async def test_continue_as_new_is_not_swallowed_by_except_exception() -> None:
    async with InMemoryEngine() as engine:
        handle = await MemCounter.client(engine).async_.swallow()
        assert await handle.result() == [1, 1]


async def test_gather_of_children_follows_their_continue_as_new() -> None:
    async with InMemoryEngine() as engine:
        assert await MemCounterParent.client(engine).children() == [[2, 1], [5, 1]]


# -- patches and search attributes ---------------------------------------------------------


async def test_patched_is_true_for_new_runs() -> None:
    async with InMemoryEngine() as engine:
        assert await MemVersioned.client(engine).ship() == "express"


async def test_search_attributes_from_start_and_upserts() -> None:
    async with InMemoryEngine() as engine:
        client = MemTagged.client(engine).with_options(workflow_id="t", search_attributes={"Region": "eu"})
        handle = await client.async_.tag("acme")
        await _settle()
        assert engine.search_attributes("t") == {"Region": "eu", "Customer": "acme", "Priority": 3}
        await handle.result()
        assert engine.search_attributes("t") == {"Region": "eu", "Customer": "acme"}


# -- saga, gather, shield, activity cancellation -------------------------------------------


@pytest.mark.parametrize("fail_at", [0, 1, 2])
async def test_saga_compensates_in_reverse_order_on_failure(fail_at: int) -> None:
    steps = ["hotel", "flight", "payment"]

    async def step(name: str) -> str:
        if name == steps[fail_at]:
            raise ApplicationError(f"{name} unavailable", non_retryable=True)
        journal.append(f"do {name}")
        return name

    async with InMemoryEngine(activities={mem_step: step}) as engine:
        with pytest.raises(WorkflowFailedError) as caught:
            await MemSaga.client(engine).run(steps)
    assert caught.value.root_cause_message == f"{steps[fail_at]} unavailable"
    done = steps[:fail_at]
    assert journal == [f"do {s}" for s in done] + [f"undo {s}" for s in reversed(done)]


async def test_saga_compensates_on_cancellation() -> None:
    started = asyncio.Event()

    async def hold(name: str) -> str:
        started.set()
        await asyncio.Event().wait()
        return name

    async with InMemoryEngine(activities={mem_slow: hold}) as engine:
        handle = await MemSaga.client(engine).async_.run(["a", "b"])
        await started.wait()
        await handle.cancel()
        with pytest.raises(WorkflowCancelledError):
            await handle.result()
    assert journal == ["do a", "do b", "undo b", "undo a"]


async def test_gather_raises_the_first_error_and_cancels_the_rest() -> None:
    seen: list[str] = []

    async def slow(name: str) -> str:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            seen.append("slow cancelled")
            raise
        return name

    async def fast(name: str) -> str:
        raise ApplicationError(f"{name} broke", non_retryable=True)

    async with InMemoryEngine(activities={mem_slow: slow, mem_step: fast}) as engine:
        with pytest.raises(WorkflowFailedError) as caught:
            await MemFlow.client(engine).gather_two()
    assert caught.value.root_cause_message == "fast broke"
    assert seen == ["slow cancelled"]


async def test_gather_results_in_argument_order() -> None:
    async with InMemoryEngine() as engine:
        assert await MemFlow.client(engine).gather_two() == ["slow", "fast"]


async def test_shield_finishes_cleanup_under_cancel() -> None:
    async with InMemoryEngine() as engine:
        handle = await MemFlow.client(engine).async_.shielded()
        await _settle()
        await handle.cancel()
        assert await handle.result() == "cancelled after cleanup"
        started = (await engine.get_status(handle.id)).start_time
        assert started is not None
        assert engine.now - started >= timedelta(seconds=600)  # the shielded sleep ran to its end
    assert journal == ["undo cleanup"]


async def test_cancellation_reaches_a_running_fake_activity() -> None:
    seen: list[str] = []
    started = asyncio.Event()

    async def hold(name: str) -> str:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            seen.append(f"{name} cancelled")
            raise
        return name

    async with InMemoryEngine(activities={mem_slow: hold}) as engine:
        handle = await MemFlow.client(engine).async_.one_activity()
        await started.wait()
        await handle.cancel()
        with pytest.raises(WorkflowCancelledError):
            await handle.result()
        calls: list[Any] = engine.calls(mem_slow)
    assert seen == ["work cancelled"]
    assert calls[0].error == "CancelledError: the workflow was cancelled"


async def test_cancellation_reaches_a_sync_activity_in_its_thread() -> None:
    thread_started.clear()
    thread_done.clear()
    thread_seen.clear()
    async with InMemoryEngine() as engine:
        handle = await MemFlow.client(engine).async_.sync_activity(100_000)
        assert await asyncio.to_thread(thread_started.wait, 30)
        await handle.cancel()
        with pytest.raises(WorkflowCancelledError):
            await handle.result()
    # The thread stops at its next step instead of working through 100,000 rows.
    assert await asyncio.to_thread(thread_done.wait, 30)
    assert thread_seen[-1] == "CancelledError"
