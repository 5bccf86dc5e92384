"""Structured helpers over the workflow's asyncio loop: shield, gather and sagas.

They use only asyncio, which Temporal's workflow event loop runs deterministically, plus
`Workflow.exec` for compensations, so they behave the same on any executor.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import timedelta
from types import TracebackType
from typing import Any, TypeVar

import temporalio.common

T = TypeVar("T")
NO_ARGS: Any = object()


async def shield(awaitable: Awaitable[T]) -> T:
    """Run `awaitable` to its end even if the workflow is cancelled meanwhile.

    Unlike a bare `asyncio.shield`, the caller keeps waiting for the inner work; a
    cancellation that arrived meanwhile is raised afterwards, so nothing is left running
    when the workflow closes.
    """
    task = asyncio.ensure_future(awaitable)
    cancelled = False
    while True:
        try:
            result = await asyncio.shield(task)
            break
        except asyncio.CancelledError:
            if task.done():
                raise
            cancelled = True
    if cancelled:
        raise asyncio.CancelledError
    return result


async def gather(awaitables: tuple[Awaitable[Any], ...], return_exceptions: bool) -> list[Any]:
    """Results in argument order; on the first failure cancel the rest, let them settle, raise it."""
    tasks = [asyncio.ensure_future(a) for a in awaitables]
    if return_exceptions:
        return list(await asyncio.gather(*tasks, return_exceptions=True))
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            if not task.done():
                task.cancel()
        # Wait for the siblings so no activity or child is abandoned half-cancelled.
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


@dataclass(frozen=True, slots=True)
class Compensation:
    """One registered undo step: an activity, its argument and its own options."""

    activity: Any
    args: Any
    timeout: float | timedelta | None
    retry_policy: temporalio.common.RetryPolicy | None
    heartbeat_timeout: float | timedelta | None
    task_queue: str | None


class _SagaBase:
    """Compensations for a multi-step transaction, run in reverse order if it fails.

    Made by `Workflow.saga()`; use it as ``async with self.saga() as saga:``. After each
    step succeeds, register its undo with `compensate_with`. If the block raises (a
    failure or a cancellation), the registered compensations run as activities, newest
    first, shielded from cancellation, each with its own timeout and retry policy; then
    the original error is re-raised (or, with ``reraise=False``, swallowed and kept in
    `error`). A compensation that still fails after its retries is logged, kept in
    `compensation_errors`, and the remaining ones still run.

    Example:
        >>> async def book(self, trip):  # doctest: +SKIP
        ...     async with self.saga() as saga:
        ...         hotel = await self.exec(reserve_hotel, trip.hotel)
        ...         saga.compensate_with(cancel_hotel, hotel)
        ...         await self.exec(charge, trip.payment)
    """

    reraise: bool = True

    def __init__(self, workflow: Any) -> None:
        self._workflow = workflow
        self._steps: list[Compensation] = []
        self.error: BaseException | None = None
        self.compensated: bool = False
        self.compensation_errors: list[BaseException] = []

    def compensate_with(
        self,
        activity: Any,
        args: Any = NO_ARGS,
        /,
        *,
        timeout: float | timedelta | None = None,
        retry_policy: temporalio.common.RetryPolicy | None = None,
        heartbeat_timeout: float | timedelta | None = None,
        task_queue: str | None = None,
    ) -> None:
        """Register `activity(args)` as the undo of the step that just succeeded."""
        self._steps.append(Compensation(activity, args, timeout, retry_policy, heartbeat_timeout, task_queue))

    @property
    def pending(self) -> int:
        """How many compensations are registered and not yet run."""
        return len(self._steps)

    async def compensate(self) -> None:
        """Run the registered compensations now, newest first, and forget them."""
        steps, self._steps = self._steps, []
        self.compensated = True
        cancelled = False
        for step in reversed(steps):
            call = (step.activity,) if step.args is NO_ARGS else (step.activity, step.args)
            try:
                await shield(
                    self._workflow.exec(
                        *call,
                        timeout=step.timeout,
                        retry_policy=step.retry_policy,
                        heartbeat_timeout=step.heartbeat_timeout,
                        task_queue=step.task_queue,
                    )
                )
            except asyncio.CancelledError:
                # The step itself finished (shielded); keep undoing, then report the cancel.
                cancelled = True
            except Exception as err:
                self.compensation_errors.append(err)
                self._workflow.logger.error("saga compensation %r failed: %s", step.activity, err)
        if cancelled:
            raise asyncio.CancelledError

    async def _exit(self, exc: BaseException | None) -> bool:
        if exc is None:
            return False
        self.error = exc
        await self.compensate()
        return not self.reraise and not isinstance(exc, asyncio.CancelledError)


class Saga(_SagaBase):
    """Compensations run newest first when the block fails or is cancelled; the error is re-raised.

    Example:
        >>> async def book(self, trip):  # doctest: +SKIP
        ...     async with self.saga() as saga:
        ...         hotel = await self.exec(reserve_hotel, trip.hotel)
        ...         saga.compensate_with(cancel_hotel, hotel)
    """

    async def __aenter__(self) -> Saga:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._exit(exc)


class QuietSaga(_SagaBase):
    """A `Saga` that compensates, then swallows the error (kept in `error`): ``saga(reraise=False)``.

    A cancellation is still re-raised, so a cancelled workflow still ends as cancelled.

    Example:
        >>> async def book(self, trip):  # doctest: +SKIP
        ...     async with self.saga(reraise=False) as saga:
        ...         await self.exec(reserve_hotel, trip.hotel)
        ...     if saga.error is not None:
        ...         return "rolled back"
    """

    reraise = False

    async def __aenter__(self) -> QuietSaga:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool:
        return await self._exit(exc)
