"""The benchmark workflows written with temporal_runtime (no temporalio import)."""

from __future__ import annotations

from benchmarks.dsl_models import Ping, dsl_echo
from temporal_runtime import Workflow, wf_query, wf_signal

__all__ = ["BenchDsl", "Ping", "dsl_echo"]


class BenchDsl(Workflow, name="BenchDsl"):
    def __init__(self) -> None:
        self._done = False
        self._count = 0

    @wf_signal("poke")
    async def poke(self, n: int) -> None:
        self._count += n

    @wf_signal("finish")
    async def finish(self) -> None:
        self._done = True

    @wf_query("count")
    def count(self) -> int:
        return self._count

    async def one_activity(self, ping: Ping) -> Ping:
        return await self.exec(dsl_echo, ping, timeout=30)

    async def no_activity(self, ping: Ping) -> Ping:
        return Ping(n=ping.n + 1, text=ping.text)

    async def wait(self, ping: Ping) -> int:
        await self.wait_until(lambda: self._done)
        return self._count + ping.n
