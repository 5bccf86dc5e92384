"""The whole run: every scenario (or the chosen ones), one dev server."""

from __future__ import annotations

import asyncio
import uuid

from benchmarks import _fresh, _local, _server
from benchmarks._harness import Metric, Settings, log
from benchmarks._sides import SIDES
from temporal_runtime import DevServer


async def run_all(s: Settings, only: set[str] | None = None) -> list[Metric]:
    """Every scenario (or those in `only`, by number) on one dev server."""

    def wanted(n: str) -> bool:
        return only is None or n in only

    metrics: list[Metric] = []
    if wanted("4"):
        log("client path (no server)")
        metrics += await _local.client_path(s)
    if wanted("6"):
        log("unit-test path (no server)")
        metrics += await _local.unit_path(s)
    if not any(wanted(n) for n in "12357"):
        return metrics
    async with DevServer(ui=False) as server:
        address = server.address
        log(f"dev server on {address}")
        if any(wanted(n) for n in "123"):
            sides = _server.server_sides(address, uuid.uuid4().hex[:8], with_baselines=wanted("1"))
            for side in sides.values():
                await side.start()
            try:
                for side in sides.values():  # warm-up: first imports inside the sandbox, connections
                    await asyncio.gather(*(side.one_activity(i) for i in range(5)))
                    await side.no_activity(0)
                if wanted("1"):
                    metrics += await _server.throughput(sides, s)
                    metrics += await _server.replay_cpu(sides, s)
                pair = {name: sides[name] for name in SIDES}
                if wanted("2"):
                    metrics += await _server.latency(pair, s)
                if wanted("3"):
                    log("signal and query round trips")
                    metrics += await _server.roundtrips(pair, s)
            finally:
                for side in sides.values():
                    await side.stop()
        if wanted("5"):
            metrics += await _fresh.worker_start(address, s)
        if wanted("7"):
            metrics += await _fresh.memory(address, s)
    return metrics
