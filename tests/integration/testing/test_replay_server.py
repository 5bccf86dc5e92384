"""replay() and export_history() against histories fetched from the dev server."""

from __future__ import annotations

import json
from pathlib import Path

from examples import orders
from temporal_runtime import TemporalEngine
from temporal_runtime.testing import export_history, replay, replay_history


async def test_replay_a_finished_workflow_and_export_its_history(
    engine: TemporalEngine, tmp_path: Path
) -> None:
    handle = await orders.OrderProcessingWorkflow.client(engine).async_.process_order(
        orders.Order(order_id="R-1", items=[orders.Item(sku="fig")])
    )
    assert (await handle.result(timeout=60)).status == "completed"
    await replay(engine, handle.id)

    path = await export_history(engine, handle.id, tmp_path / "nested" / "order.json")
    saved = json.loads(path.read_text())
    assert saved["workflowId"] == handle.id
    assert saved["events"][0]["eventType"] == "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED"
    await replay_history(path, orders.OrderProcessingWorkflow)
