"""The same benchmark workflows written in raw temporalio (one class per entry point).

The model and the activity come from `benchmarks.raw_models` by a plain import, as they would
in a project that keeps its models in a module of their own.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

from benchmarks.raw_models import RawPing, raw_echo


@workflow.defn(name="BenchRawOneActivity")
class RawOneActivity:
    @workflow.run
    async def run(self, ping: RawPing) -> RawPing:
        return await workflow.execute_activity(raw_echo, ping, start_to_close_timeout=timedelta(seconds=30))


@workflow.defn(name="BenchRawNoActivity")
class RawNoActivity:
    @workflow.run
    async def run(self, ping: RawPing) -> RawPing:
        return RawPing(n=ping.n + 1, text=ping.text)


@workflow.defn(name="BenchRawWait")
class RawWait:
    def __init__(self) -> None:
        self._done = False
        self._count = 0

    @workflow.signal(name="poke")
    async def poke(self, n: int) -> None:
        self._count += n

    @workflow.signal(name="finish")
    async def finish(self) -> None:
        self._done = True

    @workflow.query(name="count")
    def count(self) -> int:
        return self._count

    @workflow.run
    async def run(self, ping: RawPing) -> int:
        await workflow.wait_condition(lambda: self._done)
        return self._count + ping.n


RAW_WORKFLOWS = [RawOneActivity, RawNoActivity, RawWait]
__all__ = ["RAW_WORKFLOWS", "RawNoActivity", "RawOneActivity", "RawPing", "RawWait", "raw_echo"]
