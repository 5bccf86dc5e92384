"""Messages between workflows: an order ships through a child, and the child reports back.

- `ShopOrder.__init__` takes the entry method's `parcel` (temporalio's ``@workflow.init``), so
  a handler that runs before `place` starts already sees the order.
- `add_note` is a plain ``def`` update; `confirm` and `shipment_event` are signals.
- The child `ShipmentWorkflow` knows its parent (``self.info.parent``) and signals it by id
  (``self.external(...)``), as temporalio's external workflow handles do.
- The order waits for its running handlers before it returns (``all_handlers_finished``).

Run: python -m examples.shipping
"""

from __future__ import annotations

from pydantic import BaseModel

from examples._server import example_engine, run_example
from temporal_runtime import TemporalEngine, Workflow, activity_def, wf_query, wf_signal, wf_update


class Parcel(BaseModel):
    order_id: str
    items: list[str]


class Delivery(BaseModel):
    order_id: str
    tracking: str
    notes: list[str]
    events: list[str]


@activity_def("shipping_book_courier", timeout=30)
async def book_courier(parcel: Parcel) -> str:
    return f"TRK-{parcel.order_id}"


class ShipmentWorkflow(Workflow):
    async def ship(self, parcel: Parcel) -> str:
        tracking = await self.exec(book_courier, parcel)
        parent = self.info.parent  # None when a client started this shipment itself
        if parent is not None:
            order = self.external(parent.workflow_id, parent.run_id)
            await order.signal(ShopOrder.shipment_event, f"picked up: {tracking}")
            await self.sleep(1)  # in transit
            await order.signal(ShopOrder.shipment_event, "delivered")
        return tracking


class ShopOrder(Workflow):
    def __init__(self, parcel: Parcel) -> None:
        self.order_id = parcel.order_id
        self.confirmed = False
        self.notes: list[str] = []
        self.events: list[str] = []

    @wf_update
    def add_note(self, note: str) -> int:
        self.notes.append(f"{self.order_id}: {note}")
        return len(self.notes)

    @wf_signal
    def confirm(self) -> None:
        self.confirmed = True

    @wf_signal
    def shipment_event(self, event: str) -> None:
        self.events.append(event)

    @wf_query
    def progress(self) -> list[str]:
        return self.events

    async def place(self, parcel: Parcel) -> Delivery:
        await self.wait_until(lambda: self.confirmed)
        tracking = await self.child(ShipmentWorkflow).ship(parcel)
        await self.wait_until(self.all_handlers_finished)
        return Delivery(order_id=self.order_id, tracking=tracking, notes=self.notes, events=self.events)


async def run(engine: TemporalEngine, order_id: str = "o-1") -> Delivery:
    handle = await ShopOrder.client(engine).async_.place(Parcel(order_id=order_id, items=["tea", "cups"]))
    assert await handle.update(ShopOrder.add_note, "leave at the door") == 1
    await handle.signal(ShopOrder.confirm)
    return await handle.result(timeout=60)


async def main() -> None:
    async with example_engine("shipping") as engine:
        delivery = await run(engine)
        print(f"{delivery.order_id}: {delivery.tracking}, {delivery.events}, notes {delivery.notes}")


if __name__ == "__main__":
    run_example(main)
