"""Activities completed from outside, in a process pool, that never return, and failure kinds:
one behaviour, two engines (`tests/integration/_parity.py`)."""

from __future__ import annotations

import asyncio
import logging
import os

import pytest

from temporal_runtime import (
    ActivityCompletionError,
    ActivityNotFoundError,
    ApplicationError,
    OptionError,
    PendingActivity,
    WorkflowFailedError,
)
from temporal_runtime.testing import InMemoryEngine
from temporal_runtime.testing.pytest_plugin import SharedDevServer
from tests.integration._parity import Engine, is_memory, make_engine, parity_engine
from tests.integration.parity_features import ATTEMPTS, FEATURE_WORKFLOWS, TOKENS, FeatureJobs

engine = parity_engine(*FEATURE_WORKFLOWS)


async def _token_of(workflow_id: str, previous: bytes | None = None) -> bytes:
    for _ in range(100):
        token = TOKENS.get(workflow_id)
        if token is not None and token != previous:
            return token
        await asyncio.sleep(0.1)
    raise AssertionError(f"{workflow_id}: the activity never asked to be completed later")


# -- asynchronous completion ----------------------------------------------------------------------


async def test_complete_by_task_token_and_heartbeat(engine: Engine) -> None:
    handle = await FeatureJobs.client(engine).async_.approval("a raise")
    token = await _token_of(handle.id)
    activity = engine.activity_handle(task_token=token)
    await activity.heartbeat("reading it")
    pending = (await handle.status()).pending_activities[0]
    assert (pending.activity_type, pending.state, pending.heartbeat_details) == (
        "feature_ask_approval",
        "STARTED",
        ["reading it"],
    )
    await activity.complete("approved")
    assert await handle.result(timeout=30) == "approved"
    with pytest.raises(ActivityNotFoundError):
        await activity.complete("twice")


async def test_complete_by_ids_and_fail_an_attempt(engine: Engine) -> None:
    handle = await FeatureJobs.client(engine).async_.approval("a day off")
    first = await _token_of(handle.id)
    by_ids = engine.activity_handle(workflow_id=handle.id, activity_id="1")
    with pytest.raises(ActivityCompletionError) as refused:
        await by_ids.report_cancellation()  # nobody asked it to cancel
    assert not isinstance(refused.value, ActivityNotFoundError)
    await by_ids.fail(ApplicationError("try again", type="NotNow"))
    pending: list[PendingActivity] = []
    for _ in range(100):
        pending = (await handle.status()).pending_activities
        if pending and pending[0].last_failure_type == "NotNow":
            break
        await asyncio.sleep(0.05)
    assert pending[0].attempt == 2
    if isinstance(engine, InMemoryEngine):
        await engine.advance(2)  # virtual time: the retry's backoff passes when the test says so
    second = await _token_of(handle.id, previous=first)  # its retry asks again
    assert second != first
    await engine.activity_handle(workflow_id=handle.id, activity_id="1", run_id=handle.run_id).complete("yes")
    assert await handle.result(timeout=30) == "yes"


async def test_activity_handle_needs_a_token_or_ids(engine: Engine) -> None:
    with pytest.raises(OptionError, match="task_token"):
        engine.activity_handle(workflow_id="only-a-workflow-id")
    with pytest.raises(OptionError, match="task_token"):
        engine.activity_handle(task_token=b"t", activity_id="1")


# -- -> NoReturn activities and failure kinds ---------------------------------------------------------


async def test_no_return_activity(engine: Engine) -> None:
    wf = FeatureJobs.client(engine)
    with pytest.raises(WorkflowFailedError) as raised:
        await wf.only_raises(True)
    assert raised.value.root_cause_type == "Declared"
    handle = await wf.async_.only_raises(False)
    with pytest.raises(WorkflowFailedError) as returned:
        await handle.result(timeout=30)
    assert returned.value.root_cause_type == "InvalidActivityResult"
    assert "declared -> NoReturn but returned None" in (returned.value.root_cause_message or "")
    assert ATTEMPTS[handle.id] == 1  # reported once: the return is not retried


async def test_benign_failures_and_non_retryable_types(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    wf = FeatureJobs.client(engine)
    with caplog.at_level(logging.DEBUG, logger="temporalio.activity"):
        permanent = await wf.async_.classify("Permanent")
        assert await permanent.result(timeout=30) == "Permanent BENIGN"
        transient = await wf.async_.classify("Transient")
        assert await transient.result(timeout=30) == "Transient BENIGN"
    assert (ATTEMPTS[permanent.id], ATTEMPTS[transient.id]) == (1, 2)  # listed types are not retried
    if not is_memory(engine):
        # A benign failure logs at DEBUG on the worker, never as a warning.
        failed = [r for r in caplog.records if "Completing activity as failed" in r.getMessage()]
        assert failed and all(r.levelno == logging.DEBUG for r in failed)


# -- activities in a process pool -----------------------------------------------------------------------


async def test_def_activities_in_a_process_pool(
    kind: str, dev_server: SharedDevServer, task_queue: str
) -> None:
    async with make_engine(kind, dev_server, task_queue, FEATURE_WORKFLOWS, activity_processes=1) as pooled:
        squares = await FeatureJobs.client(pooled).squares(3)
        assert [s["square"] for s in squares] == [0, 1, 4]
        pids = {s["pid"] for s in squares}
        assert len(pids) == 1 and os.getpid() not in pids  # one pool process, not this one
        with pytest.raises(WorkflowFailedError) as raised:
            await FeatureJobs.client(pooled).only_raises(True)
        assert raised.value.root_cause_type == "Declared"
        # Where it was raised: the pool process's traceback.
        assert "in never_returns" in (raised.value.stack_trace or "")
