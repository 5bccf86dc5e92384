"""Where the examples find Temporal: $TEMPORAL_ADDRESS if set, else an embedded dev server."""

from __future__ import annotations

import os
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager

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
