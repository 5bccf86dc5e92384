"""Payloads over Temporal's size limit fail at once and say so, instead of retrying forever.

Without the library's check an activity result over the limit is retried under the default
policy for ever and a workflow result over it fails the workflow task on every attempt; a
signal or update over it is refused by the server with a bare RPC error.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle

from temporal_runtime import (
    PayloadTooLargeError,
    TemporalEngine,
    UpdateFailedError,
    WorkflowFailedError,
    WorkflowIDConflictPolicy,
)
from temporal_runtime._internal._payloads import BLOB_SIZE_LIMIT
from tests.integration._engines import engine_serving
from tests.integration.payload_app import PayloadWorkflow

engine = engine_serving(PayloadWorkflow)
OVER = BLOB_SIZE_LIMIT + 1024
LIMIT_TEXT = f"over Temporal's payload size limit of {BLOB_SIZE_LIMIT:,} bytes"


async def _kinds(engine: TemporalEngine, workflow_id: str) -> list[int]:
    handle: WorkflowHandle[Any, Any] = engine._client.get_workflow_handle(workflow_id)
    return [event.event_type for event in (await handle.fetch_history()).events]


async def test_activity_result_over_the_limit_fails_on_its_first_attempt(engine: TemporalEngine) -> None:
    handle = await PayloadWorkflow.client(engine).async_.activity_result(OVER)
    with pytest.raises(WorkflowFailedError) as info:
        await handle.result(timeout=60)
    err = info.value
    assert err.root_cause_type == "PayloadTooLarge"
    assert "the result of activity 'tests_big_result'" in str(err)
    assert "bytes encoded" in str(err) and LIMIT_TEXT in str(err)
    history = await engine._client.get_workflow_handle(handle.id).fetch_history()
    started = [e for e in history.events if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED]
    assert [e.activity_task_started_event_attributes.attempt for e in started] == [1]


async def test_workflow_result_over_the_limit_fails_the_workflow_not_its_task(engine: TemporalEngine) -> None:
    handle = await PayloadWorkflow.client(engine).async_.own_result(OVER)
    with pytest.raises(WorkflowFailedError) as info:
        await handle.result(timeout=60)
    assert info.value.root_cause_type == "PayloadTooLarge"
    assert "the result of PayloadWorkflow.own_result" in str(info.value)
    kinds = await _kinds(engine, handle.id)
    assert EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED not in kinds
    assert kinds[-1] == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED


async def test_arguments_over_the_limit_are_refused_before_sending(engine: TemporalEngine) -> None:
    wf = PayloadWorkflow.client(engine)
    handle = await wf.async_.serve()
    big = "s" * OVER
    attach = wf.with_options(workflow_id=handle.id, id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING)
    with_start = attach.with_start(PayloadWorkflow.serve)
    calls = {
        "update 'take' to workflow": with_start.update(PayloadWorkflow.take, big),
        "signal 'feed' ": with_start.signal(PayloadWorkflow.feed, big),
        "signal 'feed'": handle.signal(PayloadWorkflow.feed, big),
        "update 'take'": handle.update(PayloadWorkflow.take, big),
        "query 'echo'": handle.query(PayloadWorkflow.echo, big),
        "signal 'feed' to": engine.signal(handle.id, "feed", big),
    }
    for what, call in calls.items():
        with pytest.raises(PayloadTooLargeError) as info:
            await asyncio.wait_for(call, 30)
        assert what in str(info.value) and LIMIT_TEXT in str(info.value)
        assert info.value.size > info.value.limit == BLOB_SIZE_LIMIT
        assert info.value.workflow_id == handle.id

    with pytest.raises(PayloadTooLargeError, match=r"the input of PayloadWorkflow\.own_result"):
        await wf.async_.own_result(big)  # type: ignore[arg-type]

    # Nothing reached the workflow; it still serves calls of a normal size.
    assert await handle.query(PayloadWorkflow.received) == []
    assert await handle.update(PayloadWorkflow.take, "small") == 5
    await handle.signal(PayloadWorkflow.finish)
    assert await handle.result(timeout=60) == [5]
    assert EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED not in await _kinds(engine, handle.id)


async def test_update_result_over_the_limit_fails_the_update_only(engine: TemporalEngine) -> None:
    handle = await PayloadWorkflow.client(engine).async_.serve()
    with pytest.raises(UpdateFailedError, match="PayloadTooLarge") as info:
        await handle.update(PayloadWorkflow.big_answer, OVER)
    assert "the result of update 'big_answer'" in str(info.value)
    await handle.signal(PayloadWorkflow.finish)
    assert await handle.result(timeout=60) == []
    assert EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED not in await _kinds(engine, handle.id)
