"""`make demo`: run a real order workflow on the embedded Temporal dev server, and keep it.

The dev server keeps its state in SQLite under ``.temporal/`` (the file `make dev` serves), so
the workflow is still there to browse in the Web UI after the demo ends. A dev server already
running on 127.0.0.1:7233 (`make dev` in another terminal) is used instead of starting one.

Run: python -m examples.demo
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator
from pathlib import Path

from examples._server import run_example
from examples.orders import Item, Order, OrderProcessingWorkflow
from temporal_runtime import DevServer, TemporalEngine

DB_FILE = Path(".temporal/dev.db")
DEV_ADDRESS = "127.0.0.1:7233"
DEV_UI = "http://127.0.0.1:8233"


async def _dev_server_running() -> bool:
    host, port = DEV_ADDRESS.split(":")
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, int(port)), 1)
    except (OSError, TimeoutError):
        return False
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True


@contextlib.asynccontextmanager
async def dev_server() -> AsyncGenerator[tuple[str, bool]]:
    """The address of a dev server on `DB_FILE`, and whether this demo started it."""
    if await _dev_server_running():
        yield DEV_ADDRESS, False
        return
    DB_FILE.parent.mkdir(parents=True, exist_ok=True)
    async with DevServer(ui=True, db_file=DB_FILE) as server:
        print(f"Web UI:              {server.ui_url}  (while the demo runs)")
        yield server.address, True


async def main() -> None:
    async with dev_server() as (address, started):
        print(f"Temporal dev server: {address}{'' if started else ' (already running)'}")
        async with TemporalEngine(url=address, task_queue="demo") as engine:
            orders = OrderProcessingWorkflow.client(engine)
            order = Order(order_id="demo-1", items=[Item(sku="coffee", quantity=2), Item(sku="mug")])
            handle = await orders.with_options(workflow_id="demo-order-1").async_.process_order(order)
            print(f"started workflow {handle.id} ({handle.workflow_type}.{handle.method})")
            result = await handle.result(timeout=60)
            status = await handle.status()
            print(f"result: {result!r}")
            print(f"status: {status.status.value}, {status.history_length} history events")
    link = f"{DEV_UI}/namespaces/default/workflows/demo-order-1"
    if started:
        print(f"demo done; the run is kept in {DB_FILE}.")
        print(f"To browse it in the Web UI: `make dev` (serves {DB_FILE}), then open {link}")
    else:
        print(f"demo done; see it in the Web UI: {link}")


if __name__ == "__main__":
    run_example(main)
