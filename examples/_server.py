"""How the examples run: on $TEMPORAL_ADDRESS if set, else on an embedded dev server; and how they end."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncGenerator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from temporal_runtime import DevServer, TemporalEngine


@asynccontextmanager
async def example_engine(task_queue: str, *, ui: bool = False) -> AsyncGenerator[TemporalEngine, None]:
    """An engine with workers, on $TEMPORAL_ADDRESS or on a dev server started for the run."""
    address = os.environ.get("TEMPORAL_ADDRESS")
    if address:
        async with TemporalEngine(url=address, task_queue=task_queue) as engine:
            yield engine
        return
    async with DevServer(ui=ui) as server:
        if server.ui_url:
            print(f"Temporal dev server at {server.address}; Web UI at {server.ui_url}")
        async with TemporalEngine(url=server.address, task_queue=task_queue) as engine:
            yield engine


def run_example(main: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run an example's `main` to the end, then leave the process at once.

    temporalio's native threads may still be winding down while Python finalizes, which can
    crash a process whose work is done (temporalio/sdk-python#300), so after flushing the
    example leaves with `os._exit`. An exception from `main` propagates as usual.
    """
    asyncio.run(main())
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
