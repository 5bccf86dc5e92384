"""The `temporal` CLI and the engine meet on the same workflows: readable JSON both ways."""

from __future__ import annotations

import json
import uuid

from examples import approval, orders
from temporal_runtime import DevServer, ExecutionStatus, TemporalEngine
from tests.integration._temporal_cli import temporal_cli


async def test_cli_start_engine_reads_typed_result(
    dev_server: DevServer, engine: TemporalEngine, task_queue: str
) -> None:
    workflow_id = f"cli-order-{uuid.uuid4().hex[:8]}"
    order = {"order_id": "CLI-1", "items": [{"sku": "apple", "quantity": 3}, {"sku": "pear"}]}
    started = await temporal_cli(
        dev_server.address,
        "workflow",
        "start",
        "--type",
        "OrderProcessingWorkflow",
        "--task-queue",
        task_queue,
        "--workflow-id",
        workflow_id,
        "--input",
        json.dumps({"method": "process_order", "kwargs": {"order": order}}),
    )
    assert started.returncode == 0, started.stderr

    result = await engine.get_result(workflow_id, timeout_seconds=60)
    assert isinstance(result, orders.OrderResult)
    assert result == orders.OrderResult(status="completed", items=2)

    status = await engine.get_status(workflow_id)
    assert status.status is ExecutionStatus.COMPLETED
    assert status.workflow_type == "OrderProcessingWorkflow"
    assert status.method == "process_order"


async def test_cli_execute_prints_readable_json_result(
    dev_server: DevServer, engine: TemporalEngine, task_queue: str
) -> None:
    done = await temporal_cli(
        dev_server.address,
        "workflow",
        "execute",
        "--type",
        "OrderProcessingWorkflow",
        "--task-queue",
        task_queue,
        "--workflow-id",
        f"cli-exec-{uuid.uuid4().hex[:8]}",
        "--input",
        json.dumps({"method": "process_order", "kwargs": {"order": {"order_id": "X", "items": []}}}),
        "-o",
        "json",
    )
    assert done.returncode == 0, done.stderr
    assert done.json()["result"] == {"status": "completed", "items": 0}


async def test_cli_queries_and_signals_a_running_workflow(
    dev_server: DevServer, engine: TemporalEngine
) -> None:
    handle = await approval.ApprovalWorkflow.client(engine).async_.process(
        approval.Request(request_id="r-cli", amount=10)
    )
    query = await temporal_cli(
        dev_server.address,
        "workflow",
        "query",
        "--workflow-id",
        handle.id,
        "--name",
        "is_approved",
        "-o",
        "json",
    )
    assert query.returncode == 0, query.stderr
    assert query.json()["queryResult"] == [False]

    signal = await temporal_cli(
        dev_server.address,
        "workflow",
        "signal",
        "--workflow-id",
        handle.id,
        "--name",
        "approve",
        "--input",
        '"bob"',
    )
    assert signal.returncode == 0, signal.stderr

    result = await handle.result(timeout=60)
    assert result == approval.Result(status="approved", approver="bob")
    query = await temporal_cli(
        dev_server.address,
        "workflow",
        "query",
        "--workflow-id",
        handle.id,
        "--name",
        "is_approved",
        "-o",
        "json",
    )
    assert query.json()["queryResult"] == [True]


async def test_cli_pauses_and_cancels_an_order(dev_server: DevServer, engine: TemporalEngine) -> None:
    handle = await orders.OrderProcessingWorkflow.client(engine).async_.process_order(
        orders.Order(order_id="CLI-2", items=[orders.Item(sku=f"s{i}") for i in range(200)])
    )
    paused = await temporal_cli(
        dev_server.address, "workflow", "signal", "--workflow-id", handle.id, "--name", "pause"
    )
    assert paused.returncode == 0, paused.stderr
    progress = await temporal_cli(
        dev_server.address,
        "workflow",
        "query",
        "--workflow-id",
        handle.id,
        "--name",
        "progress",
        "-o",
        "json",
    )
    assert progress.returncode == 0, progress.stderr
    (value,) = progress.json()["queryResult"]
    assert value["status"] == "processing"
    assert isinstance(value["items_processed"], int)

    cancelled = await temporal_cli(
        dev_server.address,
        "workflow",
        "signal",
        "--workflow-id",
        handle.id,
        "--name",
        "cancel",
        "--input",
        '"from the CLI"',
    )
    assert cancelled.returncode == 0, cancelled.stderr
    await temporal_cli(
        dev_server.address, "workflow", "signal", "--workflow-id", handle.id, "--name", "resume"
    )
    result = await handle.result(timeout=60)
    assert result.status == "cancelled: from the CLI"
    assert result.items < 200
    assert await engine.query(handle.id, "status") == "cancelled: from the CLI"
