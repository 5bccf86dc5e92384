"""Replay and export by run id, and replay of every run of a workflow id or of a query."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from examples import orders
from temporal_runtime import OptionError, TemporalEngine
from temporal_runtime.testing import ReplayError, export_history, replay, replay_history, replay_workflows
from tests.changed_workflows import ChangedOrderWorkflow
from tests.integration._engines import engine_serving
from tests.integration.parity_workflows import ParityOrders

engine = engine_serving(ParityOrders, orders.OrderProcessingWorkflow)


async def _runs(engine: TemporalEngine, workflow_id: str, count: int) -> list[str]:
    # Visibility lags the runs a little.
    for _ in range(100):
        replayed = await replay_workflows(engine, workflow_id=workflow_id)
        if len(replayed) == count:
            return replayed
        await asyncio.sleep(0.1)
    raise AssertionError(f"{workflow_id}: visibility never listed {count} runs")


async def test_every_run_of_a_workflow_and_one_run_by_id(engine: TemporalEngine, tmp_path: Path) -> None:
    handle = await ParityOrders.client(engine).async_.count(0, 2)  # three runs, by continue-as-new
    assert await handle.result(timeout=60) == 2
    runs = await _runs(engine, handle.id, 3)
    first = handle.run_id
    assert first in runs and len(set(runs)) == 3

    await replay(engine, handle.id, run_id=first)
    path = await export_history(engine, handle.id, tmp_path / "first.json", run_id=first)
    started = json.loads(path.read_text())["events"][0]["workflowExecutionStartedEventAttributes"]
    assert started["originalExecutionRunId"] == first
    await replay_history(path, ParityOrders, run_id=first)

    by_query = await replay_workflows(engine, f"WorkflowId = '{handle.id}' AND ExecutionStatus = 'Completed'")
    assert len(by_query) == 1 and by_query[0] != first  # only the last run completed
    with pytest.raises(OptionError, match="query"):
        await replay_workflows(engine)


async def test_a_run_that_no_longer_replays_is_named(engine: TemporalEngine) -> None:
    handle = await orders.OrderProcessingWorkflow.client(engine).async_.process_order(
        orders.Order(order_id="R-2", items=[orders.Item(sku="kiwi")])
    )
    await handle.result(timeout=60)
    await _runs(engine, handle.id, 1)
    with pytest.raises(ReplayError) as caught:
        await replay_workflows(engine, workflow_id=handle.id, workflow=ChangedOrderWorkflow)
    assert (caught.value.workflow_id, caught.value.run_id) == (handle.id, handle.run_id)
    assert f"run {handle.run_id!r}" in str(caught.value)
