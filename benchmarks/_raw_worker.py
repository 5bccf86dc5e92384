"""One plain temporalio worker process for the scale-out scenario (8); serves until SIGTERM.

``python -m benchmarks._raw_worker --address HOST:PORT --task-queue Q``

It serves what the in-process raw side serves (`RawSide`: the same classes, runner and worker
options) and, once its worker runs, prints one JSON line ``{"event": "serving", "pid": ...}``,
as each process of ``temporal-runtime worker --json`` does for the DSL side.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys

from benchmarks._sides import RawSide


async def serve(address: str, task_queue: str) -> int:
    side = RawSide(address, task_queue)
    await side.start()
    assert side.task is not None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    print(json.dumps({"event": "serving", "pid": os.getpid(), "task_queue": task_queue}), flush=True)
    stopper = asyncio.create_task(stop.wait())
    done, _ = await asyncio.wait([stopper, side.task], return_when=asyncio.FIRST_COMPLETED)
    if side.task in done:  # the worker died on its own: say why, and fail
        stopper.cancel()
        print(f"raw worker stopped: {side.task.exception()!r}", file=sys.stderr, flush=True)
        return 1
    await side.stop()
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks._raw_worker")
    parser.add_argument("--address", required=True)
    parser.add_argument("--task-queue", required=True)
    ns = parser.parse_args()
    code = asyncio.new_event_loop().run_until_complete(serve(ns.address, ns.task_queue))
    sys.stdout.flush()
    sys.stderr.flush()
    # As the library's CLI does: temporalio can abort a finished process during finalization.
    os._exit(code)


if __name__ == "__main__":
    main()
