"""Messages with a start, update handles, start options and describe: one behaviour, two engines.

Every test runs on InMemoryEngine and on the dev server (`tests/integration/_parity.py`);
where the in-memory engine cannot do a thing, the test says so and asserts what it does.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

import pytest

from temporal_runtime import (
    OptionError,
    SearchAttributeKey,
    UpdateFailedError,
    UpdateHandle,
    WorkflowAlreadyStartedError,
    WorkflowFailedError,
    WorkflowIDConflictPolicy,
    WorkflowStatus,
)
from tests.integration._parity import Engine, is_memory, parity_engine
from tests.integration.parity_features import FEATURE_WORKFLOWS, FeatureCart, FeatureJobs
from tests.integration.parity_workflows import Order, ParityOrders

engine = parity_engine(*FEATURE_WORKFLOWS, ParityOrders)

USE_EXISTING = WorkflowIDConflictPolicy.USE_EXISTING


def _cart_id() -> str:
    return f"cart-{uuid.uuid4().hex[:8]}"


async def _status_until(
    engine: Engine, workflow_id: str, check: Callable[[WorkflowStatus], bool]
) -> WorkflowStatus:
    status = await engine.get_status(workflow_id)
    for _ in range(100):
        if check(status):
            return status
        await asyncio.sleep(0.1)
        status = await engine.get_status(workflow_id)
    raise AssertionError(f"{workflow_id}: never reached the expected state: {status}")


# -- signal-with-start and update-with-start ------------------------------------------------------


async def test_update_with_start_starts_once_and_then_reaches_the_running_workflow(engine: Engine) -> None:
    cart_id = _cart_id()
    op = (
        FeatureCart.client(engine)
        .with_options(workflow_id=cart_id, id_conflict_policy=USE_EXISTING)
        .with_start(FeatureCart.checkout, "ada")
    )
    assert await op.update(FeatureCart.add_item, "apple") == 1
    assert await op.update(FeatureCart.add_item, "pear") == 2  # the same run, not a new one
    accepted = await op.start_update(FeatureCart.add_item, "plum")
    assert isinstance(accepted, UpdateHandle)
    assert (accepted.workflow_id, accepted.name) == (cart_id, "add_item")
    assert await accepted.result() == 3
    with pytest.raises(UpdateFailedError) as rejected:
        await op.update(FeatureCart.add_item, "")
    assert (rejected.value.root_cause_type, rejected.value.root_cause_message) == (
        "ValueError",
        "a sku must not be empty",
    )
    await op.handle.signal(FeatureCart.close)
    assert await op.handle.result() == "ada: apple, pear, plum"


async def test_update_with_start_by_name_and_its_policies(engine: Engine) -> None:
    cart_id = _cart_id()
    op = engine.with_start(
        FeatureCart, "checkout", "bob", workflow_id=cart_id, id_conflict_policy=USE_EXISTING
    )
    assert await op.update("add_item", "fig") == 1
    failing = engine.with_start(
        "FeatureCart",
        "checkout",
        "bob",
        workflow_id=cart_id,
        id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
    )
    with pytest.raises(WorkflowAlreadyStartedError):
        await failing.update("add_item", "kiwi")
    with pytest.raises(OptionError, match="needs id_conflict_policy"):
        await engine.with_start(FeatureCart, "checkout", "x", workflow_id=cart_id).update("add_item", "x")
    with pytest.raises(OptionError, match="needs a workflow_id"):
        FeatureCart.client(engine).with_start(FeatureCart.checkout, "nobody")
    await op.handle.terminate("done")


async def test_signal_with_start_starts_or_signals(engine: Engine) -> None:
    cart_id = _cart_id()
    op = FeatureCart.client(engine).with_options(workflow_id=cart_id).with_start(FeatureCart.checkout, "cy")
    first = await op.signal(FeatureCart.add, "apple")
    second = await op.signal(FeatureCart.add, "pear")
    assert first.run_id == second.run_id
    by_name = await engine.with_start("FeatureCart", "checkout", "cy", workflow_id=cart_id).signal("close")
    assert by_name.id == cart_id
    assert await first.result() == "cy: apple, pear"


# -- update handles ------------------------------------------------------------------------------------


async def test_start_update_returns_once_accepted(engine: Engine) -> None:
    handle = await FeatureCart.client(engine).async_.checkout("dee")
    accepted = await handle.start_update(FeatureCart.reserve, "sofa")
    # Accepted, and still running: it finishes when the cart closes.
    with pytest.raises(TimeoutError, match="still running"):
        await accepted.result(timeout=0.5)
    by_id = await engine.start_update(handle.id, "add_item", "lamp")
    assert await by_id.result() == 1
    refused = await handle.start_update(FeatureCart.add_item, "")  # a handle, as for any update
    with pytest.raises(UpdateFailedError) as rejected:
        await refused.result()
    assert rejected.value.root_cause_type == "ValueError"
    await handle.signal(FeatureCart.close)
    assert await accepted.result(timeout=30) == "reserved sofa"
    assert await handle.result() == "dee: lamp"


async def test_update_failure_carries_its_type(engine: Engine) -> None:
    handle = await FeatureCart.client(engine).async_.checkout("eve")
    with pytest.raises(UpdateFailedError) as failed:
        await handle.update(FeatureCart.out_of_stock, "chair")
    assert (failed.value.root_cause_type, failed.value.root_cause_message) == ("OutOfStock", "no chair left")
    accepted = await handle.start_update(FeatureCart.out_of_stock, "desk")
    with pytest.raises(UpdateFailedError) as later:
        await accepted.result()
    assert later.value.root_cause_type == "OutOfStock"
    await handle.terminate("done")


# -- start options: eager start and cron --------------------------------------------------------------


async def test_eager_start(engine: Engine) -> None:
    handle = await FeatureCart.client(engine).with_options(request_eager_start=True).async_.checkout("fay")
    if is_memory(engine):
        # In memory every start is eager: the run begins in this process at once.
        assert (await handle.status()).is_running
    else:
        # The dev server handed the first workflow task to this engine's worker with the start.
        assert vars(handle.raw)["__temporal_eagerly_started"] is True
    await handle.signal(FeatureCart.close)
    assert await handle.result() == "fay: "


async def test_cron_schedule(engine: Engine) -> None:
    wf = FeatureCart.client(engine).with_options(cron_schedule="@every 1s", workflow_id=_cart_id())
    if is_memory(engine):
        # No cron scheduler in memory: refused, saying where to test it.
        with pytest.raises(OptionError, match="local_engine"):
            await wf.async_.checkout("gus")
        return
    handle = await wf.async_.checkout("gus")
    first = (await handle.status()).run_id
    await handle.signal(FeatureCart.close)  # the first run completes; the cron starts the next
    await _status_until(engine, handle.id, lambda s: s.run_id != first and s.is_running)
    await handle.terminate("cron test done")


# -- describe ------------------------------------------------------------------------------------------


async def test_describe_pending_activities(engine: Engine) -> None:
    handle = await FeatureJobs.client(engine).async_.keep_failing()
    status = await _status_until(
        engine,
        handle.id,
        lambda s: bool(s.pending_activities) and s.pending_activities[0].last_failure_type is not None,
    )
    pending = status.pending_activities[0]
    assert (pending.activity_id, pending.activity_type, pending.state) == (
        "1",
        "feature_keeps_failing",
        "SCHEDULED",
    )
    assert (pending.attempt, pending.maximum_attempts) == (2, 4)
    assert (pending.last_failure_type, pending.last_failure_message) == (
        "ValueError",
        "attempt 1 of 1 failed",
    )
    await handle.terminate("described")


async def test_describe_search_attributes_and_memo(engine: Engine, parity_search_attribute: str) -> None:
    key = SearchAttributeKey.for_keyword(parity_search_attribute)
    wf = FeatureCart.client(engine).with_options(search_attributes={key: "acme"}, memo={"team": "sales"})
    handle = await wf.async_.checkout("hal")
    status = await handle.status()
    assert status.search_attributes == {parity_search_attribute: "acme"}
    assert status.memo == {"team": "sales"}
    await handle.terminate("described")


async def test_failure_carries_the_remote_stack_trace(engine: Engine) -> None:
    wf = ParityOrders.client(engine)
    with pytest.raises(WorkflowFailedError) as in_workflow:
        await wf.refuse("no stock")
    trace = in_workflow.value.stack_trace or ""
    assert "parity_workflows.py" in trace and "in refuse" in trace
    with pytest.raises(WorkflowFailedError) as in_activity:
        await wf.process(Order(order_id="o-9", amount=-1))
    assert "in charge" in (in_activity.value.stack_trace or "")
