"""The FastAPI example against the dev server, through FastAPI's TestClient (lifespan included)."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from examples.fastapi_app import create_app
from temporal_runtime import DevServer, TemporalEngine


def test_fastapi_app(dev_server: DevServer, task_queue: str) -> None:
    engine = TemporalEngine(url=dev_server.address, task_queue=task_queue)
    with TestClient(create_app(engine)) as http:
        assert engine.state.value == "running"
        health = http.get("/healthz")
        assert (health.status_code, health.json()["healthy"]) == (200, True)

        # An order that completes.
        small = {"order_id": f"s-{uuid.uuid4().hex[:6]}", "items": [{"sku": "apple", "quantity": 2}]}
        started = http.post("/orders", json=small)
        assert started.status_code == 202
        wf_id = started.json()["workflow_id"]
        assert wf_id == f"order-{small['order_id']}"
        done = http.get(f"/workflows/{wf_id}/result", params={"wait": 60})
        assert done.status_code == 200
        assert done.json() == {"status": "completed", "items": 1}
        info = http.get(f"/workflows/{wf_id}").json()
        assert (info["status"], info["method"], info["workflow_type"]) == (
            "COMPLETED",
            "process_order",
            "OrderProcessingWorkflow",
        )

        # A long order: pause, read progress, resume, then cancel by signal.
        big = {"order_id": f"b-{uuid.uuid4().hex[:6]}", "items": [{"sku": f"sku-{i}"} for i in range(200)]}
        wf_id = http.post("/orders", json=big).json()["workflow_id"]
        assert http.post(f"/workflows/{wf_id}/signals/pause", json={}).status_code == 202
        progress = http.get(f"/workflows/{wf_id}/progress").json()
        assert set(progress) == {"status", "items_processed"}
        assert http.get(f"/workflows/{wf_id}").json()["status"] == "RUNNING"
        assert http.post(f"/workflows/{wf_id}/signals/resume", json={}).status_code == 202
        sent = http.post(f"/workflows/{wf_id}/signals/cancel", json={"args": ["Customer request"]})
        assert sent.status_code == 202
        result = http.get(f"/workflows/{wf_id}/result", params={"wait": 60}).json()
        assert result["status"] == "cancelled: Customer request"
        assert result["items"] < 200

        # Cancelling a workflow (Temporal cancellation) makes its result a 409.
        third = {"order_id": f"c-{uuid.uuid4().hex[:6]}", "items": [{"sku": f"x-{i}"} for i in range(200)]}
        wf_id = http.post("/orders", json=third).json()["workflow_id"]
        assert http.post(f"/workflows/{wf_id}/signals/pause", json={}).status_code == 202
        assert http.post(f"/workflows/{wf_id}/cancel").status_code == 202
        cancelled = http.get(f"/workflows/{wf_id}/result", params={"wait": 60})
        assert cancelled.status_code == 409
        assert "cancel" in cancelled.json()["detail"].lower()

        missing = http.get("/workflows/no-such-order")
        assert missing.status_code == 404
    assert engine.state.value == "stopped"
