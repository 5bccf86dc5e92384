"""The event loop a replay runs workflow code on: private, stepped by hand, on its own time.

Like the loop of a Temporal worker's workflow instance, it runs callbacks only when told to
(`run_until_idle`), in the order they were scheduled, so a replay is deterministic and never
mixes with the caller's loop, inside whose callback it runs. Timers made with
``loop.call_later`` (``asyncio.timeout`` and the like) fire only when the replay asks
(`fire_timer`), on the loop's own clock.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import contextvars
import heapq
import itertools
from collections.abc import Awaitable, Callable, Generator
from typing import Any, TypeVar

from typing_extensions import TypeVarTuple, Unpack

_T = TypeVar("_T")
_Ts = TypeVarTuple("_Ts")
# Callbacks one `run_until_idle` may run before the replay counts as running away.
MAX_STEPS = 1_000_000


class RunawayError(Exception):
    """The replayed code kept scheduling work without ever waiting."""


class ReplayLoop(asyncio.AbstractEventLoop):
    """A minimal event loop: ready callbacks, timers, tasks and futures; no I/O."""

    def __init__(self) -> None:
        self._ready: collections.deque[asyncio.Handle] = collections.deque()
        self._timers: list[tuple[float, int, asyncio.TimerHandle]] = []
        self._order = itertools.count()
        self._time = 0.0
        self.tasks: list[asyncio.Task[Any]] = []

    # -- what asyncio's futures, tasks and helpers call ----------------------------------

    def call_soon(
        self,
        callback: Callable[[Unpack[_Ts]], object],
        *args: *_Ts,
        context: contextvars.Context | None = None,
    ) -> asyncio.Handle:
        handle = asyncio.Handle(callback, args, self, context)
        self._ready.append(handle)
        return handle

    def call_soon_threadsafe(
        self,
        callback: Callable[[Unpack[_Ts]], object],
        *args: *_Ts,
        context: contextvars.Context | None = None,
    ) -> asyncio.Handle:
        return self.call_soon(callback, *args, context=context)

    def call_later(
        self,
        delay: float,
        callback: Callable[[Unpack[_Ts]], object],
        *args: *_Ts,
        context: contextvars.Context | None = None,
    ) -> asyncio.TimerHandle:
        return self.call_at(self._time + delay, callback, *args, context=context)

    def call_at(
        self,
        when: float,
        callback: Callable[[Unpack[_Ts]], object],
        *args: *_Ts,
        context: contextvars.Context | None = None,
    ) -> asyncio.TimerHandle:
        handle = asyncio.TimerHandle(when, callback, args, self, context)
        heapq.heappush(self._timers, (when, next(self._order), handle))
        return handle

    def _timer_handle_cancelled(self, handle: asyncio.TimerHandle) -> None:
        del handle  # cancelled timers are skipped when they come up

    def time(self) -> float:
        return self._time

    def create_future(self) -> asyncio.Future[Any]:
        return asyncio.Future(loop=self)

    def create_task(
        self,
        coro: Generator[Any, None, _T] | Awaitable[_T],
        *,
        name: str | None = None,
        context: contextvars.Context | None = None,
    ) -> asyncio.Task[_T]:
        task: asyncio.Task[_T] = asyncio.Task(coro, loop=self, name=name, context=context)  # type: ignore[arg-type]
        # A replay is abandoned mid-way on purpose: its pending tasks need no warning.
        task._log_destroy_pending = False  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue]
        self.tasks.append(task)
        return task

    def get_task_factory(self) -> None:
        return None

    def get_debug(self) -> bool:
        return False

    def is_running(self) -> bool:
        return True

    def is_closed(self) -> bool:
        return False

    def default_exception_handler(self, context: dict[str, Any]) -> None:
        del context  # a failure in replayed code surfaces through the task it happened in

    def call_exception_handler(self, context: dict[str, Any]) -> None:
        self.default_exception_handler(context)

    # -- stepping ------------------------------------------------------------------------

    @contextlib.contextmanager
    def running(self) -> Generator[None]:
        """Make this the running loop inside the block (the caller's loop is back after it)."""
        outer = asyncio.events._get_running_loop()  # pyright: ignore[reportPrivateUsage]
        asyncio.events._set_running_loop(self)  # pyright: ignore[reportPrivateUsage]
        try:
            yield
        finally:
            asyncio.events._set_running_loop(outer)  # pyright: ignore[reportPrivateUsage]

    def run_until_idle(self, settle: Callable[[], bool]) -> None:
        """Run ready callbacks until none is left and `settle()` (conditions) wakes nothing.

        Call it inside `running`.
        """
        steps = 0
        while True:
            while self._ready:
                steps += 1
                if steps > MAX_STEPS:
                    raise RunawayError(f"ran {MAX_STEPS} steps without waiting for anything")
                self._ready.popleft()._run()  # pyright: ignore[reportPrivateUsage]
            if not settle():
                return

    def fire_timer(self) -> bool:
        """Move the clock to the earliest pending timer and make it ready; False if none."""
        while self._timers:
            when, _, handle = heapq.heappop(self._timers)
            if handle.cancelled():
                continue
            self._time = max(self._time, when)
            self._ready.append(handle)
            return True
        return False
