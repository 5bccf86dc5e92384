"""Sagas: compensations for a multi-step transaction, run newest first when it fails.

Made by `Workflow.saga()`; use it as ``async with self.saga() as saga:``. After each step
succeeds, register its undo with `Saga.compensate_with`. If the block raises (a failure or a
cancellation), the registered compensations run as activities, newest first, shielded from
cancellation, each with its own options; then the original error is re-raised (or, with
``self.saga(reraise=False)``, swallowed and kept in `error`). A compensation that still
fails after its retries is logged, kept in `compensation_errors`, and the remaining ones
still run.

Example:
    >>> async def book(self, trip):  # doctest: +SKIP
    ...     async with self.saga() as saga:
    ...         hotel = await self.exec(reserve_hotel, trip.hotel)
    ...         saga.compensate_with(cancel_hotel, hotel, timeout=30)
    ...         await self.exec(charge, trip.payment)
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol

from typing_extensions import Unpack

from temporal_runtime._internal._flow import shield
from temporal_runtime.options import ActivityOptions, ActivityOptionsKwargs

__all__ = ["QuietSaga", "Saga"]

NO_ARGS: Any = object()


class _Runs(Protocol):
    """What a saga needs from its workflow: `exec` (so a test that patches it sees the undos)."""

    def exec(self, activity: Any, /, *args: Any, **options: Any) -> Awaitable[Any]:
        """`Workflow.exec`."""
        ...

    @property
    def logger(self) -> logging.LoggerAdapter[logging.Logger] | logging.Logger: ...


@dataclass(frozen=True, slots=True)
class _Compensation:
    activity: Any
    args: tuple[Any, ...]
    options: ActivityOptionsKwargs


class _SagaBase:
    """What `Saga` and `QuietSaga` share; see the module's docstring."""

    reraise: bool = True

    def __init__(self, workflow: _Runs) -> None:
        self._workflow = workflow
        self._steps: list[_Compensation] = []
        self.error: BaseException | None = None
        self.compensated: bool = False
        self.compensation_errors: list[BaseException] = []

    def compensate_with(
        self, activity: Any, args: Any = NO_ARGS, /, **options: Unpack[ActivityOptionsKwargs]
    ) -> None:
        """Register `activity(args)` as the undo of the step that just succeeded.

        The options are those of ``self.exec`` (`ActivityOptionsKwargs`).
        """
        ActivityOptions().merge(**options)  # a wrong option fails here, not when undoing
        self._steps.append(_Compensation(activity, () if args is NO_ARGS else (args,), options))

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
            try:
                await shield(self._workflow.exec(step.activity, *step.args, **step.options))
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
