"""`make demo`: start the embedded Temporal dev server, run a real order workflow, stop.

Run: python -m examples.demo
"""

from __future__ import annotations

import asyncio
import os
import sys

from examples.orders import Item, Order, OrderProcessingWorkflow
from temporal_runtime import DevServer, TemporalEngine


async def main() -> None:
    async with DevServer(ui=True) as server:
        print(f"Temporal dev server: {server.address}")
        print(f"Web UI:              {server.ui_url}  (open it while the demo runs)")
        async with TemporalEngine(url=server.address, task_queue="demo") as engine:
            orders = OrderProcessingWorkflow.client(engine)
            order = Order(order_id="demo-1", items=[Item(sku="coffee", quantity=2), Item(sku="mug")])
            handle = await orders.with_options(workflow_id="demo-order-1").async_.process_order(order)
            print(f"started workflow {handle.id} ({handle.workflow_type}.{handle.method})")
            result = await handle.result(timeout=60)
            status = await handle.status()
            print(f"result: {result!r}")
            print(f"status: {status.status.value}, {status.history_length} history events")
    print("dev server stopped; demo done")


if __name__ == "__main__":
    asyncio.run(main())
    # temporalio's native threads may still be winding down while Python finalizes, which
    # can abort the process after the demo has finished (temporalio/sdk-python#300).
    sys.stdout.flush()
    os._exit(0)
