"""Cancellation reaches a running activity; the workflow catches it and cleans up, shielded."""

from __future__ import annotations

import asyncio

import pytest

from temporal_runtime import (
    ActivityError,
    ApplicationError,
    TemporalEngine,
    Workflow,
    WorkflowCancelled,
    WorkflowCancelledError,
    activity_def,
    heartbeat,
    wf_query,
)
from tests.integration._engines import engine_serving

events: list[str] = []


@activity_def("cancel_test_long_work", heartbeat_timeout=2, timeout=120)
async def long_work(job: str) -> str:
    events.append(f"started {job}")
    try:
        for _ in range(600):
            heartbeat()
            await asyncio.sleep(0.1)
    except asyncio.CancelledError:
        events.append(f"activity cancelled {job}")
        raise
    return "finished"


@activity_def("cancel_test_release", timeout=30)
async def release(job: str) -> None:
    await asyncio.sleep(0.2)  # long enough that an unshielded await would be interrupted
    events.append(f"released {job}")


class CancellableJob(Workflow):
    def __init__(self) -> None:
        self.caught = ""

    @wf_query
    def started(self) -> bool:
        return True

    async def run(self, job: str) -> str:
        try:
            return await self.exec(long_work, job)
        except WorkflowCancelled:
            self.caught = "cancelled"
            await self.shield(self.exec(release, job))
            raise


async def _wait_for(predicate: object, what: str) -> None:
    for _ in range(300):
        if callable(predicate) and predicate():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"never happened: {what}; events={events}")


async def test_cancel_reaches_activity_and_cleanup_runs(engine: TemporalEngine) -> None:
    events.clear()
    handle = await CancellableJob.client(engine).async_.run("job-1")
    await _wait_for(lambda: "started job-1" in events, "activity start")
    await engine.cancel(handle.id)
    with pytest.raises(WorkflowCancelledError) as info:
        await handle.result(timeout=60)
    assert "cancel" in str(info.value).lower()
    await _wait_for(lambda: "activity cancelled job-1" in events, "activity cancellation")
    assert "released job-1" in events
    assert issubclass(WorkflowCancelled, BaseException)
    assert not issubclass(WorkflowCancelled, ActivityError)


@activity_def("cancel_test_undo", timeout=30)
async def undo(step: str) -> None:
    await asyncio.sleep(0.2)
    events.append(f"undo {step}")


@activity_def("cancel_test_step", timeout=30)
async def step(name: str) -> str:
    events.append(f"do {name}")
    if name == "boom":
        raise ApplicationError("step boom failed", non_retryable=True)
    return name


class SagaJob(Workflow):
    async def cancelled_midway(self, job: str) -> str:
        async with self.saga() as saga:
            first = await self.exec(step, "first")
            saga.compensate_with(undo, first)
            second = await self.exec(step, "second")
            saga.compensate_with(undo, second)
            await self.exec(long_work, job)
        return "done"

    async def swallowed(self) -> str:
        async with self.saga(reraise=False) as saga:
            saga.compensate_with(undo, await self.exec(step, "a"))
            await self.exec(step, "boom")
        assert saga.error is not None
        return f"compensated={saga.compensated} error={type(saga.error).__name__}"


async def test_saga_compensates_on_cancellation(engine: TemporalEngine) -> None:
    events.clear()
    handle = await SagaJob.client(engine).async_.cancelled_midway("job-2")
    await _wait_for(lambda: "started job-2" in events, "activity start")
    await engine.cancel(handle.id)
    with pytest.raises(WorkflowCancelledError):
        await handle.result(timeout=60)
    assert [e for e in events if e.startswith(("do", "undo"))] == [
        "do first",
        "do second",
        "undo second",
        "undo first",
    ]


async def test_saga_reraise_false_returns(engine: TemporalEngine) -> None:
    events.clear()
    assert await SagaJob.client(engine).swallowed() == "compensated=True error=ActivityError"
    assert events == ["do a", "do boom", "undo a"]


engine = engine_serving(CancellableJob, SagaJob)
