"""Scenarios 1-3, on the dev server: throughput and CPU per workflow, latency, signals and queries."""

from __future__ import annotations

import asyncio
import gc
import statistics
import time
from typing import Any

from benchmarks._harness import Metric, Settings, log, order, percentile, round_ratios, within
from benchmarks._sides import BASELINES, SIDES, DslSide, RawSide

Sides = dict[str, DslSide | RawSide]

# What each raw side is called in the table, and the CPU target against it.
_BASELINE_LABELS = {
    "raw": "",
    "raw_pt": ", vs raw with models passed through",
    "raw_bare": ", vs raw unsandboxed",
}
_CPU_LIMITS = {"raw_pt": 1.0, "raw_bare": 1.15}


def _against_baselines(
    scenario: str, figure: str, samples: dict[str, list[float]], limits: dict[str, float]
) -> list[Metric]:
    """One CPU row per raw side present: the DSL's median over the side's (per-round ratios too)."""
    dsl = statistics.median(samples["dsl"])
    metrics: list[Metric] = []
    for name, label in _BASELINE_LABELS.items():
        if not samples.get(name):
            continue
        raw = statistics.median(samples[name])
        target, met = within(dsl, raw, limits[name]) if name in limits else ("", None)
        extra = {"median_round_ratio": round_ratios(samples["dsl"], samples[name]), "rounds": samples[name]}
        metrics.append(Metric(scenario, figure + label, "ms", dsl, raw, "lower", target, met, extra))
    return metrics


async def throughput(sides: Sides, s: Settings) -> list[Metric]:
    names = tuple(sides)
    rates: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    for r in range(s.throughput_rounds):
        for name in order(r, names):
            side = sides[name]
            gc.collect()
            start, start_cpu = time.perf_counter(), time.process_time()
            results = await asyncio.gather(*(side.one_activity(i) for i in range(s.throughput_n)))
            elapsed, used = time.perf_counter() - start, time.process_time() - start_cpu
            assert all(res.n == i + 1 for i, res in enumerate(results))
            rates[name].append(s.throughput_n / elapsed)
            # The client and the worker live in this process: its CPU time per workflow is
            # what the Python side costs, and other processes' load barely moves it.
            cpu[name].append(used / s.throughput_n * 1000)
            log(
                f"throughput round {r + 1} {name}: {rates[name][-1]:.1f} workflows/s, "
                f"{cpu[name][-1]:.2f} ms CPU each"
            )
    dsl, raw = statistics.median(rates["dsl"]), statistics.median(rates["raw"])
    return [
        Metric(
            "1 throughput",
            f"{s.throughput_n} workflows x 1 activity, concurrent",
            "workflows/s",
            dsl,
            raw,
            "higher",
            ">= 1.0x raw",
            dsl >= raw,
            {"median_round_ratio": round_ratios(rates["dsl"], rates["raw"]), "rounds": rates},
        ),
        *_against_baselines("1 throughput", "process CPU per workflow (client + worker)", cpu, _CPU_LIMITS),
    ]


async def replay_cpu(sides: Sides, s: Settings) -> list[Metric]:
    """The workflow side alone: CPU to replay one finished 1-activity workflow, no server.

    Replaying runs the same workflow code a worker runs, with the same runner (user module
    re-import in the sandbox, input decoding, the activity call, the result) and nothing else
    on the clock. temporalio's replayer also validates the class in a fresh sandbox for every
    history, so a sandboxed replay imports the workflow module twice where a worker does once.
    """
    histories: dict[str, Any] = {}
    for name, side in sides.items():
        client, queue, kind = side.history_source()
        async for execution in client.list_workflows(
            f"TaskQueue = '{queue}' AND WorkflowType = '{kind}' AND ExecutionStatus = 'Completed'", limit=1
        ):
            handle = client.get_workflow_handle(execution.id, run_id=execution.run_id)
            histories[name] = await handle.fetch_history()
    if set(histories) != set(sides):
        log("replay: no finished workflow history found, skipped")
        return []
    replayers = {name: side.replayer() for name, side in sides.items()}
    names = tuple(sides)
    cpu: dict[str, list[float]] = {name: [] for name in names}
    for r in range(6):
        for name in order(r, names):
            gc.collect()
            start = time.process_time()
            for _ in range(s.replay_runs):
                await replayers[name].replay_workflow(histories[name])
            cpu[name].append((time.process_time() - start) / s.replay_runs * 1000)
    log("replay CPU per workflow: " + ", ".join(f"{n} {statistics.median(v):.2f} ms" for n, v in cpu.items()))
    return _against_baselines("1 throughput", "workflow-side CPU per run (replay, no server)", cpu, {})


async def latency(sides: Sides, s: Settings) -> list[Metric]:
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


async def roundtrips(sides: Sides, s: Settings) -> list[Metric]:
    handles = {name: await sides[name].start_waiting(0) for name in SIDES}
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
            f"{kind} round trip, p50",
            "ms",
            percentile(v["dsl"], 50),
            percentile(v["raw"], 50),
            "lower",
        )
        for kind, v in (("signal", signal), ("query", query))
    ]


def server_sides(address: str, tag: str, with_baselines: bool) -> Sides:
    """The DSL and raw sides (and the raw baselines, for the CPU scenario) on their own queues."""
    names = (*SIDES, *BASELINES) if with_baselines else SIDES
    return {
        name: DslSide(address, f"bench-dsl-{tag}")
        if name == "dsl"
        else RawSide(address, f"bench-{name}-{tag}", name)
        for name in names
    }
