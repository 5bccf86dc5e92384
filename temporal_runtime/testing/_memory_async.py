"""Activities completed from outside in `InMemoryEngine`, and the pending activities describe lists.

An activity that calls `raise_complete_async()` leaves its attempt open: the attempt waits
(on virtual time, bounded by its start-to-close timeout) until a test completes, fails or
heartbeats it through ``engine.activity_handle(...)``, by task token or by workflow id and
activity id, as on a server. A call for an activity that is not waiting answers with the
server's NOT_FOUND error, which `AsyncActivityHandle` translates.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import temporalio.activity
import temporalio.exceptions
import temporalio.service

from temporal_runtime._internal._codec import TemporalCodec
from temporal_runtime._internal._failures import failure_label
from temporal_runtime.activity_handle import PendingActivity
from temporal_runtime.testing._clock import VirtualClock
from temporal_runtime.testing._memory_state import Execution, PendingState, as_failure, json_round_trip

# What `temporalio.activity.raise_complete_async()` raises; temporalio keeps the type private.
COMPLETE_ASYNC: type[BaseException] = temporalio.activity._CompleteAsyncError  # pyright: ignore[reportPrivateUsage]


@dataclass(eq=False)
class AsyncCompletion:
    """An attempt that waits to be completed from outside."""

    token: bytes
    execution: Execution
    pending: PendingState
    future: asyncio.Future[Any]


def task_token(execution: Execution, pending: PendingState) -> bytes:
    """A task token unique to one attempt of one activity, as a server's is."""
    return f"in-memory/{execution.run_id}/{pending.activity_id}/{pending.attempt}".encode()


def record_heartbeat(
    pending: PendingState, now: Any, details: Sequence[Any], codec: TemporalCodec | None
) -> None:
    """Keep what a heartbeat said, as the server does for describe."""
    pending.heartbeat_details = list(json_round_trip(list(details), "heartbeat details", codec))
    pending.last_heartbeat_time = now


class AsyncCompletions:
    """The waiting attempts of one engine (a base class of the scheduler's activity runner)."""

    clock: VirtualClock
    codec: TemporalCodec | None
    completions: dict[bytes, AsyncCompletion]
    _progress: int

    async def completed_later(
        self, execution: Execution, pending: PendingState, token: bytes, limit: timedelta | None
    ) -> Any:
        """Wait until the attempt is completed from outside; its JSON result (or its failure)."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.completions[token] = AsyncCompletion(token, execution, pending, future)
        timer = self.clock.timer(limit, f"{execution.label} activity timeout") if limit else None
        what = f"activity '{pending.activity_type}' to be completed from outside (engine.activity_handle)"
        try:
            with execution.waiting(what):
                waits: set[asyncio.Future[Any]] = {future} if timer is None else {future, timer}
                await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self.completions.pop(token, None)
            if timer is not None:
                timer.cancel()
        if not future.done():
            future.cancel()
            raise temporalio.exceptions.TimeoutError(
                f"activity StartToClose timeout ({limit})",
                type=temporalio.exceptions.TimeoutType.START_TO_CLOSE,
                last_heartbeat_details=pending.heartbeat_details,
            )
        return future.result()

    def async_activity(
        self,
        task_token: bytes | None,
        workflow_id: str | None,
        run_id: str | None,
        activity_id: str | None,
    ) -> InMemoryAsyncActivityHandle:
        """The handle for one waiting attempt (looked up on every call, as a server does)."""
        return InMemoryAsyncActivityHandle(self, task_token, workflow_id, run_id, activity_id)

    def waiting_attempt(
        self, task_token: bytes | None, workflow_id: str | None, run_id: str | None, activity_id: str | None
    ) -> AsyncCompletion:
        if task_token is not None:
            found = self.completions.get(task_token)
        else:
            found = next(
                (
                    c
                    for c in self.completions.values()
                    if c.execution.workflow_id == workflow_id
                    and c.pending.activity_id == activity_id
                    and run_id in (None, c.execution.run_id)
                ),
                None,
            )
        if found is None or found.future.done():
            raise temporalio.service.RPCError(
                "activity not found or already completed", temporalio.service.RPCStatusCode.NOT_FOUND, b""
            )
        self._progress += 1
        return found


class InMemoryAsyncActivityHandle:
    """The slice of temporalio's `AsyncActivityHandle` that ours uses, in memory."""

    def __init__(
        self,
        completions: AsyncCompletions,
        task_token: bytes | None,
        workflow_id: str | None,
        run_id: str | None,
        activity_id: str | None,
    ) -> None:
        self._completions = completions
        self._key = (task_token, workflow_id, run_id, activity_id)

    def _attempt(self) -> AsyncCompletion:
        return self._completions.waiting_attempt(*self._key)

    async def heartbeat(self, *details: Any) -> None:
        completions = self._completions
        record_heartbeat(self._attempt().pending, completions.clock.now, details, completions.codec)

    async def complete(self, result: Any = None) -> None:
        what = "the result of an activity completed from outside"
        self._attempt().future.set_result(json_round_trip(result, what, self._completions.codec))
        await asyncio.sleep(0)

    async def fail(self, error: Exception, *, last_heartbeat_details: Sequence[Any] = ()) -> None:
        attempt = self._attempt()
        if last_heartbeat_details:
            completions = self._completions
            record_heartbeat(
                attempt.pending, completions.clock.now, last_heartbeat_details, completions.codec
            )
        attempt.future.set_exception(as_failure(error))
        await asyncio.sleep(0)

    async def report_cancellation(self, *details: Any) -> None:
        # Here a cancellation request ends a waiting attempt at once, so an attempt that still
        # waits was never asked to cancel: the server's answer for that.
        self._attempt()
        raise temporalio.service.RPCError(
            "unable to mark activity as canceled without activity being request canceled first",
            temporalio.service.RPCStatusCode.FAILED_PRECONDITION,
            b"",
        )


def pending_activities(execution: Execution) -> list[PendingActivity]:
    """What describe lists for a run's activities that have not finished (as they were at its close)."""
    found: list[PendingActivity] = []
    for p in execution.pending.values():
        failure = failure_label(p.last_failure) if p.last_failure is not None else (None, None)
        found.append(
            PendingActivity(
                activity_id=p.activity_id,
                activity_type=p.activity_type,
                state=p.state,
                attempt=p.attempt,
                maximum_attempts=p.maximum_attempts,
                scheduled_time=p.scheduled_time,
                last_started_time=p.last_started_time,
                last_heartbeat_time=p.last_heartbeat_time,
                heartbeat_details=p.heartbeat_details,
                last_failure_type=failure[0],
                last_failure_message=failure[1],
            )
        )
    return found
