"""SIGTERM on a worker subprocess under load: readiness turns false, every running activity
finishes once, the worker exits 0, and no result is lost or duplicated."""

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


IN_FLIGHT = 30


async def test_sigterm_drains_in_flight_activities(dev_server: DevServer, tmp_path: Path) -> None:
    queue = f"drain-{uuid.uuid4().hex[:10]}"
    folders = [tmp_path / f"wf-{i}" for i in range(IN_FLIGHT)]
    for folder in folders:
        folder.mkdir()
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
            drains = DrainWorkflow.client(client)
            handles = [await drains.async_.run(str(folder)) for folder in folders]

            async def all_started() -> bool:
                return all((folder / "started").exists() for folder in folders)

            await _until(all_started, f"{IN_FLIGHT} activities started")
            proc.send_signal(signal.SIGTERM)

            async def draining() -> bool:
                code, body = await _get(port, "/readyz")
                return code == 503 and body["draining"] is True

            await _until(draining, "readiness false while draining")
            assert (await _get(port, "/livez"))[0] == 200
            # The activities cannot end before they are released, so the worker must still wait.
            assert proc.returncode is None
            assert not any((folder / "finished").exists() for folder in folders)

            (tmp_path / "release").write_text("go")
            assert await asyncio.wait_for(proc.wait(), 120) == 0
            assert all((folder / "finished").read_text() == "yes" for folder in folders)
            assert proc.stdout is not None
            rest = (await proc.stdout.read()).decode()
            assert '"event": "stopped"' in rest

        # The activities' results reached the server: a new worker finishes every workflow
        # without running an activity again.
        async with TemporalEngine(
            url=dev_server.address, task_queue=queue, workflows=[DrainWorkflow]
        ) as engine:
            results = [await engine.get_result(h.id, timeout_seconds=120) for h in handles]
        lost = sum(result != "finished" for result in results)
        duplicated = sum((folder / "started").read_text() != "x" for folder in folders)
        assert (lost, duplicated) == (0, 0)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
