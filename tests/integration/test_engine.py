"""Engine and handle operations against the real dev server."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import temporalio.client
from temporalio.api.enums.v1 import EventType
from temporalio.exceptions import ActivityError, ApplicationError, RetryState

from temporal_runtime import (
    DevServer,
    EngineNotStartedError,
    EngineState,
    EngineStateError,
    ExecutionStatus,
    MethodHandle,
    QueryFailedError,
    TemporalEngine,
    UpdateFailedError,
    WorkflowAlreadyStartedError,
    WorkflowCancelledError,
    WorkflowFailedError,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
    WorkflowNotFoundError,
    WorkflowStatus,
    WorkflowTerminatedError,
    WorkflowTimedOutError,
)
from tests.integration import workflows_for_tests as w
from tests.integration.workflows_for_tests import ActivityRunner, EngineOpsWorkflow, Text, Ticket


def _id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


# -- starting ------------------------------------------------------------------------------


async def test_execute_and_start_method_with_workflow_id(engine: TemporalEngine) -> None:
    assert await engine.execute_method(EngineOpsWorkflow, "double", 21) == 42
    assert await engine.execute_method(EngineOpsWorkflow, EngineOpsWorkflow.double, x=4) == 8

    wid = _id("ops")
    handle = await engine.start_method("EngineOpsWorkflow", "wait_for_release", "a", workflow_id=wid)
    assert isinstance(handle, MethodHandle)
    assert handle.id == wid
    assert handle.run_id
    assert (handle.workflow_type, handle.method) == ("EngineOpsWorkflow", "wait_for_release")
    await handle.signal("release", "me")
    assert await handle.result(timeout=60) == Ticket(label="a", count=0, released_by="me")


async def test_proxy_start_by_method_object(engine: TemporalEngine) -> None:
    wf = EngineOpsWorkflow.client(engine)
    handle = await wf.start(EngineOpsWorkflow.double, 3)
    assert handle.method == "double"
    assert await handle.result(timeout=60) == 6
    by_name = await wf.after(timedelta(milliseconds=10)).start("double", x=4)
    assert await by_name.result(timeout=60) == 8
    typed = engine.get_handle(by_name.id, workflow="EngineOpsWorkflow", method="double")
    assert await typed.result(timeout=60) == 8


async def test_default_workflow_id_is_readable(engine: TemporalEngine) -> None:
    handle = await EngineOpsWorkflow.client(engine).async_.double(1)
    assert handle.id.startswith("EngineOpsWorkflow-double-")
    uuid.UUID(handle.id.removeprefix("EngineOpsWorkflow-double-"))
    assert await handle.result(timeout=60) == 2


async def test_id_conflict_policy_fail_and_use_existing(engine: TemporalEngine) -> None:
    wid = _id("conflict")
    first = await engine.start_method(EngineOpsWorkflow, "wait_for_release", "one", workflow_id=wid)
    with pytest.raises(WorkflowAlreadyStartedError) as info:
        await engine.start_method(
            EngineOpsWorkflow,
            "wait_for_release",
            "two",
            workflow_id=wid,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
        )
    assert info.value.workflow_id == wid
    assert wid in str(info.value)
    assert "USE_EXISTING" in str(info.value)

    proxy = EngineOpsWorkflow.client(engine).with_options(
        workflow_id=wid, id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING
    )
    same = await proxy.async_.wait_for_release("three")
    assert same.run_id == first.run_id
    await same.signal(EngineOpsWorkflow.release, "x")
    # The existing run kept its own input.
    assert (await first.result(timeout=60)).label == "one"


async def test_id_reuse_policy(engine: TemporalEngine) -> None:
    wid = _id("reuse")
    assert await engine.execute_method(EngineOpsWorkflow, "double", 1, workflow_id=wid) == 2
    # The default allows a new run once the first one closed.
    again = await engine.start_method(EngineOpsWorkflow, "double", 2, workflow_id=wid)
    assert await again.result(timeout=60) == 4
    with pytest.raises(WorkflowAlreadyStartedError):
        await engine.start_method(
            EngineOpsWorkflow,
            "double",
            3,
            workflow_id=wid,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )


async def test_start_delay(engine: TemporalEngine) -> None:
    handle = await EngineOpsWorkflow.client(engine).after(3600).double(5)
    status = await handle.status()
    assert status.status is ExecutionStatus.RUNNING
    assert status.start_time is not None
    assert status.execution_time is not None
    assert status.execution_time - status.start_time >= timedelta(seconds=3599)
    await handle.terminate("not waiting an hour")

    soon = await engine.start_method(EngineOpsWorkflow, "double", 6, start_delay=timedelta(milliseconds=200))
    assert await soon.result(timeout=60) == 12


async def test_execution_timeout(engine: TemporalEngine) -> None:
    handle = await engine.start_method(EngineOpsWorkflow, "forever", execution_timeout=1)
    with pytest.raises(WorkflowTimedOutError) as info:
        await handle.result(timeout=60)
    assert info.value.workflow_id == handle.id
    assert "timed out" in str(info.value)
    assert (await handle.status()).status is ExecutionStatus.TIMED_OUT


async def test_memo_and_get_status(engine: TemporalEngine, task_queue: str) -> None:
    handle = await engine.start_method(
        EngineOpsWorkflow, "wait_for_release", "m", workflow_id=_id("memo"), memo={"customer": "c-1", "n": 3}
    )
    status = await engine.get_status(handle.id)
    assert isinstance(status, WorkflowStatus)
    assert status.workflow_id == handle.id
    assert status.run_id == handle.run_id
    assert status.workflow_type == "EngineOpsWorkflow"
    assert status.method == "wait_for_release"
    assert status.status is ExecutionStatus.RUNNING
    assert status.is_running
    assert status.task_queue == task_queue
    assert status.start_time is not None
    assert status.close_time is None
    assert status.memo == {"customer": "c-1", "n": 3}
    await engine.signal(handle.id, "release", "m")
    await handle.result(timeout=60)
    closed = await handle.status()
    assert closed.status is ExecutionStatus.COMPLETED
    assert closed.close_time is not None
    assert closed.history_length > 0


async def test_get_handle_and_get_result(engine: TemporalEngine) -> None:
    started = await EngineOpsWorkflow.client(engine).async_.wait_for_release("h", count=2)
    typed = engine.get_handle(started.id, workflow=EngineOpsWorkflow, method="wait_for_release")
    untyped = engine.get_handle(started.id)
    with pytest.raises(TimeoutError, match="did not finish"):
        await engine.get_result(started.id, timeout_seconds=0.2)
    with pytest.raises(TimeoutError):
        await typed.result(timeout=0.2)
    await untyped.signal(EngineOpsWorkflow.release, "g")
    assert await typed.result(timeout=60) == Ticket(label="h", count=2, released_by="g")
    assert await untyped.result(timeout=60) == {"label": "h", "count": 2, "released_by": "g"}
    assert await engine.get_result(started.id, timeout_seconds=60) == Ticket(
        label="h", count=2, released_by="g"
    )


async def test_signal_query_update_by_name_and_by_method(engine: TemporalEngine) -> None:
    handle = await EngineOpsWorkflow.client(engine).async_.wait_for_release("q", count=1)

    assert await handle.query("ticket") == Ticket(label="q", count=1)
    assert await handle.query(EngineOpsWorkflow.ticket) == Ticket(label="q", count=1)
    assert await handle.query(EngineOpsWorkflow.count) == 1  # a sync query
    assert await handle.query("count") == 1

    assert await handle.update("set_count", 5) == 1
    assert await handle.update(EngineOpsWorkflow.set_count, 7) == 5
    assert await engine.update(handle.id, EngineOpsWorkflow.set_count, 9) == 7
    # By id through the engine, results are converted too.
    assert await engine.query(handle.id, EngineOpsWorkflow.ticket) == Ticket(label="q", count=9)
    assert await engine.query(handle.id, "count") == 9

    with pytest.raises(UpdateFailedError, match="set_count"):
        await handle.update(EngineOpsWorkflow.set_count, "not a number")
    with pytest.raises(QueryFailedError):
        await handle.query("no_such_query")
    with pytest.raises(TypeError, match="query handler"):
        await handle.signal(EngineOpsWorkflow.ticket)

    await engine.signal(handle.id, EngineOpsWorkflow.release, "sig")
    assert await handle.result(timeout=60) == Ticket(label="q", count=9, released_by="sig")


async def test_cancel(engine: TemporalEngine) -> None:
    handle = await EngineOpsWorkflow.client(engine).async_.forever()
    assert await handle.query("count") == 0  # started and served
    await engine.cancel(handle.id)
    with pytest.raises(WorkflowCancelledError) as info:
        await handle.result(timeout=60)
    assert isinstance(info.value, WorkflowFailedError)
    assert info.value.method == "forever"
    assert (await engine.get_status(handle.id)).status is ExecutionStatus.CANCELED


async def test_terminate(engine: TemporalEngine) -> None:
    handle = await EngineOpsWorkflow.client(engine).async_.forever()
    await engine.terminate(handle.id, "ops said so")
    with pytest.raises(WorkflowTerminatedError, match="ops said so"):
        await handle.result(timeout=60)
    with pytest.raises(WorkflowTerminatedError):
        await engine.get_result(handle.id)
    assert (await handle.status()).status is ExecutionStatus.TERMINATED


# -- failures and activities ---------------------------------------------------------------


async def test_failed_workflow_names_the_root_cause(engine: TemporalEngine) -> None:
    with pytest.raises(WorkflowFailedError) as info:
        await ActivityRunner.client(engine).decline("bob")
    err = info.value
    assert "ValueError: card declined for bob" in str(err)
    assert "tests-activity-runner.decline" in str(err)
    assert err.root_cause_type == "ValueError"
    assert err.root_cause_message == "card declined for bob"
    assert (err.workflow_type, err.method) == ("tests-activity-runner", "decline")
    assert isinstance(err.__cause__, temporalio.client.WorkflowFailureError)


def _assert_failed_without_retry(err: WorkflowFailedError) -> None:
    cause = err.__cause__
    assert isinstance(cause, temporalio.client.WorkflowFailureError)
    activity_error = cause.cause
    assert isinstance(activity_error, ActivityError)
    assert activity_error.retry_state == RetryState.NON_RETRYABLE_FAILURE
    assert isinstance(activity_error.cause, ApplicationError)
    assert activity_error.cause.non_retryable


async def test_activity_args_validation_is_non_retryable_and_names_the_field(engine: TemporalEngine) -> None:
    with pytest.raises(WorkflowFailedError) as info:
        await (await ActivityRunner.client(engine).async_.count_by_name({"count": "many"})).result(timeout=60)
    assert info.value.root_cause_type == "InvalidActivityInput"
    _assert_failed_without_retry(info.value)
    assert "args.count" in str(info.value)
    with pytest.raises(WorkflowFailedError, match=r"args\.count.*greater than 0"):
        await ActivityRunner.client(engine).count_by_name({"count": 0})
    assert await ActivityRunner.client(engine).count_by_name({"count": 3}) == Text(text="xxx")


async def test_activity_result_validation_is_non_retryable_and_names_the_field(
    engine: TemporalEngine,
) -> None:
    with pytest.raises(WorkflowFailedError) as info:
        await (await ActivityRunner.client(engine).async_.wrong_result()).result(timeout=60)
    assert info.value.root_cause_type == "InvalidActivityResult"
    _assert_failed_without_retry(info.value)
    assert "result.text" in str(info.value)


async def test_activities_async_sync_and_local(engine: TemporalEngine) -> None:
    runner = ActivityRunner.client(engine)
    assert await runner.shout("hi") == Text(text="HI")
    assert await runner.shout_local("lo") == Text(text="LO")
    assert (await runner.thread()).startswith("temporal-activity")


async def test_temporalio_retry_policy_is_accepted_by_exec(engine: TemporalEngine) -> None:
    assert await ActivityRunner.client(engine).flaky_with_temporal_policy("x") == 3


# -- workflow helpers ----------------------------------------------------------------------


async def test_sleep_and_wait_until_timeout(engine: TemporalEngine) -> None:
    ops = EngineOpsWorkflow.client(engine)
    assert await ops.nap(0.1) == "slept 0.1"
    assert await ops.wait_with_timeout(0.1) == "timed out"
    handle = await ops.async_.wait_with_timeout(3600)
    await handle.signal("release", "early")
    assert await handle.result(timeout=60) == "released"


async def test_helpers_inside_a_workflow(engine: TemporalEngine, task_queue: str) -> None:
    handle = await EngineOpsWorkflow.client(engine).async_.helpers()
    report = await handle.result(timeout=60)
    assert isinstance(report, w.HelperReport)
    assert report.workflow_id == handle.id
    assert report.run_id == handle.run_id
    assert (report.workflow_type, report.method) == ("EngineOpsWorkflow", "helpers")
    assert report.attempt == 1
    assert report.task_queue == task_queue
    assert report.now.tzinfo is not None
    assert 1 <= report.dice <= 6
    uuid.UUID(report.uuid)
    status = await handle.status()
    assert status.start_time is not None
    assert abs(report.now - status.start_time) < timedelta(minutes=5)


async def test_class_options_name_and_task_queue(engine: TemporalEngine) -> None:
    assert w.FIXED_QUEUE in engine.task_queues
    assert engine.task_queue in engine.task_queues
    handle = await w.FixedQueueWorkflow.client(engine).async_.where()
    assert await handle.result(timeout=60) == w.FIXED_QUEUE
    assert (await handle.status()).task_queue == w.FIXED_QUEUE

    runner = await ActivityRunner.client(engine).async_.shout("n")
    assert (await runner.status()).workflow_type == "tests-activity-runner"
    await runner.result(timeout=60)


# -- lifecycle -----------------------------------------------------------------------------


async def test_lifecycle_and_health(dev_server: DevServer, task_queue: str) -> None:
    engine = TemporalEngine(url=dev_server.address, task_queue=task_queue, workflows=[EngineOpsWorkflow])
    assert engine.state is EngineState.NOT_STARTED
    with pytest.raises(EngineNotStartedError, match="start"):
        await engine.start_method(EngineOpsWorkflow, "double", 1)
    with pytest.raises(EngineNotStartedError):
        _ = engine.client
    health = await engine.health_check()
    assert not health.healthy
    assert health.state is EngineState.NOT_STARTED

    async with engine:
        assert engine.state is EngineState.RUNNING
        with pytest.raises(EngineStateError, match="running"):
            await engine.start()
        health = await engine.health_check()
        assert health.healthy, health.detail
        assert health.server_reachable and health.workers_running
        assert health.task_queues == [task_queue]
        assert await EngineOpsWorkflow.client(engine).double(3) == 6

    assert engine.state is EngineState.STOPPED
    health = await engine.health_check()
    assert not health.healthy
    with pytest.raises(EngineNotStartedError):
        await engine.get_status("anything")
    with pytest.raises(EngineStateError, match="stopped"):
        await engine.start()
    await engine.stop()  # idempotent


async def test_client_only_engine_health(
    dev_server: DevServer, engine: TemporalEngine, task_queue: str
) -> None:
    async with TemporalEngine(url=dev_server.address, task_queue=task_queue, start_worker=False) as client:
        health = await client.health_check()
        assert health.healthy and health.server_reachable
        assert not health.workers_running
        assert client.task_queues == []
        # Served by the `engine` fixture's workers.
        assert await EngineOpsWorkflow.client(client).double(8) == 16


async def test_unreachable_server_is_a_clear_connection_error() -> None:
    from temporal_runtime.devserver import free_port

    engine = TemporalEngine(url=f"127.0.0.1:{free_port()}", task_queue="x", start_worker=False)
    with pytest.raises(ConnectionError, match="cannot reach Temporal"):
        await engine.start()
    assert engine.state is EngineState.NOT_STARTED


async def test_bad_handler_calls_never_break_the_workflow(engine: TemporalEngine) -> None:
    handle = await EngineOpsWorkflow.client(engine).async_.wait_for_release("b")
    # A signal with arguments that do not validate is dropped; the workflow keeps waiting.
    await handle.signal("release")
    await handle.signal("release", {"not": "a string"})
    with pytest.raises(QueryFailedError, match="ticket"):
        await handle.query("ticket", "unexpected argument")
    with pytest.raises(QueryFailedError, match="awaiting_query"):
        await handle.query(EngineOpsWorkflow.awaiting_query)
    assert (await engine.get_status(handle.id)).status is ExecutionStatus.RUNNING
    assert await handle.query(EngineOpsWorkflow.ticket) == Ticket(label="b", count=0)
    await handle.signal("release", "ok")
    assert (await handle.result(timeout=60)).released_by == "ok"
    history = await handle.raw.fetch_history()
    assert EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED not in [e.event_type for e in history.events]


async def test_unknown_workflow_id(engine: TemporalEngine) -> None:
    missing = _id("missing")
    with pytest.raises(WorkflowNotFoundError) as info:
        await engine.get_status(missing)
    assert info.value.workflow_id == missing
    with pytest.raises(WorkflowNotFoundError):
        await engine.signal(missing, "release", "x")
    with pytest.raises(WorkflowNotFoundError):
        await engine.get_result(missing, timeout_seconds=5)
