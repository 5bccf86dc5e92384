"""Workflows for the parity suite: the same behaviour asked of InMemoryEngine and of the server.

Activities record what they ran in `RAN` (the worker runs in the test's process, so both
engines append to the same list); names carry a ``parity_`` prefix.
"""

from __future__ import annotations

import asyncio

from pydantic import BaseModel

from temporal_runtime import (
    ApplicationError,
    ChildWorkflowError,
    Workflow,
    WorkflowCancelled,
    activity_def,
    wf_query,
    wf_signal,
    wf_update,
)

RAN: list[str] = []


class Order(BaseModel):
    order_id: str
    amount: int


class Receipt(BaseModel):
    order_id: str
    charged: int


@activity_def("parity_charge")
async def charge(order: Order) -> Receipt:
    RAN.append(f"charge {order.order_id}")
    if order.amount < 0:
        raise ApplicationError(f"cannot charge {order.amount}", type="CardDeclined", non_retryable=True)
    return Receipt(order_id=order.order_id, charged=order.amount)


@activity_def("parity_release")
async def release(order_id: str) -> None:
    RAN.append(f"release {order_id}")


@activity_def("parity_slow")
async def slow(seconds: float) -> str:
    await asyncio.sleep(seconds)
    return "slow done"


class ParityOrders(Workflow):
    def __init__(self) -> None:
        self.state = "new"
        self.note = ""
        self.approved_by: str | None = None

    async def process(self, order: Order) -> Receipt:
        self.state = "charging"
        receipt = await self.exec(charge, order, timeout=10)
        self.state = "done"
        return receipt

    async def approve_then_charge(self, order: Order) -> Receipt:
        self.state = "waiting"
        await self.wait_until(lambda: self.approved_by is not None)
        return await self.exec(charge, order, timeout=10)

    async def nap(self, seconds: float) -> str:
        await self.sleep(seconds)
        return "rested"

    async def flaky(self, fail_attempts: int) -> int:
        if self.info.attempt <= fail_attempts:
            raise ApplicationError(f"attempt {self.info.attempt} fails", type="Flaky")
        return self.info.attempt

    async def refuse(self, reason: str) -> None:
        raise ApplicationError(reason, type="Refused", non_retryable=True)

    async def whoami(self) -> dict[str, str]:
        return {"id": self.info.workflow_id, "method": self.info.method, "queue": self.info.task_queue}

    async def count(self, start: int, stop: int) -> int:
        if start < stop:
            self.continue_as_new(self.count, start + 1, stop)
        return start

    async def hold(self, order_id: str) -> str:
        try:
            await self.wait_until(lambda: False)
        except WorkflowCancelled:
            await self.shield(self.exec(release, order_id, timeout=10))
            raise
        return "never"

    async def slow_activity(self, seconds: float) -> str:
        return await self.exec(slow, seconds)

    async def parent(self, n: int) -> int:
        return await self.child(ParityChild).double(n)

    async def parent_of_failure(self) -> str:
        handle = await self.child(ParityChild).start(ParityChild.fail, "child says no")
        try:
            await handle
        except ChildWorkflowError as err:
            return f"child failed: {type(err.cause).__name__}"
        return "child succeeded"

    @wf_signal
    async def approve(self, who: str) -> None:
        self.approved_by = who

    @wf_query
    def status(self) -> str:
        return self.state

    @wf_update
    async def set_note(self, note: str) -> str:
        old, self.note = self.note, note
        return old

    @set_note.validator
    def _check_note(self, note: str) -> None:
        if not note:
            raise ValueError("a note must not be empty")


class ParityChild(Workflow):
    async def double(self, n: int) -> int:
        return n * 2

    async def fail(self, reason: str) -> int:
        raise ApplicationError(reason, type="ChildRefused", non_retryable=True)


PARITY_WORKFLOWS = [ParityOrders, ParityChild]
