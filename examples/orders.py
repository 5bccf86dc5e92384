"""The seed's order workflow: pause, resume and cancel signals; status and progress queries.

Run: python -m examples.orders
"""

from __future__ import annotations

import asyncio

from pydantic import BaseModel

from examples._server import example_engine, run_example
from temporal_runtime import TemporalEngine, Workflow, activity_def, wf_query, wf_signal


class Item(BaseModel):
    sku: str
    quantity: int = 1


class Order(BaseModel):
    order_id: str
    items: list[Item]


class OrderResult(BaseModel):
    status: str
    items: int = 0


@activity_def("process_item")
async def process_item(item: Item) -> str:
    await asyncio.sleep(0.05)
    return f"packed {item.quantity} x {item.sku}"


class OrderProcessingWorkflow(Workflow):
    def __init__(self) -> None:
        self._status = "pending"
        self._items_processed = 0
        self._paused = False
        self._cancelled = False

    @wf_signal("cancel")
    async def cancel(self, reason: str) -> None:
        self._cancelled = True
        self._status = f"cancelled: {reason}"

    @wf_signal("pause")
    async def pause(self) -> None:
        self._paused = True

    @wf_signal("resume")
    async def resume(self) -> None:
        self._paused = False

    @wf_query("status")
    async def status(self) -> str:
        return self._status

    @wf_query("progress")
    async def progress(self) -> dict[str, int | str]:
        return {"status": self._status, "items_processed": self._items_processed}

    async def process_order(self, order: Order) -> OrderResult:
        self._status = "processing"
        for item in order.items:
            await self.wait_until(lambda: not self._paused)
            if self._cancelled:
                return OrderResult(status=self._status, items=self._items_processed)
            await self.exec(process_item, item, timeout=60)
            self._items_processed += 1
        self._status = "completed"
        return OrderResult(status=self._status, items=self._items_processed)


async def run(engine: TemporalEngine) -> tuple[OrderResult, OrderResult]:
    client = OrderProcessingWorkflow.client(engine)
    order = Order(order_id="A-1", items=[Item(sku="apple", quantity=3), Item(sku="pear")])
    completed = await client.process_order(order)

    handle = await client.async_.process_order(
        Order(order_id="A-2", items=[Item(sku=f"sku-{i}") for i in range(50)])
    )
    await handle.signal("pause")
    print("progress while paused:", await handle.query("progress"))
    await handle.signal("resume")
    await engine.signal(handle.id, "cancel", "Customer request")
    print("status:", await engine.query(handle.id, "status"))
    cancelled = await handle.result(timeout=60)
    return completed, cancelled


async def main() -> None:
    async with example_engine("orders") as engine:
        completed, cancelled = await run(engine)
        print("first order:", completed)
        print("second order:", cancelled)


if __name__ == "__main__":
    run_example(main)
