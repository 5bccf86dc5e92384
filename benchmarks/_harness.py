"""What every scenario shares: the sizes, the `Metric` record, the side order, child processes."""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import json
import os
import signal
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks._sides import SIDES

ROOT = Path(__file__).resolve().parent.parent


@dataclasses.dataclass(frozen=True)
class Settings:
    """How much work each scenario does; `PRESETS` holds the named sizes."""

    name: str
    throughput_n: int
    throughput_rounds: int  # per side, over the DSL, raw and both raw baselines
    latency_samples: int  # per side and kind, split over `latency_rounds`
    latency_rounds: int
    roundtrip_samples: int  # signals and queries per side
    client_calls: int
    client_repeats: int
    unit_calls: int
    unit_repeats: int
    worker_start_count: int
    worker_start_rounds: int
    memory_workflows: int
    memory_rounds: int
    replay_runs: int = 100  # per side and round, 6 rounds


PRESETS = {
    "full": Settings("full", 300, 6, 120, 4, 200, 3000, 7, 500, 7, 100, 3, 1000, 2, 60),
    "quick": Settings("quick", 60, 2, 30, 2, 60, 1000, 5, 500, 5, 50, 1, 300, 1, 20),
    "tiny": Settings("tiny", 6, 1, 4, 2, 6, 50, 2, 50, 2, 3, 1, 20, 1, 2),
}


@dataclasses.dataclass
class Metric:
    """One figure measured on the DSL and on a raw side; `ratio` is always DSL / raw."""

    scenario: str
    name: str
    unit: str
    dsl: float
    raw: float
    better: str  # "higher" or "lower"
    target: str = ""
    met: bool | None = None
    extra: dict[str, Any] = dataclasses.field(default_factory=dict[str, Any])

    @property
    def ratio(self) -> float:
        return self.dsl / self.raw if self.raw else float("nan")

    def as_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "ratio": self.ratio}


def within(dsl: float, raw: float, limit: float) -> tuple[str, bool]:
    """A ``DSL/raw <= limit`` target and whether it is met."""
    return f"<= {limit:g}x raw", dsl <= raw * limit


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation, as numpy's default does."""
    data = sorted(values)
    if not data:
        return float("nan")
    pos = (len(data) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


def round_ratios(dsl: list[float], raw: list[float]) -> float:
    """The median of per-round DSL/raw ratios: the drift between rounds cancels out of each."""
    return statistics.median(d / r for d, r in zip(dsl, raw, strict=False) if r) if dsl and raw else 0.0


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def order(round_index: int, names: Sequence[str] = SIDES) -> tuple[str, ...]:
    """Rotate which side goes first, so drift in the machine does not favour one side."""
    k = round_index % len(names)
    return (*names[k:], *names[:k])


async def per_call_us(fn: Callable[[], Awaitable[Any]], calls: int) -> float:
    gc.collect()
    start = time.perf_counter()
    for _ in range(calls):
        await fn()
    return (time.perf_counter() - start) / calls * 1e6


CHILD_TIMEOUT_S = 240.0


async def run_child(*args: str) -> dict[str, Any]:
    """Run ``python -m benchmarks._child ARGS`` in a process group of its own; its JSON line."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "benchmarks._child",
        *args,
        cwd=str(ROOT),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), CHILD_TIMEOUT_S)
    except TimeoutError:
        # A child that hangs must not stall the whole run: kill it (and anything it started).
        os.killpg(proc.pid, signal.SIGKILL)
        await proc.wait()
        raise RuntimeError(f"benchmark child {args[:3]} did not finish within {CHILD_TIMEOUT_S}s") from None
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark child {args[:3]} failed ({proc.returncode}):\n{err.decode()[-3000:]}")
    result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return result
