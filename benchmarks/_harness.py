"""Runs every scenario on both sides, alternating DSL and raw rounds, and collects metrics."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import gc
import json
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock, patch

from temporalio import workflow as temporal_workflow
from temporalio.worker import Replayer
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from benchmarks._sides import SIDES, DslSide, RawSide, stub_client
from benchmarks.dsl_workflows import BenchDsl, Ping
from benchmarks.raw_workflows import RawOneActivity, RawPing
from temporal_runtime import DevServer, TemporalEngine
from temporal_runtime._internal import _envelope
from temporal_runtime.testing import InMemoryEngine

ROOT = Path(__file__).resolve().parent.parent


@dataclasses.dataclass(frozen=True)
class Settings:
    """How much work each scenario does; `PRESETS` holds the named sizes."""

    name: str
    throughput_n: int
    throughput_rounds: int
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
    "full": Settings("full", 500, 4, 120, 4, 200, 3000, 7, 500, 7, 100, 3, 1000, 2),
    "quick": Settings("quick", 100, 2, 30, 2, 60, 1000, 5, 500, 5, 50, 1, 300, 1, 20),
    "tiny": Settings("tiny", 10, 1, 4, 2, 6, 50, 2, 50, 2, 5, 1, 20, 1, 2),
}


@dataclasses.dataclass
class Metric:
    """One figure measured on both sides; `ratio` is always DSL / raw."""

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


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation, as numpy's default does."""
    data = sorted(values)
    if not data:
        return float("nan")
    pos = (len(data) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def order(round_index: int) -> tuple[str, str]:
    """Alternate which side goes first, so drift in the machine does not favour one side."""
    return SIDES if round_index % 2 == 0 else (SIDES[1], SIDES[0])


# -- scenario 4: the client path, no server ---------------------------------------------------


async def _per_call_us(fn: Callable[[], Awaitable[Any]], calls: int) -> float:
    gc.collect()
    start = time.perf_counter()
    for _ in range(calls):
        await fn()
    return (time.perf_counter() - start) / calls * 1e6


async def client_path(s: Settings) -> list[Metric]:
    """Binding + payload encoding, and the whole start call against a stub service."""
    raw_client = stub_client()
    engine = TemporalEngine(client=stub_client(), task_queue="bench-client", start_worker=False)
    await engine.start()
    converter = raw_client.data_converter.payload_converter
    definition = BenchDsl.__temporal_runtime__
    proxy = BenchDsl.client(engine).async_
    ping, raw_ping = Ping(n=1, text="hello"), RawPing(n=1, text="hello")

    async def dsl_encode() -> Any:
        # What the proxy adds before temporalio takes over: find the method, bind the call,
        # build the envelope and the memo (the library's own wire module), encode both.
        method = definition.method("one_activity")
        kwargs = method.bind((ping,), {})
        converter.to_payloads([_envelope.encode(method.name, kwargs)])
        return converter.to_payloads(list(_envelope.start_memo(method.name, None).values()))

    async def raw_encode() -> Any:
        return converter.to_payloads([raw_ping])

    async def dsl_start() -> Any:
        return await proxy.one_activity(ping)

    async def raw_start() -> Any:
        return await raw_client.start_workflow(
            RawOneActivity.run, raw_ping, id=f"raw-{uuid.uuid4()}", task_queue="bench-client"
        )

    results: dict[str, dict[str, list[float]]] = {
        "encode": {"dsl": [], "raw": []},
        "start": {"dsl": [], "raw": []},
    }
    pairs = {"encode": {"dsl": dsl_encode, "raw": raw_encode}, "start": {"dsl": dsl_start, "raw": raw_start}}
    for kind, fns in pairs.items():
        for side in SIDES:  # warm-up: caches, proxies, schema
            await _per_call_us(fns[side], 50)
        for r in range(s.client_repeats):
            for side in order(r):
                results[kind][side].append(await _per_call_us(fns[side], s.client_calls))
    await engine.stop()
    enc, st = results["encode"], results["start"]
    dsl_enc, raw_enc = statistics.median(enc["dsl"]), statistics.median(enc["raw"])
    dsl_st, raw_st = statistics.median(st["dsl"]), statistics.median(st["raw"])
    return [
        Metric(
            "4 client path",
            "bind + encode input and method memo",
            "us/call",
            dsl_enc,
            raw_enc,
            "lower",
            "< 30 us/call",
            dsl_enc < 30,
            {"overhead_us": dsl_enc - raw_enc},
        ),
        Metric(
            "4 client path",
            "whole start call (stub service)",
            "us/call",
            dsl_st,
            raw_st,
            "lower",
            "",
            None,
            {"overhead_us": dsl_st - raw_st},
        ),
    ]


# -- scenario 6: the unit-test path -------------------------------------------------------


async def unit_path(s: Settings) -> list[Metric]:
    """An entry method run with its activity call mocked, as a unit test does it."""

    async def dsl_run() -> Any:
        wf = BenchDsl()
        with patch.object(wf, "exec", new_callable=AsyncMock, return_value=Ping(n=2)):
            return await wf.one_activity(Ping(n=1))

    async def raw_run() -> Any:
        wf = RawOneActivity()
        with patch.object(
            temporal_workflow, "execute_activity", new_callable=AsyncMock, return_value=RawPing(n=2)
        ):
            return await wf.run(RawPing(n=1))

    fns = {"dsl": dsl_run, "raw": raw_run}
    assert (await dsl_run()).n == 2 and (await raw_run()).n == 2
    samples: dict[str, list[float]] = {"dsl": [], "raw": []}
    for r in range(s.unit_repeats):
        for side in order(r):
            samples[side].append(await _per_call_us(fns[side], s.unit_calls))
    dsl, raw = statistics.median(samples["dsl"]), statistics.median(samples["raw"])
    return [
        Metric("6 unit-test path", "entry method, activity mocked", "us/run", dsl, raw, "lower"),
        *await _in_memory_runs(s, raw),
    ]


async def _in_memory_runs(s: Settings, raw_mocked: float) -> list[Metric]:
    """Whole runs on InMemoryEngine, with its replay of each run (the default) and without.

    Raw temporalio has no in-memory engine: its unit test without a server is the mocked
    entry method, so that is the raw figure of both rows; their difference is the replay's cost.
    """
    samples: dict[bool, list[float]] = {True: [], False: []}
    async with InMemoryEngine(replay=True) as replaying, InMemoryEngine(replay=False) as plain:
        clients = {True: BenchDsl.client(replaying), False: BenchDsl.client(plain)}
        runs = {replay: functools.partial(c.one_activity, Ping(n=1)) for replay, c in clients.items()}
        for run in runs.values():  # warm-up
            assert (await run()).n == 2
        for r in range(s.unit_repeats):
            for replay in (True, False) if r % 2 == 0 else (False, True):
                samples[replay].append(await _per_call_us(runs[replay], s.unit_calls))
    on, off = statistics.median(samples[True]), statistics.median(samples[False])
    vs = "vs raw: activity mocked"
    return [
        Metric("6 unit-test path", f"InMemoryEngine run, 1 activity, replay on ({vs})", "us/run", on,
               raw_mocked, "lower", extra={"replay_off_us": off, "replay_cost_us": on - off}),
        Metric("6 unit-test path", f"InMemoryEngine run, 1 activity, replay off ({vs})", "us/run", off,
               raw_mocked, "lower"),
    ]  # fmt: skip


# -- scenarios 1-3: on the dev server ----------------------------------------------------------


async def throughput(sides: dict[str, DslSide | RawSide], s: Settings) -> list[Metric]:
    rates: dict[str, list[float]] = {"dsl": [], "raw": []}
    cpu: dict[str, list[float]] = {"dsl": [], "raw": []}
    for r in range(s.throughput_rounds):
        for name in order(r):
            side = sides[name]
            gc.collect()
            start, start_cpu = time.perf_counter(), time.process_time()
            results = await asyncio.gather(*(side.one_activity(i) for i in range(s.throughput_n)))
            elapsed, used = time.perf_counter() - start, time.process_time() - start_cpu
            assert all(res.n == i + 1 for i, res in enumerate(results))
            rates[name].append(s.throughput_n / elapsed)
            # The client and both workers live in this process: its CPU time per workflow is
            # what the Python side costs, and other processes' load barely moves it.
            cpu[name].append(used / s.throughput_n * 1000)
            log(
                f"throughput round {r + 1} {name}: {rates[name][-1]:.1f} workflows/s, "
                f"{cpu[name][-1]:.2f} ms CPU each"
            )
    dsl, raw = statistics.median(rates["dsl"]), statistics.median(rates["raw"])
    dsl_cpu, raw_cpu = statistics.median(cpu["dsl"]), statistics.median(cpu["raw"])
    return [
        Metric(
            "1 throughput",
            f"{s.throughput_n} workflows x 1 activity, concurrent",
            "workflows/s",
            dsl,
            raw,
            "higher",
            "ratio >= 1.0",
            dsl / raw >= 1.0,
            {"rounds": rates},
        ),
        Metric(
            "1 throughput",
            "process CPU per workflow (client + worker)",
            "ms",
            dsl_cpu,
            raw_cpu,
            "lower",
            extra={"rounds": cpu},
        ),
    ]


async def replay_cpu(sides: dict[str, DslSide | RawSide], s: Settings) -> list[Metric]:
    """The workflow side alone: CPU to replay one finished 1-activity workflow, no server.

    Replaying runs the same sandboxed workflow code a worker runs (user module re-import,
    input decoding, the activity call, the result) with nothing else on the clock, so it
    shows the per-workflow cost without the noise of the network and the dev server.
    """
    histories: dict[str, Any] = {}
    replayers: dict[str, Replayer] = {}
    for name in SIDES:
        side = sides[name]
        if isinstance(side, DslSide):
            client, queue = side.engine.client, side.engine.task_queue
            adapter = BenchDsl.__temporal_runtime__.adapter
            assert adapter is not None
            restrictions = SandboxRestrictions.default.with_passthrough_modules(
                *side.engine.passthrough_modules
            )
            replayers[name] = Replayer(
                workflows=[adapter],
                data_converter=client.data_converter,
                workflow_runner=SandboxedWorkflowRunner(restrictions=restrictions),
            )
        else:
            client, queue = side.client, side.task_queue
            replayers[name] = Replayer(
                workflows=[RawOneActivity],
                data_converter=client.data_converter,
                workflow_runner=SandboxedWorkflowRunner(),
            )
        kind = "BenchDsl" if name == "dsl" else "BenchRawOneActivity"
        async for execution in client.list_workflows(
            f"TaskQueue = '{queue}' AND WorkflowType = '{kind}' AND ExecutionStatus = 'Completed'", limit=1
        ):
            handle = client.get_workflow_handle(execution.id, run_id=execution.run_id)
            histories[name] = await handle.fetch_history()
    if set(histories) != set(SIDES):
        log("replay: no finished workflow history found, skipped")
        return []
    cpu: dict[str, list[float]] = {"dsl": [], "raw": []}
    for r in range(6):
        for name in order(r):
            gc.collect()
            start = time.process_time()
            for _ in range(s.replay_runs):
                await replayers[name].replay_workflow(histories[name])
            cpu[name].append((time.process_time() - start) / s.replay_runs * 1000)
    dsl, raw = statistics.median(cpu["dsl"]), statistics.median(cpu["raw"])
    log(f"replay CPU per workflow: dsl {dsl:.2f} ms, raw {raw:.2f} ms")
    return [
        Metric(
            "1 throughput",
            "workflow-side CPU per run (replay, no server)",
            "ms",
            dsl,
            raw,
            "lower",
            extra={"rounds": cpu},
        )
    ]


async def latency(sides: dict[str, DslSide | RawSide], s: Settings) -> list[Metric]:
    metrics: list[Metric] = []
    per_round = max(1, s.latency_samples // s.latency_rounds)
    for kind in ("one_activity", "no_activity"):
        samples: dict[str, list[float]] = {"dsl": [], "raw": []}
        for r in range(s.latency_rounds):
            for name in order(r):
                run = getattr(sides[name], kind)
                for i in range(per_round):
                    start = time.perf_counter()
                    await run(i)
                    samples[name].append((time.perf_counter() - start) * 1000)
        label = "1 activity" if kind == "one_activity" else "no activity"
        for q in (50, 95):
            dsl, raw = percentile(samples["dsl"], q), percentile(samples["raw"], q)
            target = "overhead < 1 ms" if q == 50 else ""
            metrics.append(
                Metric(
                    "2 latency",
                    f"start+wait, {label}, p{q}",
                    "ms",
                    dsl,
                    raw,
                    "lower",
                    target,
                    (dsl - raw < 1.0) if q == 50 else None,
                    {"overhead_ms": dsl - raw, "samples": len(samples["dsl"])},
                )
            )
        log(f"latency {label}: dsl p50 {metrics[-2].dsl:.2f} ms, raw p50 {metrics[-2].raw:.2f} ms")
    return metrics


async def roundtrips(sides: dict[str, DslSide | RawSide], s: Settings) -> list[Metric]:
    handles = {name: await side.start_waiting(0) for name, side in sides.items()}
    signal: dict[str, list[float]] = {"dsl": [], "raw": []}
    query: dict[str, list[float]] = {"dsl": [], "raw": []}
    rounds = 4
    per_round = max(1, s.roundtrip_samples // rounds)
    for name in SIDES:  # the first query waits for the workflow's first task
        await sides[name].query(handles[name])
    for r in range(rounds):
        for name in order(r):
            side, handle = sides[name], handles[name]
            for _ in range(per_round):
                start = time.perf_counter()
                await side.signal(handle, 1)
                signal[name].append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                await side.query(handle)
                query[name].append((time.perf_counter() - start) * 1000)
    for name in SIDES:
        total = await sides[name].finish(handles[name])
        assert total == rounds * per_round, (name, total)
    return [
        Metric(
            "3 signal/query",
            "signal round trip, p50",
            "ms",
            percentile(signal["dsl"], 50),
            percentile(signal["raw"], 50),
            "lower",
        ),
        Metric(
            "3 signal/query",
            "query round trip, p50",
            "ms",
            percentile(query["dsl"], 50),
            percentile(query["raw"], 50),
            "lower",
        ),
    ]


# -- scenarios 5 and 7: in fresh processes -----------------------------------------------------


CHILD_TIMEOUT_S = 240.0


async def run_child(*args: str) -> dict[str, Any]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "benchmarks._child",
        *args,
        cwd=str(ROOT),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), CHILD_TIMEOUT_S)
    except TimeoutError:
        # A child that hangs must not stall the whole run: kill it and report the scenario.
        proc.kill()
        await proc.wait()
        raise RuntimeError(f"benchmark child {args[:3]} did not finish within {CHILD_TIMEOUT_S}s") from None
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark child {args[:3]} failed ({proc.returncode}):\n{err.decode()[-3000:]}")
    result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return result


async def worker_start(address: str, s: Settings) -> list[Metric]:
    from benchmarks._child import write_module

    samples: dict[str, list[dict[str, float]]] = {"dsl": [], "raw": []}
    with tempfile.TemporaryDirectory(prefix="bench-gen-") as folder:
        for r in range(s.worker_start_rounds):
            for name in order(r):
                module = f"bench_gen_{name}_{uuid.uuid4().hex[:8]}"
                write_module(name, Path(folder), module, s.worker_start_count)
                result = await run_child(
                    "worker-start",
                    "--side",
                    name,
                    "--address",
                    address,
                    "--count",
                    str(s.worker_start_count),
                    "--dir",
                    folder,
                    "--module",
                    module,
                )
                samples[name].append(result)
                log(f"worker start {name}: " + ", ".join(f"{k} {v:.3f}" for k, v in result.items()))
    metrics: list[Metric] = []
    labels = {
        "import_s": "import module (define classes)",
        "worker_s": "import + worker built (polling)",
        "worker_cpu_s": "CPU time of import + worker built",
        "ready_s": "until first workflow done",
    }
    for key, label in labels.items():
        dsl = statistics.median(x[key] for x in samples["dsl"])
        raw = statistics.median(x[key] for x in samples["raw"])
        is_target = key == "worker_s"
        metrics.append(
            Metric(
                "5 worker start",
                f"{s.worker_start_count} wf + {s.worker_start_count} act: {label}",
                "s",
                dsl,
                raw,
                "lower",
                "within 1.2x raw" if is_target else "",
                (dsl / raw <= 1.2) if is_target else None,
            )
        )
    return metrics


async def memory(address: str, s: Settings) -> list[Metric]:
    samples: dict[str, list[dict[str, Any]]] = {"dsl": [], "raw": []}
    for r in range(s.memory_rounds):
        for name in order(r):
            result = await run_child(
                "memory", "--side", name, "--address", address, "--count", str(s.memory_workflows)
            )
            samples[name].append(result)
            log(f"memory {name}: peak {result['loaded']['vm_hwm_kb'] or result['loaded']['ru_maxrss_kb']} kB")

    def peak_mb(x: dict[str, Any]) -> float:
        kb = x["loaded"]["vm_hwm_kb"] or x["loaded"]["ru_maxrss_kb"]
        return float(kb) / 1024

    def base_mb(x: dict[str, Any]) -> float:
        kb = x["baseline"]["vm_rss_kb"] or x["baseline"]["ru_maxrss_kb"]
        return float(kb) / 1024

    dsl = statistics.median(peak_mb(x) for x in samples["dsl"])
    raw = statistics.median(peak_mb(x) for x in samples["raw"])
    dsl_base = statistics.median(base_mb(x) for x in samples["dsl"])
    raw_base = statistics.median(base_mb(x) for x in samples["raw"])
    return [
        Metric(
            "7 memory",
            f"peak RSS, worker + {s.memory_workflows} open workflows",
            "MB",
            dsl,
            raw,
            "lower",
            "within 1.1x raw",
            dsl / raw <= 1.1,
        ),
        Metric(
            "7 memory",
            f"growth for {s.memory_workflows} open workflows (peak - idle worker)",
            "MB",
            dsl - dsl_base,
            raw - raw_base,
            "lower",
            "",
            None,
            {"idle_worker_mb": {"dsl": dsl_base, "raw": raw_base}},
        ),
    ]


# -- the whole run -------------------------------------------------------------------------------


async def run_all(s: Settings, only: set[str] | None = None) -> list[Metric]:
    """Every scenario (or those in `only`, by number), both sides, one dev server."""

    def wanted(n: str) -> bool:
        return only is None or n in only

    metrics: list[Metric] = []
    if wanted("4"):
        log("client path (no server)")
        metrics += await client_path(s)
    if wanted("6"):
        log("unit-test path (no server)")
        metrics += await unit_path(s)
    if not any(wanted(n) for n in "12357"):
        return metrics
    async with DevServer(ui=False) as server:
        address = server.address
        log(f"dev server on {address}")
        if any(wanted(n) for n in "123"):
            tag = uuid.uuid4().hex[:8]
            sides: dict[str, DslSide | RawSide] = {
                "dsl": DslSide(address, f"bench-dsl-{tag}"),
                "raw": RawSide(address, f"bench-raw-{tag}"),
            }
            for side in sides.values():
                await side.start()
            try:
                for name in SIDES:  # warm-up: first imports inside the sandbox, connections
                    await asyncio.gather(*(sides[name].one_activity(i) for i in range(5)))
                    await sides[name].no_activity(0)
                if wanted("1"):
                    metrics += await throughput(sides, s)
                    metrics += await replay_cpu(sides, s)
                if wanted("2"):
                    metrics += await latency(sides, s)
                if wanted("3"):
                    log("signal and query round trips")
                    metrics += await roundtrips(sides, s)
            finally:
                for side in sides.values():
                    await side.stop()
        if wanted("5"):
            metrics += await worker_start(address, s)
        if wanted("7"):
            metrics += await memory(address, s)
    return metrics
