"""The examples replay their recorded histories; a changed workflow fails with a clear error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from examples import approval, data_pipeline, orders
from temporal_runtime.testing import ReplayError, replay_history
from tests.changed_workflows import ChangedOrderWorkflow

HISTORIES = Path(__file__).resolve().parents[2] / "fixtures" / "histories"


@pytest.mark.parametrize(
    ("fixture", "workflow"),
    [
        ("orders_completed.json", orders.OrderProcessingWorkflow),
        ("orders_cancelled.json", orders.OrderProcessingWorkflow),
        ("approval_approved.json", approval.ApprovalWorkflow),
        ("data_pipeline.json", data_pipeline.DataPipelineWorkflow),
    ],
)
async def test_examples_replay_their_recorded_histories(fixture: str, workflow: type) -> None:
    await replay_history(HISTORIES / fixture, workflow)


async def test_replay_accepts_json_text_and_a_type_name() -> None:
    text = (HISTORIES / "data_pipeline.json").read_text()
    await replay_history(text, "DataPipelineWorkflow")


async def test_a_changed_workflow_fails_replay_naming_workflow_method_and_event() -> None:
    recorded = json.loads((HISTORIES / "orders_completed.json").read_text())
    # Same history, pointed at the changed class (two classes cannot share one type name).
    recorded["events"][0]["workflowExecutionStartedEventAttributes"]["workflowType"]["name"] = (
        "ChangedOrderWorkflow"
    )
    with pytest.raises(ReplayError) as caught:
        await replay_history(recorded, ChangedOrderWorkflow)
    err = caught.value
    assert err.workflow_type == "ChangedOrderWorkflow"
    assert err.method == "process_order"
    assert err.workflow_id == "orders-completed"
    assert err.event_id is not None and err.event_type is not None
    message = str(err)
    assert "ChangedOrderWorkflow.process_order" in message
    assert f"event {err.event_id} ({err.event_type})" in message
    assert "no longer replays" in message
