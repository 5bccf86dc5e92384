"""Work outlives its worker and its server: nothing lost, nothing duplicated.

A workflow waiting on a signal outlives a kill -9 of its worker and a restart of the server;
workflows with activities in flight outlive a kill -9 of the server (restarted on its SQLite
file) and a kill -9 of their worker, and every one of their results arrives exactly once
(`fault_app.tally` counts them).
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from examples import approval
from temporal_runtime import DevServer, ExecutionStatus, TemporalEngine
from temporal_runtime.devserver import free_port
from tests.integration._cli import read_event, spawn_cli
from tests.integration.fault_app import LedgerWorkflow, Tally, ledger_counts, tally

ROOT = Path(__file__).resolve().parents[2]


@asynccontextmanager
async def worker_process(address: str, task_queue: str) -> AsyncIterator[asyncio.subprocess.Process]:
    """`python -m tests.integration.approval_worker` in its own process, ready to serve."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.integration.approval_worker",
        address,
        task_queue,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 60)
        if line.strip() != b"ready":
            assert process.stderr is not None
            err = await process.stderr.read()
            raise AssertionError(f"worker did not start: {line!r} {err.decode()[-2000:]}")
        yield process
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()


async def _wait_running_and_queryable(engine: TemporalEngine, workflow_id: str) -> None:
    # A query answers only once a worker has replayed the workflow: proof that it is served.
    assert await asyncio.wait_for(engine.query(workflow_id, "is_approved"), 60) is False
    status = await engine.get_status(workflow_id)
    assert status.status is ExecutionStatus.RUNNING
    assert status.method == "process"


async def test_signal_wait_survives_worker_kill_and_server_restart(tmp_path: Path) -> None:
    server = DevServer(db_file=tmp_path / "dev.db", port=free_port(), ui=False)
    queue = f"tq-durable-{uuid.uuid4().hex[:8]}"
    await server.start()
    try:
        async with TemporalEngine(url=server.address, task_queue=queue, start_worker=False) as client:
            async with worker_process(server.address, queue) as worker:
                handle = await approval.ApprovalWorkflow.client(client).async_.process(
                    approval.Request(request_id="durable-1", amount=99)
                )
                await _wait_running_and_queryable(client, handle.id)
                worker.kill()  # SIGKILL: no drain, no goodbye to the server
                assert await worker.wait() == -9

        # The server goes down and comes back on the same SQLite file and port.
        await server.stop()
        assert not server.running
        assert (tmp_path / "dev.db").is_file()
        await server.start()

        async with TemporalEngine(url=server.address, task_queue=queue, start_worker=False) as client:
            status = await client.get_status(handle.id)
            assert status.status is ExecutionStatus.RUNNING
            async with worker_process(server.address, queue):
                await _wait_running_and_queryable(client, handle.id)
                await client.signal(handle.id, approval.ApprovalWorkflow.approve, "carol")
                result = await client.get_result(handle.id, timeout_seconds=60)
        assert result == approval.Result(status="approved", approver="carol")
    finally:
        await server.stop()


WORKFLOWS, STEPS = 30, 5


@asynccontextmanager
async def fault_worker(address: str, task_queue: str) -> AsyncIterator[asyncio.subprocess.Process]:
    """`temporal-runtime worker tests.integration.fault_app`, serving; killed on the way out."""
    process = await spawn_cli(
        "worker", "tests.integration.fault_app", "--task-queue", task_queue, "--address", address, "--json"
    )
    try:
        await read_event(process, "serving")
        yield process
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()


async def _start_ledgers(client: TemporalEngine, ledger: Path, seconds: float) -> dict[str, int]:
    ledgers = LedgerWorkflow.client(client)
    handles = await asyncio.gather(
        *(ledgers.async_.run(str(ledger), STEPS, seconds) for _ in range(WORKFLOWS))
    )
    return {handle.id: STEPS for handle in handles}


async def _until_executed(ledger: Path, count: int) -> None:
    # Bounded only so that a broken run fails instead of hanging; no timing is asserted.
    for _ in range(1200):
        if sum(ledger_counts(ledger).values()) >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"fewer than {count} activities ran")


def _assert_all_arrived_once(counts: Tally) -> None:
    assert (counts.lost, counts.duplicated, counts.stuck) == (0, 0, 0), counts
    assert counts.completed == counts.started == WORKFLOWS, counts
    assert counts.executions >= WORKFLOWS * STEPS, counts


async def test_work_in_flight_survives_a_server_kill(tmp_path: Path) -> None:
    server = DevServer(db_file=tmp_path / "dev.db", port=free_port(), ui=False)
    queue = f"tq-kill-server-{uuid.uuid4().hex[:8]}"
    await server.start()
    try:
        async with fault_worker(server.address, queue):
            async with TemporalEngine(url=server.address, task_queue=queue, start_worker=False) as client:
                expected = await _start_ledgers(client, tmp_path, 0.1)
            await _until_executed(tmp_path, WORKFLOWS * STEPS // 3)
            await server.stop(kill=True)  # SIGKILL: no flush, no goodbye to the worker
            await server.start()  # same SQLite file, same port; the worker reconnects by itself
            async with TemporalEngine(url=server.address, task_queue=queue, start_worker=False) as client:
                counts = await tally(client, expected, tmp_path)
        _assert_all_arrived_once(counts)
    finally:
        await server.stop()


async def test_activities_in_flight_survive_a_worker_kill(dev_server: DevServer, tmp_path: Path) -> None:
    queue = f"tq-kill-worker-{uuid.uuid4().hex[:8]}"
    async with TemporalEngine(url=dev_server.address, task_queue=queue, start_worker=False) as client:
        async with fault_worker(dev_server.address, queue) as worker:
            expected = await _start_ledgers(client, tmp_path, 0.2)
            await _until_executed(tmp_path, WORKFLOWS * STEPS // 3)
            worker.kill()
            assert await worker.wait() == -9
        # A new worker takes over; the killed one's activities are retried after their timeout.
        async with fault_worker(dev_server.address, queue):
            counts = await tally(client, expected, tmp_path)
    _assert_all_arrived_once(counts)
