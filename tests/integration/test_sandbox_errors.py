"""A call the workflow sandbox refuses at run time fails the workflow at once, naming the
workflow, the method, the call and where it was made, and the helper to use instead."""

from __future__ import annotations

import asyncio
import logging

import pytest
from temporalio.api.enums.v1 import EventType

from temporal_runtime import QueryFailedError, TemporalEngine, UpdateFailedError, WorkflowFailedError
from temporal_runtime.testing import InMemoryEngine, ReplayError
from tests.integration._engines import engine_serving
from tests.integration.sandbox_workflows import StampingWorkflow

engine = engine_serving(StampingWorkflow)


async def test_a_refused_call_fails_the_workflow_with_what_to_write_instead(
    engine: TemporalEngine, caplog: pytest.LogCaptureFixture
) -> None:
    wf = StampingWorkflow.client(engine)
    with caplog.at_level(logging.WARNING), pytest.raises(WorkflowFailedError) as caught:
        await asyncio.wait_for(wf.stamp_it("A-1"), 60)
    err = caught.value
    assert err.root_cause_type == "RestrictedWorkflowAccessError"
    assert err.root_cause_message == (
        "StampingWorkflow.stamp_it called datetime.datetime.now at _sandbox_helpers.py:11 in stamp(), "
        "which the workflow sandbox refuses: it reads the wall clock, so a replay sees another time; "
        "use self.now()"
    )
    assert str(err).startswith(f"StampingWorkflow.stamp_it (id {err.workflow_id!r}) failed: ")
    # Failed at once (non-retryable), not a workflow task retried for ever.
    assert err.workflow_id is not None
    history = await engine.client.get_workflow_handle(err.workflow_id).fetch_history()
    kinds = [event.event_type for event in history.events]
    assert EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED not in kinds
    assert kinds[-1] == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED
    # The worker's log says it too.
    logged = [r.getMessage() for r in caplog.records if r.name == "temporalio.workflow"]
    assert any(m.startswith("StampingWorkflow.stamp_it called datetime.datetime.now") for m in logged)


async def test_refused_calls_in_a_query_and_an_update_name_the_handler(engine: TemporalEngine) -> None:
    handle = await StampingWorkflow.client(engine).async_.wait()
    with pytest.raises(
        QueryFailedError,
        match=r"StampingWorkflow\.where called os\.environ\.get at "
        r"_sandbox_helpers\.py:15 in region\(\), .*; read it in an activity",
    ):
        await asyncio.wait_for(handle.query(StampingWorkflow.where), 60)
    with pytest.raises(
        UpdateFailedError,
        match=r"RestrictedWorkflowAccessError: StampingWorkflow\.restamp "
        r"called datetime\.datetime\.now .*; use self\.now\(\)",
    ):
        await asyncio.wait_for(handle.update(StampingWorkflow.restamp), 60)
    # The workflow itself is still running: a refused handler fails only that handler.
    assert (await handle.status()).status.value == "RUNNING"
    await handle.terminate("done")


async def test_in_memory_the_replay_catches_the_same_call() -> None:
    # No sandbox in memory: the call runs, and the result it shapes differs on the replay.
    async with InMemoryEngine() as memory:
        with pytest.raises(ReplayError) as caught:
            await StampingWorkflow.client(memory).stamp_it("A-1")
    assert (caught.value.workflow_type, caught.value.method) == ("StampingWorkflow", "stamp_it")
    assert caught.value.first_run is not None and caught.value.first_run.startswith("completed with 'A-1 at ")
