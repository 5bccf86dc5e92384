"""Workflows and activities the engine tests run on the real server.

They live at module level because the worker's sandbox re-imports workflow modules by name.
Activity names carry a ``tests_`` prefix: names are unique per process.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import temporalio.common
from pydantic import BaseModel, Field

from temporal_runtime import (
    ApplicationError,
    RetryPolicy,
    Workflow,
    activity_def,
    activity_info,
    wf_query,
    wf_signal,
    wf_update,
)

FIXED_QUEUE = "tests-fixed-queue"


class Text(BaseModel):
    text: str


class Counted(BaseModel):
    count: int = Field(gt=0)


class Ticket(BaseModel):
    label: str
    count: int
    released_by: str | None = None


class HelperReport(BaseModel):
    now: datetime
    uuid: str
    dice: int
    workflow_id: str
    run_id: str
    workflow_type: str
    method: str
    attempt: int
    task_queue: str


@activity_def("tests_upper")
async def upper(args: Text) -> Text:
    return Text(text=args.text.upper())


@activity_def("tests_thread_name")
def thread_name() -> str:
    # A plain `def` activity runs in the engine's thread pool, not on the event loop.
    return threading.current_thread().name


@activity_def("tests_declined")
async def declined(args: Text) -> str:
    raise ValueError(f"card declined for {args.text}")


@activity_def("tests_counted", Args=Counted, Result=Text)
async def counted(args: Counted) -> Text:
    return Text(text="x" * args.count)


@activity_def("tests_wrong_result", Result=Text)
async def wrong_result() -> Text:
    return {"txt": "not a Text"}  # type: ignore[return-value]


@activity_def("tests_flaky")
async def flaky(args: Text) -> int:
    attempt = activity_info().attempt
    if attempt < 3:
        raise ApplicationError(f"attempt {attempt} of {args.text} fails", type="Flaky")
    return attempt


class EngineOpsWorkflow(Workflow):
    """Several entry methods, with a signal, sync and async queries and an update."""

    def __init__(self) -> None:
        self._ticket = Ticket(label="", count=0)
        self._released = False

    @wf_signal("release")
    async def release(self, by: str) -> None:
        self._ticket = self._ticket.model_copy(update={"released_by": by})
        self._released = True

    @wf_query("ticket")
    async def ticket(self) -> Ticket:
        return self._ticket

    @wf_query
    def count(self) -> int:
        return self._ticket.count

    @wf_query
    async def awaiting_query(self) -> int:
        await self.sleep(1)  # a query must not wait: this one is refused
        return 0

    @wf_update("set_count")
    async def set_count(self, count: int) -> int:
        old = self._ticket.count
        self._ticket = self._ticket.model_copy(update={"count": count})
        return old

    async def wait_for_release(self, label: str, count: int = 0) -> Ticket:
        # A signal may arrive before this line runs (both in the first workflow task).
        self._ticket = Ticket(label=label, count=count, released_by=self._ticket.released_by)
        await self.wait_until(lambda: self._released)
        return self._ticket

    async def double(self, x: int) -> int:
        return 2 * x

    async def nap(self, seconds: float) -> str:
        await self.sleep(seconds)
        return f"slept {seconds}"

    async def wait_with_timeout(self, seconds: float) -> str:
        try:
            await self.wait_until(lambda: self._released, timeout=seconds)
        except TimeoutError:
            return "timed out"
        return "released"

    async def forever(self) -> str:
        await self.wait_until(lambda: False)
        return "never"

    async def helpers(self) -> HelperReport:
        self.logger.info("helpers running")
        info = self.info
        return HelperReport(
            now=self.now(),
            uuid=str(self.uuid4()),
            dice=self.random().randint(1, 6),
            workflow_id=info.workflow_id,
            run_id=info.run_id,
            workflow_type=info.workflow_type,
            method=info.method,
            attempt=info.attempt,
            task_queue=info.task_queue,
        )


class ActivityRunner(Workflow, name="tests-activity-runner"):
    """Activities every way `exec` can run them (the class option `name=` sets the type)."""

    async def shout(self, text: str) -> Text:
        return await self.exec(upper, Text(text=text), timeout=30)

    async def shout_local(self, text: str) -> Text:
        return await self.exec_local(upper, Text(text=text), timeout=30)

    async def thread(self) -> str:
        return await self.exec(thread_name, timeout=30)

    async def decline(self, who: str) -> str:
        return await self.exec(
            declined, Text(text=who), timeout=30, retry_policy=RetryPolicy(maximum_attempts=1)
        )

    async def count_by_name(self, payload: dict[str, object]) -> Text:
        # By name with a plain dict, so the worker (not the caller) validates the input.
        result: Text = await self.exec("tests_counted", payload, timeout=30)
        return result

    async def wrong_result(self) -> Text:
        return await self.exec(wrong_result, timeout=30)

    async def flaky_with_temporal_policy(self, text: str) -> int:
        policy = temporalio.common.RetryPolicy(
            initial_interval=timedelta(milliseconds=10), maximum_attempts=5
        )
        return await self.exec(flaky, Text(text=text), timeout=30, retry_policy=policy)


class FixedQueueWorkflow(Workflow, task_queue=FIXED_QUEUE):
    """Its class option `task_queue=` gives it a queue of its own, served by the engine."""

    async def where(self) -> str:
        return self.info.task_queue
