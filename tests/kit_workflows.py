"""Workflows and activities used by the testing-kit tests (module level, unique names)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from temporal_runtime import (
    RetryPolicy,
    Workflow,
    activity_def,
    activity_info,
    wf_query,
    wf_signal,
    wf_update,
)
from temporal_runtime.errors import ApplicationError


class Email(BaseModel):
    to: str
    subject: str


class Sent(BaseModel):
    message_id: str
    attempt: int = 1


@activity_def("kit_send_email")
async def send_email(args: Email) -> Sent:
    return Sent(message_id=f"real-{args.to}", attempt=activity_info().attempt)


@activity_def("kit_charge")
def charge(amount: int) -> str:  # a plain def: runs in a thread
    if amount < 0:
        raise ValueError(f"cannot charge {amount}")
    return f"charged {amount}"


class Clock(BaseModel):
    before: datetime
    after: datetime


class KitMailer(Workflow):
    async def notify(self, to: str, attempts: int = 3) -> Sent:
        return await self.exec(
            send_email,
            Email(to=to, subject="hi"),
            timeout=5,
            retry_policy=RetryPolicy(maximum_attempts=attempts, initial_interval=1),
        )

    async def notify_fast_timeout(self, to: str) -> Sent:
        return await self.exec(
            send_email, Email(to=to, subject="hi"), timeout=0.05, retry_policy=RetryPolicy(maximum_attempts=2)
        )

    async def notify_unlimited(self, to: str) -> Sent:
        return await self.exec(send_email, Email(to=to, subject="hi"), timeout=5)

    async def pay(self, amount: int) -> str:
        return await self.exec(charge, amount, timeout=5, retry_policy=RetryPolicy(maximum_attempts=2))

    async def pay_by_name(self, amount: int) -> str:
        result: str = await self.exec(
            "kit_charge", amount, timeout=5, retry_policy=RetryPolicy(maximum_attempts=1)
        )
        return result


class KitSleeper(Workflow):
    async def nap(self, seconds: float) -> Clock:
        before = self.now()
        await self.sleep(seconds)
        return Clock(before=before, after=self.now())

    async def stamp(self) -> datetime:
        return self.now()

    async def identity(self) -> dict[str, str]:
        return {"id": self.info.workflow_id, "method": self.info.method, "uuid": str(self.uuid4())}

    async def bad_result(self) -> object:
        return object()

    async def crash(self) -> int:
        raise KeyError("nope")

    async def refuse(self) -> int:
        raise ApplicationError("refused on purpose", type="Refused", non_retryable=True)


class KitGate(Workflow):
    def __init__(self) -> None:
        self.open = False
        self.opened_by: str | None = None
        self.priority = 1
        self.log: list[str] = []

    @wf_signal("open")
    async def open_gate(self, who: str) -> None:
        self.open = True
        self.opened_by = who

    @wf_query("state")
    def state(self) -> dict[str, object]:
        return {"open": self.open, "priority": self.priority}

    @wf_update("set_priority")
    async def set_priority(self, priority: int) -> int:
        if priority > 5:
            raise ApplicationError("priority must be 1..5", type="BadPriority")
        old, self.priority = self.priority, priority
        return old

    @wf_update("wait_open")
    async def wait_open(self) -> str:
        await self.wait_until(lambda: self.open)
        return f"opened by {self.opened_by}"

    async def wait(self, timeout: float | None = None) -> str:
        try:
            await self.wait_until(lambda: self.open, timeout=timeout)
        except TimeoutError:
            return "timed out"
        return f"opened by {self.opened_by}"

    async def wait_forever(self) -> str:
        await self.wait_until(lambda: self.open)
        return "open"

    async def wait_then_sleep(self) -> str:
        await self.wait_until(lambda: self.open)
        await self.sleep(7200)
        return "slept"


class KitLocal(Workflow):
    async def local_pay(self, amount: int) -> str:
        return await self.exec_local(charge, amount, timeout=5)


class KitFragile(Workflow):
    def __init__(self) -> None:
        self.done = False

    @wf_signal("explode")
    def explode(self, why: str) -> None:
        raise ApplicationError(f"exploded: {why}", type="Exploded", non_retryable=True)

    @wf_signal("finish")
    async def finish(self) -> None:
        await self.sleep(10)
        self.done = True

    async def run(self) -> str:
        await self.wait_until(lambda: self.done)
        return "finished"
