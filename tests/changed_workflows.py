"""A deliberately changed copy of the orders example, for the replay test that must fail."""

from __future__ import annotations

from examples.orders import Order, OrderResult, process_item
from temporal_runtime import Workflow, wf_query, wf_signal


class ChangedOrderWorkflow(Workflow):
    """The orders workflow with one change: it sleeps before each item (a new timer)."""

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

    async def process_order(self, order: Order) -> OrderResult:
        self._status = "processing"
        for item in order.items:
            await self.wait_until(lambda: not self._paused)
            if self._cancelled:
                return OrderResult(status=self._status, items=self._items_processed)
            await self.sleep(1)  # the change: not in the recorded history
            await self.exec(process_item, item, timeout=60)
            self._items_processed += 1
        self._status = "completed"
        return OrderResult(status=self._status, items=self._items_processed)
