"""A workflow waiting on a signal outlives a kill -9 of its worker and a restart of the server."""

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
