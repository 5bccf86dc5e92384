"""SIGTERM on a worker subprocess: readiness turns false, the running activity finishes, exit 0."""

from __future__ import annotations

import asyncio
import json
import signal
import uuid
from pathlib import Path
from typing import Any

from temporal_runtime import DevServer, TemporalEngine
from tests.integration._cli import read_event, spawn_cli
from tests.integration.drain_app import DrainWorkflow


async def _get(port: int, path: str) -> tuple[int, dict[str, Any]]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
    await writer.drain()
    raw = await reader.read()
    writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


async def _until(predicate: Any, what: str, attempts: int = 600) -> None:
    # Polls a condition; the bound only stops a broken run from hanging, it asserts no timing.
    for _ in range(attempts):
        if await predicate():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"never happened: {what}")


async def test_sigterm_drains_in_flight_activity(dev_server: DevServer, tmp_path: Path) -> None:
    queue = f"drain-{uuid.uuid4().hex[:10]}"
    proc = await spawn_cli(
        "worker", "tests.integration.drain_app", "--task-queue", queue, "--health-port", "0",
        "--health-host", "127.0.0.1", "--drain-timeout", "120", "--address", dev_server.address, "--json",
    )  # fmt: skip
    try:
        serving = await read_event(proc, "serving")
        port = serving["health_port"]

        async def ready() -> bool:
            return (await _get(port, "/readyz"))[0] == 200

        await _until(ready, "worker ready")

        async with TemporalEngine(url=dev_server.address, task_queue=queue, start_worker=False) as client:
            handle = await DrainWorkflow.client(client).async_.run(str(tmp_path))

            async def started() -> bool:
                return (tmp_path / "started").exists()

            await _until(started, "activity started")
            proc.send_signal(signal.SIGTERM)

            async def draining() -> bool:
                code, body = await _get(port, "/readyz")
                return code == 503 and body["draining"] is True

            await _until(draining, "readiness false while draining")
            assert (await _get(port, "/livez"))[0] == 200
            # The activity cannot end before it is released, so the worker must still be waiting.
            assert proc.returncode is None
            assert not (tmp_path / "finished").exists()

            (tmp_path / "release").write_text("go")
            assert await asyncio.wait_for(proc.wait(), 120) == 0
            assert (tmp_path / "finished").read_text() == "yes"
            assert proc.stdout is not None
            rest = (await proc.stdout.read()).decode()
            assert '"event": "stopped"' in rest

        # The activity's result reached the server: a new worker finishes the workflow without
        # running the activity again.
        async with TemporalEngine(
            url=dev_server.address, task_queue=queue, workflows=[DrainWorkflow]
        ) as engine:
            assert await engine.get_result(handle.id, timeout_seconds=120) == "finished"
        assert (tmp_path / "started").read_text() == "x"
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
