"""How long do 1,000 runs of the orders example take on InMemoryEngine vs the time-skipping server?

Not a test: run it by hand and read the numbers.

    python -m benchmarks.testing_kit_bench                 # 1,000 runs each, fake activity
    python -m benchmarks.testing_kit_bench --runs 200 --concurrency 20 --real-activity
    python -m benchmarks.testing_kit_bench --only memory --no-replay   # without InMemoryEngine's replay

By default `process_item` is replaced by an instant fake on both engines, so the numbers
compare the engines (the real one sleeps 50 ms per item). Each run is one
`process_order` of a two-item order, awaited to its result.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from examples.orders import Item, Order, OrderProcessingWorkflow, OrderResult, process_item
from temporal_runtime.testing import InMemoryEngine, local_engine

ORDER = Order(order_id="bench", items=[Item(sku="apple", quantity=3), Item(sku="pear")])


async def fake_process_item(item: Item) -> str:
    return f"packed {item.quantity} x {item.sku}"


async def timed_runs(
    run_one: Callable[[], Awaitable[OrderResult]], runs: int, concurrency: int
) -> list[float]:
    latencies: list[float] = []
    semaphore = asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with semaphore:
            started = time.perf_counter()
            result = await run_one()
            latencies.append(time.perf_counter() - started)
            assert result.status == "completed", result

    await asyncio.gather(*(one() for _ in range(runs)))
    return latencies


def report(name: str, total: float, latencies: list[float]) -> None:
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p95 = latencies[int(len(latencies) * 0.95) - 1] * 1000
    print(
        f"{name:<28} {len(latencies):>5} runs  total {total:7.2f} s  "
        f"{len(latencies) / total:8.1f} runs/s  p50 {p50:7.2f} ms  p95 {p95:7.2f} ms"
    )


async def bench_in_memory(runs: int, concurrency: int, fakes: dict[Any, Any], replay: bool) -> None:
    async with InMemoryEngine(activities=fakes, replay=replay) as engine:
        client = OrderProcessingWorkflow.client(engine)
        started = time.perf_counter()
        latencies = await timed_runs(lambda: client.process_order(ORDER), runs, concurrency)
        report(f"InMemoryEngine{'' if replay else ' (no replay)'}", time.perf_counter() - started, latencies)


async def bench_time_skipping(runs: int, concurrency: int, fakes: dict[Any, Any]) -> None:
    setup = time.perf_counter()
    async with local_engine(
        time_skipping=True, activities=fakes, workflows=[OrderProcessingWorkflow]
    ) as engine:
        print(f"(time-skipping server + worker started in {time.perf_counter() - setup:.2f} s)")
        client = OrderProcessingWorkflow.client(engine)
        started = time.perf_counter()
        latencies = await timed_runs(lambda: client.process_order(ORDER), runs, concurrency)
        report("time-skipping test server", time.perf_counter() - started, latencies)


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=1, help="workflows in flight at once")
    parser.add_argument("--real-activity", action="store_true", help="run the real process_item (50 ms)")
    parser.add_argument("--only", choices=["memory", "server"], default=None)
    parser.add_argument("--no-replay", action="store_true", help="InMemoryEngine(replay=False)")
    args = parser.parse_args()
    fakes: dict[Any, Any] = {} if args.real_activity else {process_item: fake_process_item}
    print(f"{args.runs} x OrderProcessingWorkflow.process_order (2 items), concurrency {args.concurrency}")
    if args.only in (None, "memory"):
        await bench_in_memory(args.runs, args.concurrency, fakes, replay=not args.no_replay)
    if args.only in (None, "server"):
        await bench_time_skipping(args.runs, args.concurrency, fakes)


if __name__ == "__main__":
    asyncio.run(main())
