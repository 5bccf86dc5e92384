"""``temporal-runtime worker --processes N``: N supervised processes, restarted when one dies,
drained together on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import uuid
from typing import Any

from temporal_runtime import TemporalEngine
from temporal_runtime.testing.pytest_plugin import SharedDevServer
from tests.integration._cli import read_event, spawn_cli
from tests.integration.processes_app import WhichProcess


async def _serving(proc: asyncio.subprocess.Process, count: int) -> dict[int, int]:
    """Process index -> pid, once `count` processes say they serve."""
    pids: dict[int, int] = {}
    while len(pids) < count:
        event: dict[str, Any] = await read_event(proc, "serving", timeout=120)
        pids[event["process"]] = event["pid"]
    return pids


async def _pids_that_ran(engine: TemporalEngine, expected: set[int]) -> set[int]:
    # The server spreads tasks over both processes' pollers; a few batches see every process.
    seen: set[int] = set()
    for _ in range(8):
        results = await asyncio.gather(*(WhichProcess.client(engine).run() for _ in range(12)))
        seen |= set(results)
        if seen >= expected:
            break
    return seen


async def test_processes_serve_restart_and_drain(dev_server: SharedDevServer) -> None:
    queue = f"procs-{uuid.uuid4().hex[:10]}"
    proc = await spawn_cli(
        "worker", "tests.integration.processes_app", "--task-queue", queue, "--processes", "2",
        "--address", dev_server.address, "--json",
    )  # fmt: skip
    try:
        assert (await read_event(proc, "supervising"))["processes"] == 2
        pids = await _serving(proc, 2)
        assert len(set(pids.values())) == 2
        async with TemporalEngine(url=dev_server.address, task_queue=queue, start_worker=False) as client:
            assert await _pids_that_ran(client, set(pids.values())) == set(pids.values())

            os.kill(pids[1], signal.SIGKILL)
            died = await read_event(proc, "process_died", timeout=60)
            assert (died["process"], died["pid"]) == (1, pids[1])
            restarted = await _serving(proc, 1)
            assert restarted[1] != pids[1]
            now = {pids[0], restarted[1]}
            assert await _pids_that_ran(client, now) == now

        proc.send_signal(signal.SIGTERM)
        drained: set[int] = set()
        while True:  # each process's own "stopped" (it drained), then the supervisor's
            stopped = await read_event(proc, "stopped", timeout=120)
            if "codes" in stopped:
                break
            drained.add(stopped["process"])
        assert drained == {0, 1}
        assert stopped["codes"] == [0, 0]
        assert await asyncio.wait_for(proc.wait(), 60) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
