"""Virtual time for `InMemoryEngine`: a clock and a heap of timers that fire when it jumps.

Nothing here waits on the wall clock. A timer is a future plus a virtual deadline; the
engine's driver moves `now` to the earliest deadline when nothing else can run, and resolves
every timer due by then, in deadline order.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(order=True)
class _Timer:
    deadline: datetime
    seq: int
    future: asyncio.Future[None] = field(compare=False)
    what: str = field(compare=False)


class VirtualClock:
    """The current virtual time and the timers waiting on it."""

    def __init__(self, start: datetime) -> None:
        self.now = start
        self._heap: list[_Timer] = []
        self._seq = itertools.count()

    def timer(self, delay: timedelta, what: str) -> asyncio.Future[None]:
        """A future resolved once virtual time reaches now + `delay` (at once if <= 0)."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if delay <= timedelta(0):
            future.set_result(None)
            return future
        heapq.heappush(self._heap, _Timer(self.now + delay, next(self._seq), future, what))
        return future

    def _prune(self) -> None:
        while self._heap and self._heap[0].future.done():
            heapq.heappop(self._heap)

    def next_deadline(self) -> datetime | None:
        """The earliest pending timer's deadline, or None when no timer waits."""
        self._prune()
        return self._heap[0].deadline if self._heap else None

    def pending(self) -> list[str]:
        """What the pending timers are for, for error messages."""
        self._prune()
        return [t.what for t in sorted(self._heap) if not t.future.done()]

    def advance_to(self, when: datetime) -> int:
        """Move time to `when` (never backwards) and fire every timer due by then."""
        fired = 0
        self._prune()
        while self._heap and self._heap[0].deadline <= when:
            timer = heapq.heappop(self._heap)
            if not timer.future.done():
                self.now = max(self.now, timer.deadline)
                timer.future.set_result(None)
                fired += 1
        self.now = max(self.now, when)
        return fired

    def fire_next(self) -> int:
        """Jump to the earliest deadline and fire the timers due then; 0 if none pending."""
        deadline = self.next_deadline()
        return 0 if deadline is None else self.advance_to(deadline)
