"""Scenario 8, scale-out: 1 and 2 worker processes against one dev server, DSL beside raw.

The DSL side runs what its users run, ``temporal-runtime worker benchmarks.dsl_workflows
--processes N`` (for N > 1 the command's supervisor and its N worker processes); the raw side
runs N plain temporalio worker processes (`benchmarks._raw_worker`). All four setups (each side
with 1 and with 2 processes, each on a task queue of its own) run at once; this process holds
only their clients and measures one setup at a time, a batch of workflows started together and
waited for, the setups taking turns round by round. CPU per workflow is the CPU time the setup's
processes (read from /proc, as they are not all our children) and this process used during the
batch, over the batch's size.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import gc
import json
import os
import signal
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple, cast

from benchmarks._harness import CHILD_TIMEOUT_S, ROOT, Metric, Settings, log, order, round_ratios
from benchmarks._sides import SIDES, DslSide, RawSide, make_side

PROCESSES = (1, 2)
START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 60.0
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class Sample(NamedTuple):
    """One batch: workflows/s, and CPU ms per workflow of the client and of the worker processes."""

    rate: float
    client_ms: float
    workers_ms: float


# Every side with every process count, under the key the rounds rotate over ("dsl 1", "raw 2", ...).
SETUPS = {f"{name} {n}": (name, n) for n in PROCESSES for name in SIDES}

# What the scenario can and cannot show, for the report.
NOTE = (
    "Scenario 8 (scale-out) runs the workers in processes of their own, the bench process holding only "
    "the clients: the DSL side as its users run it (`temporal-runtime worker benchmarks.dsl_workflows "
    "--processes N`; for 2, the supervisor and its two processes), raw as N plain temporalio worker "
    "processes. All four setups run at once, each on its own task queue, and are measured one at a time, "
    "taking turns. CPU per workflow sums the CPU time of all of the setup's processes (from /proc) and "
    "the bench process's. They all share one dev server, and here its cores: "
    "the server caps throughput (about 40 workflows/s on 2 cores), so the rows show what the worker "
    "processes cost per workflow with one process and with two, not how far throughput scales with "
    "processes; that needs a server with cores to spare."
)


def process_cpu_s(pid: int) -> float:
    """User + system CPU time of a live process (any, not only a child of this one), from /proc."""
    # The fields after the command name (which may hold spaces) start at field 3, the state;
    # utime and stime are fields 14 and 15, in clock ticks.
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def _serving_pid(line: bytes, root: int) -> int | None:
    """The worker a ``serving`` line names: its ``pid``, else the `root` that printed it."""
    try:
        data: object = json.loads(line)
    except ValueError:
        return None  # a line that is not JSON is only output
    event = cast("dict[str, Any]", data) if isinstance(data, dict) else {}
    return int(event.get("pid") or root) if event.get("event") == "serving" else None


def _plural(n: int) -> str:
    return f"{n} worker process" + ("es" if n > 1 else "")


class WorkerProcesses:
    """Worker processes started from command lines, each root in a process group of its own.

    Each worker process prints a JSON line ``{"event": "serving", ...}`` once it polls, with its
    ``pid`` when a supervisor relays it (or none: then it is the root that printed it). `cpu_s`
    sums the roots and every worker named so. A failure or a hang kills the groups.
    """

    def __init__(self, label: str, commands: list[list[str]], workers: int) -> None:
        self.label = label
        self.commands = commands
        self.workers = workers
        self.roots: list[asyncio.subprocess.Process] = []
        self.pids: set[int] = set()
        self._readers: list[asyncio.Task[None]] = []
        self._events: asyncio.Queue[int | None] = asyncio.Queue()
        self._log: collections.deque[str] = collections.deque(maxlen=40)  # stderr, shown on failure

    async def _read(self, root: asyncio.subprocess.Process) -> None:
        assert root.stdout is not None
        async for line in root.stdout:
            pid = _serving_pid(line, root.pid)
            if pid is not None:
                self._events.put_nowait(pid)
        self._events.put_nowait(None)  # the root closed its output: it is exiting

    async def _keep_log(self, root: asyncio.subprocess.Process) -> None:
        # Read on, so that a chatty process never blocks on a full pipe.
        assert root.stderr is not None
        async for raw in root.stderr:
            self._log.append(f"[pid {root.pid}] {raw.decode(errors='replace').rstrip()}")

    def _failure(self, why: str) -> RuntimeError:
        return RuntimeError(f"scale-out: {self.label} {why}:\n" + "\n".join(self._log))

    async def start(self) -> None:
        for command in self.commands:
            root = await asyncio.create_subprocess_exec(
                *command,
                cwd=str(ROOT),
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                start_new_session=True,
            )
            self.roots.append(root)
            self._readers += [
                asyncio.create_task(self._read(root)),
                asyncio.create_task(self._keep_log(root)),
            ]
        self.pids = {root.pid for root in self.roots}
        serving = 0
        async with asyncio.timeout(START_TIMEOUT_S):
            while serving < self.workers:
                pid = await self._events.get()
                if pid is None:
                    raise self._failure("exited before it served")
                self.pids.add(pid)
                serving += 1

    def cpu_s(self) -> float:
        return sum(process_cpu_s(pid) for pid in self.pids)

    async def stop(self) -> None:
        """SIGTERM to each root (a supervisor passes it on), so every worker drains as in use."""
        live = [root for root in self.roots if root.returncode is None]
        for root in live:
            with contextlib.suppress(ProcessLookupError):
                root.send_signal(signal.SIGTERM)
        try:
            async with asyncio.timeout(STOP_TIMEOUT_S):
                await asyncio.gather(*(root.wait() for root in live))
        except TimeoutError:
            log(f"scale-out: {self.label} did not stop within {STOP_TIMEOUT_S:g} s; killed")
        for root in self.roots:  # whatever is left of each group (a supervisor's workers too)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(root.pid, signal.SIGKILL)
            await root.wait()
        for reader in self._readers:
            reader.cancel()
        await asyncio.gather(*self._readers, return_exceptions=True)


def worker_processes(address: str, name: str, n: int, queue: str) -> WorkerProcesses:
    """Side `name`'s `n` worker processes on `queue`: the library's CLI, or plain temporalio ones."""
    if name == "dsl":
        command = [sys.executable, "-m", "temporal_runtime", "worker", "benchmarks.dsl_workflows"]
        command += ["--address", address, "--task-queue", queue, "--processes", str(n), "--json"]
        return WorkerProcesses(f"dsl, {_plural(n)}", [command], n)
    command = [sys.executable, "-m", "benchmarks._raw_worker", "--address", address, "--task-queue", queue]
    return WorkerProcesses(f"raw, {_plural(n)}", [command] * n, n)


async def _batch(side: DslSide | RawSide, workers: WorkerProcesses, count: int) -> Sample:
    """One concurrent batch of `count` workflows x 1 activity, measured."""
    gc.collect()
    start, client_cpu, worker_cpu = time.perf_counter(), time.process_time(), workers.cpu_s()
    async with asyncio.timeout(CHILD_TIMEOUT_S):  # a stuck worker must not stall the whole run
        results = await asyncio.gather(*(side.one_activity(i) for i in range(count)))
    elapsed = time.perf_counter() - start
    client_ms = (time.process_time() - client_cpu) / count * 1000
    workers_ms = (workers.cpu_s() - worker_cpu) / count * 1000
    assert all(res.n == i + 1 for i, res in enumerate(results))
    return Sample(count / elapsed, client_ms, workers_ms)


async def _rounds(address: str, s: Settings) -> tuple[dict[str, list[Sample]], dict[str, int]]:
    """Every setup's batches, and how many processes each one's CPU time was summed over.

    All setups run at once, idle but the one measured; the rounds rotate which goes first, so
    drift on the machine spreads over the sides and the process counts alike.
    """
    tag = uuid.uuid4().hex[:8]
    queues = {key: f"scale-{name}-{n}-{tag}" for key, (name, n) in SETUPS.items()}
    workers = {key: worker_processes(address, name, n, queues[key]) for key, (name, n) in SETUPS.items()}
    clients = {key: make_side(name, address, queues[key], serve=False) for key, (name, _) in SETUPS.items()}
    samples: dict[str, list[Sample]] = {key: [] for key in SETUPS}
    try:
        started = await asyncio.gather(*(w.start() for w in workers.values()), return_exceptions=True)
        for outcome in started:
            if isinstance(outcome, BaseException):
                raise outcome
        for key, (_, n) in SETUPS.items():
            await clients[key].start()
            # Every process's first runs import the workflow modules into its sandbox: not measured.
            await asyncio.gather(*(clients[key].one_activity(i) for i in range(10 * n)))
        for r in range(s.scaleout_rounds):
            for key in order(r, tuple(SETUPS)):
                x = await _batch(clients[key], workers[key], s.scaleout_n)
                samples[key].append(x)
                log(
                    f"scale-out round {r + 1}, {workers[key].label}: {x.rate:.1f} workflows/s, CPU "
                    f"{x.client_ms + x.workers_ms:.2f} ms each ({x.workers_ms:.2f} in the workers)"
                )
    finally:
        for client in clients.values():
            await client.stop()
        await asyncio.gather(*(w.stop() for w in workers.values()))
    return samples, {key: len(w.pids) for key, w in workers.items()}


def _row(figure: str, unit: str, better: str, samples: dict[str, list[float]], **extra: Any) -> Metric:
    dsl, raw = statistics.median(samples["dsl"]), statistics.median(samples["raw"])
    ratios = round_ratios(samples["dsl"], samples["raw"])
    extra = {"median_round_ratio": ratios, "rounds": samples, **extra}
    return Metric("8 scale-out", figure, unit, dsl, raw, better, extra=extra)


async def scale_out(address: str, s: Settings) -> list[Metric]:
    log(f"scale-out: {', '.join(f'{_plural(n)}' for n in PROCESSES)} per side")
    samples, measured = await _rounds(address, s)

    def per_side(n: int, figure: Callable[[Sample], float]) -> dict[str, list[float]]:
        return {name: [figure(x) for x in samples[f"{name} {n}"]] for name in SIDES}

    rates = {n: per_side(n, lambda x: x.rate) for n in PROCESSES}
    rows = [
        _row(
            f"{s.scaleout_n} workflows x 1 activity, {_plural(n)}: throughput",
            "workflows/s",
            "higher",
            rates[n],
        )
        for n in PROCESSES
    ]
    for n in PROCESSES:
        cpu = per_side(n, lambda x: x.client_ms + x.workers_ms)
        workers_ms = {name: statistics.median(v) for name, v in per_side(n, lambda x: x.workers_ms).items()}
        processes = {name: measured[f"{name} {n}"] for name in SIDES}
        figure = f"CPU per workflow, {_plural(n)} (client + every worker process)"
        rows.append(_row(figure, "ms", "lower", cpu, workers_ms=workers_ms, processes=processes))
    one, two = PROCESSES
    # Within a round both process counts ran close together: each round's ratio is its speed-up.
    speedup = {
        name: [b / a for a, b in zip(rates[one][name], rates[two][name], strict=True)] for name in SIDES
    }
    rows.append(_row(f"speed-up, {_plural(two)} over {one} (throughput)", "x", "higher", speedup))
    return rows
