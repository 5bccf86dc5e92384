"""One behaviour, two engines: every test here runs on InMemoryEngine and on the dev server.

The `engine` fixture is parametrized, so a difference between the engines is a failing test.
Where the in-memory engine cannot do a thing, the test says so with an explicit branch on
`is_memory` and asserts what it does instead; nothing is skipped.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import pytest

from temporal_runtime import (
    EngineNotStartedError,
    EngineState,
    EngineStateError,
    ExecutionStatus,
    MethodHandle,
    OptionError,
    RetryPolicy,
    RuntimeConfig,
    UnknownMethodError,
    UnknownWorkflowError,
    UpdateFailedError,
    WorkflowAlreadyStartedError,
    WorkflowCancelledError,
    WorkflowFailedError,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
    WorkflowNotFoundError,
    WorkflowTerminatedError,
    WorkflowTimedOutError,
)
from temporal_runtime.testing import InMemoryEngine
from temporal_runtime.testing.pytest_plugin import SharedDevServer
from tests.integration._parity import Engine, is_memory, make_engine, parity_engine
from tests.integration.parity_workflows import (
    PARITY_WORKFLOWS,
    RAN,
    Order,
    ParityChild,
    ParityOrders,
    Receipt,
)

engine = parity_engine(*PARITY_WORKFLOWS)


def _make(kind: str, server: SharedDevServer, task_queue: str, config: RuntimeConfig | None = None) -> Engine:
    return make_engine(kind, server, task_queue, PARITY_WORKFLOWS, config=config)


ORDER = Order(order_id="o-1", amount=5)


# -- start options ----------------------------------------------------------------------------


async def test_workflow_id_default_and_given(engine: Engine) -> None:
    wf = ParityOrders.client(engine)
    handle = await wf.async_.process(ORDER)
    assert handle.id.startswith("ParityOrders-process-")
    uuid.UUID(handle.id.removeprefix("ParityOrders-process-"))
    given = await wf.with_options(workflow_id=f"order-{uuid.uuid4()}").async_.whoami()
    who = await given.result()
    assert who == {"id": given.id, "method": "whoami", "queue": engine.task_queue}
    status = await given.status()
    assert (status.workflow_type, status.method, status.task_queue) == (
        "ParityOrders",
        "whoami",
        engine.task_queue,
    )


async def test_id_conflict_policies(engine: Engine) -> None:
    wf = ParityOrders.client(engine).with_options(workflow_id=f"conflict-{uuid.uuid4()}")
    first = await wf.async_.approve_then_charge(ORDER)
    with pytest.raises(WorkflowAlreadyStartedError, match="USE_EXISTING"):
        await wf.async_.approve_then_charge(ORDER)
    same = await wf.with_options(
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING
    ).async_.approve_then_charge(ORDER)
    assert same.run_id == first.run_id
    replaced = await wf.with_options(
        id_conflict_policy=WorkflowIDConflictPolicy.TERMINATE_EXISTING
    ).async_.approve_then_charge(ORDER)
    assert replaced.run_id != first.run_id
    with pytest.raises(WorkflowTerminatedError):
        await first.result()
    await replaced.terminate("done")


async def test_id_reuse_policy(engine: Engine) -> None:
    wf = ParityOrders.client(engine).with_options(workflow_id=f"reuse-{uuid.uuid4()}")
    assert await wf.process(ORDER) == Receipt(order_id="o-1", charged=5)
    assert await wf.process(ORDER) == Receipt(order_id="o-1", charged=5)  # ALLOW_DUPLICATE
    with pytest.raises(WorkflowAlreadyStartedError):
        await wf.with_options(id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE).process(ORDER)


async def test_start_delay(engine: Engine) -> None:
    handle = await ParityOrders.client(engine).after(1).whoami()
    assert (await handle.status()).status is ExecutionStatus.RUNNING
    await handle.result(timeout=30)
    status = await handle.status()
    assert status.start_time is not None and status.execution_time is not None
    assert status.execution_time - status.start_time >= timedelta(seconds=0.9)


async def test_execution_and_run_timeouts(engine: Engine) -> None:
    wf = ParityOrders.client(engine)
    with pytest.raises(WorkflowTimedOutError):
        await wf.with_options(execution_timeout=1).nap(3600)
    with pytest.raises(WorkflowTimedOutError):
        await wf.with_options(run_timeout=1).nap(3600)
    # A task timeout only bounds each workflow task; a well-behaved workflow is unaffected.
    assert await wf.with_options(task_timeout=5).nap(1) == "rested"


async def test_workflow_retry_policy(engine: Engine) -> None:
    policy = RetryPolicy(maximum_attempts=3, initial_interval=1)
    wf = ParityOrders.client(engine).with_options(retry_policy=policy)
    assert await wf.flaky(1) == 2
    with pytest.raises(WorkflowFailedError) as caught:
        await wf.flaky(5)
    assert caught.value.root_cause_type == "Flaky"


async def test_memo_keeps_the_method_key(engine: Engine) -> None:
    memo = {"team": "sales", "temporal_runtime.method": "not-the-method"}
    handle = await ParityOrders.client(engine).with_options(memo=memo).async_.process(ORDER)
    await handle.result()
    status = await handle.status()
    assert status.method == "process"
    assert status.memo == {"team": "sales"}


async def test_start_method_by_name_takes_every_start_option(engine: Engine) -> None:
    workflow_id = f"by-name-{uuid.uuid4()}"
    handle = await engine.start_method(
        ParityOrders, "process", ORDER, workflow_id=workflow_id, memo={"k": 1}, execution_timeout=60
    )
    assert handle.id == workflow_id
    assert await handle.result() == Receipt(order_id="o-1", charged=5)
    assert (await engine.get_status(workflow_id)).memo == {"k": 1}
    assert await engine.execute_method("ParityOrders", "whoami", workflow_id=f"x-{workflow_id}") == {
        "id": f"x-{workflow_id}",
        "method": "whoami",
        "queue": engine.task_queue,
    }
    with pytest.raises(OptionError, match="with_options"):
        await engine.start_method(ParityOrders, ParityOrders.process, ORDER, workflow_id="x")  # type: ignore[call-arg]


# -- handles and by-id operations -------------------------------------------------------------


async def test_signal_query_update_and_result(engine: Engine) -> None:
    handle = await ParityOrders.client(engine).async_.approve_then_charge(ORDER)
    assert isinstance(handle, MethodHandle)
    assert await handle.query(ParityOrders.status) == "waiting"
    assert await handle.update(ParityOrders.set_note, "first") == ""
    assert await engine.update(handle.id, "set_note", "second") == "first"
    with pytest.raises(UpdateFailedError, match="must not be empty"):
        await handle.update(ParityOrders.set_note, "")
    with pytest.raises(TimeoutError):
        await handle.result(timeout=0.5)
    await handle.signal(ParityOrders.approve, "ada")
    assert await handle.result(timeout=30) == Receipt(order_id="o-1", charged=5)
    assert await engine.get_result(handle.id) == Receipt(order_id="o-1", charged=5)
    assert await engine.query(handle.id, "status") == "waiting"


async def test_cancel_runs_cleanup_and_terminate_does_not(engine: Engine) -> None:
    wf = ParityOrders.client(engine)
    order_id = f"held-{uuid.uuid4()}"
    held = await wf.async_.hold(order_id)
    await engine.cancel(held.id)
    with pytest.raises(WorkflowCancelledError):
        await held.result(timeout=30)
    assert f"release {order_id}" in RAN
    other = f"held-{uuid.uuid4()}"
    stopped = await wf.async_.hold(other)
    await engine.terminate(stopped.id, "no cleanup")
    with pytest.raises(WorkflowTerminatedError, match="no cleanup"):
        await stopped.result(timeout=30)
    assert (await engine.get_status(stopped.id)).status is ExecutionStatus.TERMINATED
    assert f"release {other}" not in RAN


async def test_unknown_ids_fail_on_first_use(engine: Engine) -> None:
    handle = engine.get_handle(f"missing-{uuid.uuid4()}")  # nothing is looked up yet
    with pytest.raises(WorkflowNotFoundError):
        await handle.signal("approve", "ada")
    with pytest.raises(WorkflowNotFoundError):
        await engine.get_status(handle.id)


async def test_lookups_raise_typed_errors(engine: Engine) -> None:
    with pytest.raises(UnknownMethodError, match="entry methods: process"):
        ParityOrders.client(engine).refund  # noqa: B018
    with pytest.raises(UnknownMethodError, match="signal handler"):
        await engine.start_method(ParityOrders, "approve", "ada")
    with pytest.raises(UnknownWorkflowError, match="ParityOrdrs"):
        await engine.start_method("ParityOrdrs", "process", ORDER)


# -- failures, children, continue-as-new --------------------------------------------------------


async def test_failures_carry_their_root_cause(engine: Engine) -> None:
    wf = ParityOrders.client(engine)
    with pytest.raises(WorkflowFailedError) as caught:
        await wf.refuse("no stock")
    assert (caught.value.root_cause_type, caught.value.root_cause_message) == ("Refused", "no stock")
    with pytest.raises(WorkflowFailedError) as declined:
        await wf.process(Order(order_id="o-2", amount=-1))
    assert declined.value.root_cause_type == "CardDeclined"
    assert declined.value.method == "process"


async def test_children_and_their_failures(engine: Engine) -> None:
    wf = ParityOrders.client(engine)
    assert await wf.parent(21) == 42
    assert await wf.parent_of_failure() == "child failed: ApplicationError"
    assert await ParityChild.client(engine).double(2) == 4


async def test_continue_as_new_follows_to_the_last_run(engine: Engine) -> None:
    handle = await ParityOrders.client(engine).async_.count(0, 3)
    assert await handle.result(timeout=30) == 3
    assert (await engine.get_status(handle.id)).status is ExecutionStatus.COMPLETED


# -- lifecycle and configuration -----------------------------------------------------------------


async def test_lifecycle_states_and_errors(kind: str, dev_server: SharedDevServer, task_queue: str) -> None:
    engine = _make(kind, dev_server, task_queue)
    assert engine.state is EngineState.NOT_STARTED
    with pytest.raises(EngineNotStartedError):
        await ParityOrders.client(engine).process(ORDER)
    await engine.start()
    assert engine.state is EngineState.RUNNING
    with pytest.raises(EngineStateError):
        await engine.start()
    await engine.stop()
    await engine.stop()  # safe twice
    assert engine.state is EngineState.STOPPED
    with pytest.raises(EngineNotStartedError):
        await ParityOrders.client(engine).process(ORDER)
    with pytest.raises(EngineStateError):
        await engine.start()


async def test_each_engine_keeps_its_own_defaults(kind: str, dev_server: SharedDevServer) -> None:
    strict = RuntimeConfig.model_validate(
        {
            "activity": {"start_to_close": "1s"},
            "retry": {"maximum_attempts": 1},
            "workflow": {"run_timeout": "30s"},
        }
    )
    engines: list[Engine] = [
        _make(kind, dev_server, f"tq-{uuid.uuid4().hex[:8]}", config=strict),
        _make(kind, dev_server, f"tq-{uuid.uuid4().hex[:8]}"),
    ]
    for started in engines:
        await started.start()
    try:
        strict_engine, lenient_engine = engines
        # Both engines are started; the first one's defaults must not leak into the second.
        with pytest.raises(WorkflowFailedError) as caught:
            await ParityOrders.client(strict_engine).slow_activity(2)
        assert "Timeout" in (caught.value.root_cause_type or "") + str(caught.value)
        assert await ParityOrders.client(lenient_engine).slow_activity(2) == "slow done"
    finally:
        for started in engines:
            await started.stop()


async def test_search_attributes_at_start(engine: Engine, parity_search_attribute: str) -> None:
    from temporal_runtime import SearchAttributeKey

    key = SearchAttributeKey.for_keyword(parity_search_attribute)
    handle = (
        await ParityOrders.client(engine).with_options(search_attributes={key: "acme"}).async_.process(ORDER)
    )
    await handle.result()
    # By name, `search_attributes` is a start option too (it used to land in the method's kwargs).
    by_name = await engine.start_method(ParityOrders, "process", ORDER, search_attributes={key: "zenith"})
    await by_name.result()
    found: list[Any] = []
    for started in (handle, by_name):
        if is_memory(engine):
            # In memory there is no visibility store; the engine reads them back directly.
            assert isinstance(engine, InMemoryEngine)
            found.append(engine.search_attributes(started.id)[parity_search_attribute])
        else:
            found.append((await started.raw.describe()).typed_search_attributes.get(key))
    assert found == ["acme", "zenith"]
    await asyncio.sleep(0)
