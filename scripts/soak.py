"""A soak run for before a release: thousands of workflows while workers and the server are killed.

    python -m scripts.soak [--workflows 3000] [--kill-every 20] [--out benchmarks/results/soak.md]

A dev server on a SQLite file and two ``temporal-runtime worker`` processes serve
`tests.integration.fault_app`. Workflows are started at a steady pace, a share of them with
an invalid input (which must fail cleanly); meanwhile every ``--kill-every`` seconds one of
these happens in turn: a worker is killed with SIGKILL, the server is killed with SIGKILL
and restarted on its file, a worker is drained with SIGTERM; a killed or drained worker is
replaced at once. When every workflow is started the kills stop and each workflow is
counted (`fault_app.tally`): completed, failed cleanly, stuck, lost, duplicated. The report
goes to ``--out`` (Markdown, with a JSON copy beside it); the exit code is 1 when anything
was lost, duplicated or stuck.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import signal
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import temporalio.client
from temporalio.api.common.v1 import Payload
from temporalio.common import RawValue, WorkflowIDConflictPolicy

from temporal_runtime import DevServer, TemporalEngine
from temporal_runtime._internal._payloads import DATA_CONVERTER
from temporal_runtime.devserver import free_port
from tests.integration._cli import read_event, spawn_cli
from tests.integration.fault_app import LedgerWorkflow, Tally, tally

RESULTS = Path(__file__).resolve().parent.parent / "benchmarks" / "results"
# A start retried after the server came back must attach to the run it may already have made.
REUSE = WorkflowIDConflictPolicy.USE_EXISTING
NOT_JSON = RawValue(Payload(metadata={"encoding": b"json/plain"}, data=b"{not json"))


@dataclass
class Chaos:
    """What the chaos loop did."""

    worker_kills: int = 0
    server_kills: int = 0
    drains: int = 0
    start_retries: int = 0
    events: list[str] = field(default_factory=list)


async def _discard(stream: asyncio.StreamReader) -> None:
    while await stream.read(65536):
        pass


class Cluster:
    """The dev server and the worker processes, each of which can be killed and replaced."""

    def __init__(self, folder: Path, workers: int) -> None:
        self.server = DevServer(db_file=folder / "soak.db", port=free_port(), ui=False)
        self.queue = f"soak-{uuid.uuid4().hex[:8]}"
        self.workers: list[asyncio.subprocess.Process | None] = [None] * workers
        self._drains: list[asyncio.Task[None]] = []

    async def start_worker(self, index: int) -> None:
        """Start worker process `index` and wait until it serves."""
        process = await spawn_cli(
            "worker", "tests.integration.fault_app", "--task-queue", self.queue,
            "--address", self.server.address, "--json", "--log-level", "ERROR",
        )  # fmt: skip
        await read_event(process, "serving", timeout=120)
        self.workers[index] = process
        # Keep reading its output: a full pipe would block the worker.
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                self._drains.append(asyncio.create_task(_discard(stream)))

    async def stop_worker(self, index: int, how: signal.Signals) -> None:
        """Send `how` to worker process `index` and wait for it to exit."""
        process = self.workers[index]
        if process is not None and process.returncode is None:
            process.send_signal(how)
            await asyncio.wait_for(process.wait(), 300)

    async def close(self) -> None:
        """Kill the workers, stop the server."""
        for index in range(len(self.workers)):
            await self.stop_worker(index, signal.SIGKILL)
        await self.server.stop()
        await asyncio.gather(*self._drains, return_exceptions=True)


async def _chaos(cluster: Cluster, every: float, chaos: Chaos, until: asyncio.Event) -> None:
    actions = itertools.cycle(["kill-worker", "kill-server", "drain-worker"])
    workers = itertools.cycle(range(len(cluster.workers)))
    while not until.is_set():
        try:
            await asyncio.wait_for(until.wait(), every)
            return
        except TimeoutError:
            pass
        action = next(actions)
        stamp = time.strftime("%H:%M:%S")
        if action == "kill-server":
            await cluster.server.stop(kill=True)
            await asyncio.sleep(1)
            await cluster.server.start(timeout=120)
            chaos.server_kills += 1
        else:
            index = next(workers)
            await cluster.stop_worker(index, signal.SIGKILL if action == "kill-worker" else signal.SIGTERM)
            await cluster.start_worker(index)
            chaos.worker_kills += action == "kill-worker"
            chaos.drains += action == "drain-worker"
        chaos.events.append(f"{stamp} {action}")


async def _start_all(
    cluster: Cluster, ledger: Path, opts: argparse.Namespace, chaos: Chaos
) -> tuple[dict[str, int], list[str]]:
    expected: dict[str, int] = {}
    bad: list[str] = []
    raw = await temporalio.client.Client.connect(cluster.server.address, data_converter=DATA_CONVERTER)
    bad_inputs: list[list[Any]] = [
        [{"method": "run", "kwargs": {"ledger": str(ledger), "steps": "many", "seconds": 0}}],
        [{"method": "nope"}],
        [NOT_JSON, {"method": "run", "kwargs": {}}],
    ]
    gate = asyncio.Semaphore(16)
    async with TemporalEngine(
        url=cluster.server.address, task_queue=cluster.queue, start_worker=False
    ) as client:

        async def start(i: int) -> None:
            workflow_id = f"soak-{i:06d}"
            is_bad = opts.bad_every and i % opts.bad_every == 0
            async with gate:
                for attempt in itertools.count():
                    try:
                        if is_bad:
                            await raw.start_workflow(
                                "LedgerWorkflow", args=bad_inputs[i % len(bad_inputs)], id=workflow_id,
                                task_queue=cluster.queue, id_conflict_policy=REUSE,
                            )  # fmt: skip
                        else:
                            await client.start_method(
                                LedgerWorkflow, "run", str(ledger), opts.steps, opts.seconds,
                                workflow_id=workflow_id, id_conflict_policy=REUSE,
                            )  # fmt: skip
                        break
                    except Exception:
                        # The server is down (being restarted): the same id again, so a start
                        # that did reach it is not started twice.
                        chaos.start_retries += 1
                        if attempt > 600:
                            raise
                        await asyncio.sleep(0.5)
            if is_bad:
                bad.append(workflow_id)
            else:
                expected[workflow_id] = opts.steps

        pace = 1 / opts.rate
        tasks: list[asyncio.Task[None]] = []
        for i in range(opts.workflows):
            tasks.append(asyncio.create_task(start(i)))
            await asyncio.sleep(pace)
        await asyncio.gather(*tasks)
    return expected, bad


def _report(counts: Tally, chaos: Chaos, opts: argparse.Namespace, timings: dict[str, float]) -> str:
    rows = "\n".join(f"| {name.replace('_', ' ')} | {value} |" for name, value in counts.as_dict().items())
    ok = counts.lost == counts.duplicated == counts.stuck == 0
    return f"""# Soak run

{time.strftime("%Y-%m-%d %H:%M")}: {opts.workflows} workflows of {opts.steps} activities
({opts.seconds} s each), every {opts.bad_every}th one with an invalid input, started at
{opts.rate}/s on a dev server (SQLite) with {opts.workers} worker processes; every
{opts.kill_every} s a worker was killed (SIGKILL), the server was killed (SIGKILL, restarted
on its file) or a worker was drained (SIGTERM), in turn. Result: **{"PASS" if ok else "FAIL"}**.

| count | value |
|---|---|
{rows}

`re executed`: activities that ran more than once (at-least-once: an attempt cut short by a
killed worker runs again); they are not duplicated *results*.

| chaos | value |
|---|---|
| worker kills (SIGKILL) | {chaos.worker_kills} |
| server kills (SIGKILL + restart) | {chaos.server_kills} |
| worker drains (SIGTERM) | {chaos.drains} |
| start calls retried while the server was down | {chaos.start_retries} |
| starting phase | {timings["starting"]:.0f} s |
| until every workflow was counted | {timings["counting"]:.0f} s |
| total | {timings["total"]:.0f} s |
"""


async def soak(opts: argparse.Namespace) -> tuple[Tally, str, dict[str, Any]]:
    """Run the soak; its counts, the Markdown report and the same as data."""
    began = time.monotonic()
    chaos = Chaos()
    with tempfile.TemporaryDirectory(prefix="soak-") as tmp:
        folder = Path(tmp)
        cluster = Cluster(folder, opts.workers)
        await cluster.server.start(timeout=120)
        try:
            for index in range(opts.workers):
                await cluster.start_worker(index)
            done = asyncio.Event()
            chaos_task = asyncio.create_task(_chaos(cluster, opts.kill_every, chaos, done))
            expected, bad = await _start_all(cluster, folder, opts, chaos)
            started = time.monotonic()
            done.set()
            await chaos_task
            for index, process in enumerate(cluster.workers):
                if process is None or process.returncode is not None:
                    await cluster.start_worker(index)
            async with TemporalEngine(
                url=cluster.server.address, task_queue=cluster.queue, start_worker=False
            ) as client:
                counts = await tally(client, expected, folder, bad=bad, timeout=opts.timeout)
        finally:
            await cluster.close()
    ended = time.monotonic()
    timings = {"starting": started - began, "counting": ended - started, "total": ended - began}
    report = _report(counts, chaos, opts, timings)
    options = {k: str(v) if isinstance(v, Path) else v for k, v in vars(opts).items()}
    data = {"counts": counts.as_dict(), "chaos": {**vars(chaos)}, "timings": timings, "options": options}
    return counts, report, data


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run, write the report; 1 if anything was lost, duplicated or stuck."""
    parser = argparse.ArgumentParser(prog="python -m scripts.soak", description=__doc__.split("\n")[0])
    parser.add_argument("--workflows", type=int, default=3000)
    parser.add_argument("--steps", type=int, default=3, help="activities per workflow")
    parser.add_argument("--seconds", type=float, default=0.05, help="each activity sleeps this long")
    parser.add_argument("--rate", type=float, default=5.0, help="workflow starts per second")
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--kill-every", type=float, default=20.0, help="seconds between kills")
    parser.add_argument("--bad-every", type=int, default=20, help="every Nth start has an invalid input")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for results after")
    parser.add_argument("--out", type=Path, default=RESULTS / "soak.md")
    opts = parser.parse_args(argv)
    counts, report, data = asyncio.run(soak(opts))
    opts.out.parent.mkdir(parents=True, exist_ok=True)
    opts.out.write_text(report)
    opts.out.with_suffix(".json").write_text(json.dumps(data, indent=2) + "\n")
    print(report)
    print(f"report: {opts.out}")
    return 0 if counts.lost == counts.duplicated == counts.stuck == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
