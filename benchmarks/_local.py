"""Scenarios 4 and 6, with no server: the client path of a start, and the unit-test path."""

from __future__ import annotations

import functools
import statistics
import uuid
from typing import Any
from unittest.mock import AsyncMock, patch

from temporalio import workflow as temporal_workflow

from benchmarks._harness import Metric, Settings, order, per_call_us, within
from benchmarks._sides import SIDES, stub_client
from benchmarks.dsl_workflows import BenchDsl, Ping
from benchmarks.raw_workflows import RawOneActivity, RawPing
from temporal_runtime import TemporalEngine
from temporal_runtime._internal import _envelope
from temporal_runtime.testing import InMemoryEngine


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
            await per_call_us(fns[side], 50)
        for r in range(s.client_repeats):
            for side in order(r):
                results[kind][side].append(await per_call_us(fns[side], s.client_calls))
    await engine.stop()
    enc, st = results["encode"], results["start"]
    dsl_enc, raw_enc = statistics.median(enc["dsl"]), statistics.median(enc["raw"])
    dsl_st, raw_st = statistics.median(st["dsl"]), statistics.median(st["raw"])
    target, met = within(dsl_st, raw_st, 1.1)
    return [
        Metric(
            "4 client path",
            "bind + encode input and method memo",
            "us/call",
            dsl_enc,
            raw_enc,
            "lower",
            extra={"overhead_us": dsl_enc - raw_enc},
        ),
        Metric(
            "4 client path",
            "whole start call (stub service)",
            "us/call",
            dsl_st,
            raw_st,
            "lower",
            target,
            met,
            {"overhead_us": dsl_st - raw_st},
        ),
    ]


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
            samples[side].append(await per_call_us(fns[side], s.unit_calls))
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
                samples[replay].append(await per_call_us(runs[replay], s.unit_calls))
    on, off = statistics.median(samples[True]), statistics.median(samples[False])
    vs = "vs raw: activity mocked"
    return [
        Metric("6 unit-test path", f"InMemoryEngine run, 1 activity, replay on ({vs})", "us/run", on,
               raw_mocked, "lower", extra={"replay_off_us": off, "replay_cost_us": on - off}),
        Metric("6 unit-test path", f"InMemoryEngine run, 1 activity, replay off ({vs})", "us/run", off,
               raw_mocked, "lower"),
    ]  # fmt: skip
