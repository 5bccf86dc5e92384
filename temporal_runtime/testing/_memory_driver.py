"""How `InMemoryEngine` moves virtual time: conditions, and the driver that fires timers.

Workflows run as asyncio tasks on the caller's event loop. Everything they wait for is a
future made by the engine (a virtual timer, a condition, an activity attempt), so the engine
knows when nothing can move. Time only moves while a caller awaits a workflow's result or an
update (as on Temporal's time-skipping test server): then the driver lets every runnable task
run, waits for activities that run in real time, and when the loop is idle jumps the virtual
clock to the next timer. Idle with no timer left means the awaited workflow can never
finish; it is failed with a message naming what it waits for.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

import temporalio.exceptions

from temporal_runtime.client import ExecutionStatus
from temporal_runtime.testing._clock import VirtualClock
from temporal_runtime.testing._memory_state import Execution

BLOCKED = "WorkflowBlocked"
# Rounds of the event loop with no engine progress before the loop counts as idle, on loops
# that do not expose their ready queue (uvloop): every engine future bumps the progress count.
_QUIET_ROUNDS = 20


def wake(conditions: list[tuple[Callable[[], bool], asyncio.Future[None]]]) -> bool:
    """Resolve the futures whose predicate now holds (or raised); True if any woke."""
    woke = False
    for predicate, future in list(conditions):
        if future.done():
            continue
        try:
            ready = predicate()
        except Exception as err:
            future.set_exception(err)
            woke = True
            continue
        if ready:
            future.set_result(None)
            woke = True
    return woke


class Driver:
    """Conditions and the virtual-time driver (a base class of `Scheduler`)."""

    clock: VirtualClock
    deadlock_grace: float

    def __init__(self) -> None:
        self._conditional: set[Execution] = set()
        self._busy = 0
        self._activity_done: asyncio.Event | None = None
        # What callers await, with whether each has its own deadline (a patient waiter).
        self._waiters: dict[int, tuple[Execution, asyncio.Future[Any], bool]] = {}
        self._driver: asyncio.Task[None] | None = None
        self._progress = 0

    def terminate(self, execution: Execution, failure: BaseException, status: ExecutionStatus) -> None:
        raise NotImplementedError

    # -- conditions --------------------------------------------------------------------------

    def condition(self, execution: Execution, predicate: Callable[[], bool]) -> asyncio.Future[None]:
        """A future resolved once `predicate()` is true (re-checked whenever state may change)."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        execution.conditions.append((predicate, future))
        self._conditional.add(execution)
        future.add_done_callback(lambda f: self._drop_condition(execution, f))
        return future

    def _drop_condition(self, execution: Execution, future: asyncio.Future[None]) -> None:
        execution.conditions[:] = [c for c in execution.conditions if c[1] is not future]
        if not execution.conditions:
            self._conditional.discard(execution)

    def recheck(self, execution: Execution | None = None) -> bool:
        """Re-evaluate wait_until predicates (of one execution, or all); True if one woke."""
        woke = False
        # Only executions inside wait_until have predicates to check.
        targets = [execution] if execution is not None else list(self._conditional)
        for ex in targets:
            woke = wake(ex.conditions) or woke
        if woke:
            self._progress += 1
        return woke

    # -- the driver ------------------------------------------------------------------------------

    async def wait_for(
        self, execution: Execution, future: asyncio.Future[Any], *, patient: bool = False
    ) -> None:
        """Await `future` while driving virtual time for everything this engine runs.

        A `patient` caller has a deadline of its own, so a run it waits for is never failed as
        blocked on its account.
        """
        if future.done():
            return
        key = id(future)
        self._waiters[key] = (execution, future, patient)
        try:
            while not future.done():
                driver = self._driver
                if driver is None or driver.done():
                    driver = self._driver = asyncio.get_running_loop().create_task(
                        self._drive(), name="in-memory driver"
                    )
                await asyncio.wait((future, driver), return_when=asyncio.FIRST_COMPLETED)
                if not future.done() and driver.done() and not driver.cancelled() and driver.exception():
                    # A bug in the driver must surface, not leave the caller waiting forever.
                    raise RuntimeError("InMemoryEngine's scheduler failed") from driver.exception()
        finally:
            self._waiters.pop(key, None)

    async def _idle(self) -> bool:
        """True when nothing else on this loop can run now."""
        ready = getattr(asyncio.get_running_loop(), "_ready", None)
        if ready is not None:  # CPython's own loops expose their ready queue
            return len(ready) == 0
        seen = self._progress
        for _ in range(_QUIET_ROUNDS):
            await asyncio.sleep(0)
        return self._progress == seen

    async def _drive(self) -> None:
        if self._activity_done is None:
            self._activity_done = asyncio.Event()
        idle_rounds = 0
        while self._waiters:
            await asyncio.sleep(0)
            seen = self._progress
            if self.recheck() or not await self._idle():
                idle_rounds = 0
                continue
            if self._busy:
                idle_rounds = 0
                self._activity_done.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._activity_done.wait(), 0.05)
                continue
            idle_rounds += 1
            if idle_rounds < 3:
                continue
            idle_rounds = 0
            if self.clock.fire_next():
                self._progress += 1
                continue
            # Nothing runs and no timer is left: give the test's own tasks a moment, then
            # fail what is awaited, since nothing in the engine can ever wake it.
            await asyncio.sleep(self.deadlock_grace)
            if self._progress != seen or self._busy or self.clock.next_deadline() is not None:
                continue
            if self.recheck():
                continue
            self._fail_blocked()

    def _fail_blocked(self) -> None:
        for execution, future, patient in list(self._waiters.values()):
            if patient or future.done() or not execution.running:
                continue
            waits = sorted(set(execution.waits.values())) or ["something outside the workflow helpers"]
            nested = "".join(f"; {c}" for c in child_waits(execution))
            message = (
                f"{execution.label} can never make progress: it waits for {', '.join(waits)}{nested}, "
                "and nothing in the engine can deliver it (no activity is running, no timer is "
                "pending, and the caller is awaiting the result). Send the signal/update it needs "
                "before awaiting the result, or give wait_until a timeout"
            )
            self.terminate(
                execution,
                temporalio.exceptions.ApplicationError(message, type=BLOCKED, non_retryable=True),
                ExecutionStatus.FAILED,
            )


def child_waits(parent: Execution) -> list[str]:
    """What the running children of `parent` (and theirs) wait for, for blocked errors."""
    found: list[str] = []
    for child, _ in parent.children:
        run = child.latest
        if run.running and run.waits:
            found.append(f"its child {run.label} waits for {', '.join(sorted(set(run.waits.values())))}")
            found += child_waits(run)
    return found
