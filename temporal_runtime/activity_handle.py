"""Activities seen from outside: completing one asynchronously, and what describe says of them.

An activity that calls `raise_complete_async()` stays running after its function returns,
until a client completes it: ``engine.activity_handle(task_token=...)`` (the token is
``activity_info().task_token``) or ``engine.activity_handle(workflow_id=..., activity_id=...)``
gives an `AsyncActivityHandle` to complete, fail or heartbeat it. `PendingActivity` is one
running activity of a workflow, as ``engine.get_status(...).pending_activities`` lists it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from temporal_runtime._internal._failures import translate_activity
from temporal_runtime._internal._handles import RawAsyncActivityHandle

__all__ = ["AsyncActivityHandle", "PendingActivity"]


class PendingActivity(BaseModel):
    """An activity a workflow has scheduled and not yet seen finish.

    `state` is Temporal's pending-activity state: ``"SCHEDULED"`` (waiting for a worker, or
    for its next retry), ``"STARTED"`` or ``"CANCEL_REQUESTED"``. `attempt` counts from 1;
    after a failure it is the attempt that comes next, and `last_failure_type` /
    `last_failure_message` say why the previous one failed.

    Example:
        >>> PendingActivity(activity_id="1", activity_type="charge", state="STARTED", attempt=2).attempt
        2
    """

    model_config: ClassVar[ConfigDict] = ConfigDict(frozen=True)

    activity_id: str
    activity_type: str
    state: str
    attempt: int
    maximum_attempts: int = 0
    scheduled_time: datetime | None = None
    last_started_time: datetime | None = None
    last_heartbeat_time: datetime | None = None
    heartbeat_details: list[Any] = []
    last_failure_type: str | None = None
    last_failure_message: str | None = None


class AsyncActivityHandle:
    """A running activity that a client completes, fails or heartbeats (asynchronous completion).

    Get one with `TemporalEngine.activity_handle` (or `InMemoryEngine.activity_handle`). A
    call on an activity that is no longer running raises `ActivityNotFoundError`.

    Example:
        >>> async def approve(engine, token: bytes):  # doctest: +SKIP
        ...     await engine.activity_handle(task_token=token).complete("approved")
    """

    __slots__ = ("_handle", "_target")

    def __init__(self, handle: RawAsyncActivityHandle, target: str) -> None:
        self._handle = handle
        self._target = target

    async def _call(self, action: str, call: Any) -> None:
        try:
            await call
        except Exception as err:
            raise translate_activity(err, target=self._target, action=action) from err

    async def complete(self, result: Any = None) -> None:
        """Complete the activity with `result` (validated by the workflow against its Result).

        Example:
            >>> async def demo(handle):  # doctest: +SKIP
            ...     await handle.complete(Receipt(order_id="o-1", charged=5))
        """
        await self._call("complete", self._handle.complete(result))

    async def fail(self, error: Exception, *, last_heartbeat_details: Sequence[Any] = ()) -> None:
        """Fail this attempt with `error`; the activity's retry policy decides what follows.

        Example:
            >>> async def demo(handle):  # doctest: +SKIP
            ...     await handle.fail(ApplicationError("refused", type="Refused", non_retryable=True))
        """
        await self._call("fail", self._handle.fail(error, last_heartbeat_details=last_heartbeat_details))

    async def heartbeat(self, *details: Any) -> None:
        """Record a heartbeat (with `details`) for the activity, keeping its heartbeat timeout at bay.

        Example:
            >>> async def demo(handle):  # doctest: +SKIP
            ...     await handle.heartbeat("page 3")
        """
        await self._call("heartbeat", self._handle.heartbeat(*details))

    async def report_cancellation(self, *details: Any) -> None:
        """Report that the activity stopped because its cancellation was requested.

        Example:
            >>> async def demo(handle):  # doctest: +SKIP
            ...     await handle.report_cancellation()
        """
        await self._call("report cancellation of", self._handle.report_cancellation(*details))

    def __repr__(self) -> str:
        return f"<AsyncActivityHandle {self._target}>"
