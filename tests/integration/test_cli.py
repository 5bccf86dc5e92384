"""Every command of `python -m temporal_runtime` against the real dev server, as a subprocess."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest

from temporal_runtime import DevServer, TemporalEngine
from temporal_runtime.cli import JsonFormatter, TemporalContextFilter
from temporal_runtime.devserver import free_port
from tests.integration._cli import read_event, run_cli, spawn_cli
from tests.integration.cli_app.activities import Greeting
from tests.integration.cli_app.workflows import CliAppWorkflow, GreetResult

MODULE = "tests.integration.cli_app"


@pytest.fixture(scope="module")
async def cli_worker(dev_server: DevServer) -> AsyncIterator[str]:
    """A `temporal-runtime worker` subprocess serving cli_app on its own task queue."""
    queue = f"cli-{uuid.uuid4().hex[:10]}"
    proc = await spawn_cli("worker", MODULE, "--task-queue", queue, "--address", dev_server.address, "--json")
    serving = await read_event(proc, "serving")
    assert serving["task_queues"][queue]["workflows"] == ["CliAppWorkflow"]
    assert serving["task_queues"][queue]["activities"] == ["cli_app.compose_greeting"]
    yield queue
    proc.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(proc.wait(), 120) == 0


def common(dev_server: DevServer) -> list[str]:
    return ["--address", dev_server.address, "--module", MODULE]


async def test_execute_prints_result(dev_server: DevServer, cli_worker: str) -> None:
    res = await run_cli(
        "execute",
        "CliAppWorkflow.greet",
        "--input",
        '{"name": "ada", "times": 2}',
        "--task-queue",
        cli_worker,
        "--json",
        *common(dev_server),
    )
    assert res.code == 0, res.err
    data = res.json()
    assert data["result"] == {"text": "hello ada hello ada"}
    assert data["workflow_id"].startswith("CliAppWorkflow-greet-")

    # Person-readable output, with the module:Class form and no --module.
    res = await run_cli(
        "execute",
        f"{MODULE}.workflows:CliAppWorkflow.greet",
        "-i",
        '{"greeting": {"name": "bo"}}',
        "--task-queue",
        cli_worker,
        "--address",
        dev_server.address,
    )
    assert res.code == 0, res.err
    assert res.out.splitlines()[0].startswith("started CliAppWorkflow.greet as ")
    assert json.loads("\n".join(res.out.splitlines()[1:])) == {"text": "hello bo"}


async def test_start_status_query_signal_result_list(dev_server: DevServer, cli_worker: str) -> None:
    wf_id = f"cli-approval-{uuid.uuid4().hex[:8]}"
    res = await run_cli(
        "start",
        "CliAppWorkflow.wait_for_approval",
        "--input",
        '"expense 42"',
        "--id",
        wf_id,
        "--task-queue",
        cli_worker,
        "--json",
        *common(dev_server),
    )
    assert res.code == 0, res.err
    assert res.json()["workflow_id"] == wf_id
    assert res.json()["method"] == "wait_for_approval"

    # The same id again while it runs: a conflict, exit code 6.
    again = await run_cli(
        "start", "CliAppWorkflow.wait_for_approval", "-i", '"x"', "--id", wf_id, "--task-queue", cli_worker,
        *common(dev_server),
    )  # fmt: skip
    assert again.code == 6, again.err

    res = await run_cli("status", wf_id, "--json", *common(dev_server))
    assert res.code == 0, res.err
    status = res.json()
    assert (status["status"], status["workflow_type"], status["method"]) == (
        "RUNNING",
        "CliAppWorkflow",
        "wait_for_approval",
    )
    res = await run_cli("status", wf_id, *common(dev_server))
    assert f"{wf_id}  CliAppWorkflow.wait_for_approval  RUNNING" in res.out

    res = await run_cli("query", wf_id, "state", "--json", *common(dev_server))
    assert res.code == 0, res.err
    assert res.json()["result"] == {"approved": False, "note": ""}

    res = await run_cli("signal", wf_id, "approve", "--input", '"looks good"', *common(dev_server))
    assert res.code == 0, res.err
    assert res.out.strip() == f"sent approve to {wf_id}"

    res = await run_cli("result", wf_id, "--timeout", "60", *common(dev_server))
    assert res.code == 0, res.err
    assert res.out.strip() == "expense 42 approved: looks good"

    res = await run_cli("list", "--type", "CliAppWorkflow", "--json", "--limit", "500", *common(dev_server))
    assert res.code == 0, res.err
    rows = {r["workflow_id"]: r for r in res.json()}
    assert rows[wf_id]["method"] == "wait_for_approval"
    assert rows[wf_id]["status"] == "COMPLETED"
    assert rows[wf_id]["close_time"] is not None

    res = await run_cli(
        "list", "--type", "CliAppWorkflow", "--method", "wait_for_approval", *common(dev_server)
    )
    assert res.out.splitlines()[0].split() == [
        "WORKFLOW",
        "ID",
        "TYPE",
        "METHOD",
        "STATUS",
        "STARTED",
        "CLOSED",
    ]
    assert wf_id in res.out

    res = await run_cli("list", "--status", "running", "--type", "NoSuchTypeAnywhere", *common(dev_server))
    assert (res.code, res.out.strip()) == (0, "no workflows match")


async def test_cancel_and_terminate(dev_server: DevServer, cli_worker: str) -> None:
    ids = []
    for _ in range(2):
        res = await run_cli(
            "start", "CliAppWorkflow.wait_for_approval", "-i", '"r"', "--task-queue", cli_worker, "--json",
            *common(dev_server),
        )  # fmt: skip
        assert res.code == 0, res.err
        ids.append(res.json()["workflow_id"])

    res = await run_cli("cancel", ids[0], *common(dev_server))
    assert (res.code, res.out.strip()) == (0, f"cancellation requested for {ids[0]}")
    res = await run_cli("result", ids[0], *common(dev_server))
    assert res.code == 1
    assert "cancel" in res.err.lower()

    res = await run_cli("terminate", ids[1], "--reason", "test over", *common(dev_server))
    assert res.code == 0, res.err
    res = await run_cli("status", ids[1], "--json", *common(dev_server))
    assert res.json()["status"] == "TERMINATED"
    res = await run_cli("result", ids[1], "--json", *common(dev_server))
    assert res.code == 1
    assert res.json()["exit_code"] == 1


async def test_failed_workflow_exit_1_one_line(dev_server: DevServer, cli_worker: str) -> None:
    res = await run_cli(
        "execute", "CliAppWorkflow.fail", "-i", '"no budget"', "--task-queue", cli_worker, *common(dev_server)
    )
    assert res.code == 1
    assert res.err.count("\n") == 1
    assert "no budget" in res.err
    assert "Traceback" not in res.err


async def test_unknown_id_and_bad_input(dev_server: DevServer) -> None:
    res = await run_cli("status", "no-such-workflow-id", *common(dev_server))
    assert res.code == 3
    assert "no-such-workflow-id" in res.err

    res = await run_cli("start", "CliAppWorkflow.greet", "-i", '{"name": 5}', *common(dev_server))
    assert res.code == 2
    assert res.err.count("\n") == 1
    assert "name" in res.err

    res = await run_cli("start", "CliAppWorkflow.greet", "-i", "{}", "--address", dev_server.address)
    assert res.code == 2
    assert "--module" in res.err


async def test_start_after_delay(dev_server: DevServer, cli_worker: str) -> None:
    res = await run_cli(
        "start", "CliAppWorkflow.greet", "-i", '{"name": "later"}', "--after", "3600",
        "--task-queue", cli_worker, "--json", *common(dev_server),
    )  # fmt: skip
    assert res.code == 0, res.err
    wf_id = res.json()["workflow_id"]
    status = (await run_cli("status", wf_id, "--json", *common(dev_server))).json()
    start = datetime.fromisoformat(status["start_time"])
    execution = datetime.fromisoformat(status["execution_time"])
    assert (execution - start).total_seconds() >= 3500
    assert (await run_cli("terminate", wf_id, *common(dev_server))).code == 0


async def test_schema(dev_server: DevServer) -> None:
    res = await run_cli("schema", "CliAppWorkflow.greet", "--module", MODULE)
    assert res.code == 0, res.err
    schema = json.loads(res.out)
    assert schema["required"] == ["greeting"]
    assert schema["$defs"]["Greeting"]["required"] == ["name"]


async def test_dev_command(tmp_path: Path) -> None:
    port, ui_port = free_port(), free_port()
    db = tmp_path / "dev.db"
    proc = await spawn_cli("dev", "--port", str(port), "--ui-port", str(ui_port), "--db", str(db), "--json")
    try:
        info = await read_event(proc, "serving")
        assert info == {
            "event": "serving",
            "address": f"127.0.0.1:{port}",
            "ui_url": f"http://127.0.0.1:{ui_port}",
            "db_file": str(db),
        }
        async with TemporalEngine(url=info["address"], start_worker=False) as engine:
            assert (await engine.health_check()).server_reachable
        reader, writer = await asyncio.open_connection("127.0.0.1", ui_port)
        writer.close()
        await writer.wait_closed()
    finally:
        proc.send_signal(signal.SIGINT)
        code = await asyncio.wait_for(proc.wait(), 60)
    assert code == 0
    assert db.exists()


async def test_workflow_logs_carry_ids_and_method(
    engine: TemporalEngine, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        handle = await CliAppWorkflow.client(engine).async_.greet(Greeting(name="logs"))
        assert await handle.result() == GreetResult(text="hello logs")
    records = [r for r in caplog.records if "greeted logs" in r.getMessage()]
    assert records, "the workflow's log line was not captured"
    record = records[0]
    assert record.getMessage().startswith("[greet] greeted logs")
    assert record.temporal_workflow["workflow_id"] == handle.id  # type: ignore[attr-defined]
    assert record.temporal_workflow["run_id"] == handle.run_id  # type: ignore[attr-defined]
    assert record.temporal_runtime == {"method": "greet"}  # type: ignore[attr-defined]


async def test_plain_logger_in_activity_gets_context(engine: TemporalEngine) -> None:
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Collect()
    handler.addFilter(TemporalContextFilter())
    target = logging.getLogger("tests.integration.cli_app")
    target.addHandler(handler)
    old_level = target.level
    target.setLevel(logging.INFO)
    try:
        handle = await CliAppWorkflow.client(engine).async_.greet(Greeting(name="ctx"))
        await handle.result()
    finally:
        target.removeHandler(handler)
        target.setLevel(old_level)
    (record,) = [r for r in records if r.getMessage() == "composing for ctx"]
    ctx = record.temporal_activity  # type: ignore[attr-defined]
    assert (ctx["activity_type"], ctx["workflow_id"], ctx["workflow_run_id"]) == (
        "cli_app.compose_greeting",
        handle.id,
        handle.run_id,
    )
    line = json.loads(JsonFormatter().format(record))
    assert (line["activity_type"], line["workflow_id"]) == ("cli_app.compose_greeting", handle.id)
