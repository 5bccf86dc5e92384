"""Replay in memory: run a closed `InMemoryEngine` run again from its start, and compare.

A Temporal worker that restarts (or evicts a workflow from its cache) rebuilds the workflow by
running its code again from the start against its history, and every command the code issues
must be the one the history holds. When a run of `InMemoryEngine` closes, `replay_closed` does
the same against the run's `Recording`: a fresh instance runs on a private `ReplayLoop`, gets
the recorded results, signals, updates and cancellation in their order and at their virtual
times, and each command it issues and its outcome are compared with the first run's. Within
the stretch between two deliveries the order of commands may differ (concurrent branches
interleave freely); what a command is, and whether it was issued by the time its result came,
may not. The first difference is kept as the execution's `ReplayError`, raised to whoever waits
for the result, else by ``engine.stop()``.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import functools
import inspect
from collections.abc import Callable, Sequence
from typing import Any, cast

import temporalio.exceptions

from temporal_runtime._internal import _dispatch, _envelope
from temporal_runtime._internal._runtime import RUNTIME_ATTR, WorkflowRuntime
from temporal_runtime.testing import _memory_record as rec
from temporal_runtime.testing._memory_driver import wake
from temporal_runtime.testing._memory_replay_loop import ReplayLoop, RunawayError
from temporal_runtime.testing._memory_replay_runtime import QUIET, ReplayRuntime
from temporal_runtime.testing._memory_state import (
    Command,
    ContinuedAsNew,
    Delivery,
    Execution,
    Recording,
    describe,
    json_round_trip,
    shown,
)
from temporal_runtime.testing._replay import ReplayError


class _Diverged(BaseException):
    """Unwinds the replayed code at the first difference (a BaseException: not swallowed)."""


class _Replay:
    """One replay of one run: the private loop, the matching of commands, the deliveries."""

    def __init__(self, execution: Execution, recording: Recording, *, batched: bool) -> None:
        self.execution = execution
        # Run after each delivery, or after each stretch of deliveries with no command between.
        self._batched = batched
        self.loop = ReplayLoop()  # type: ignore[abstract]  # it runs no I/O: those methods stay unimplemented
        self.now = execution.execution_time or execution.start_time
        self.error: ReplayError | None = None
        self.closing = False
        self._entries = recording.entries
        self._open = [e for e in self._entries if isinstance(e, Command)]
        self._position = {e.seq: i for i, e in enumerate(self._entries) if isinstance(e, Command)}
        self._keys = {e.seq: e.key for e in self._open}
        self._futures: dict[int, asyncio.Future[Any]] = {}
        self._children: dict[str, asyncio.Future[Any]] = {}
        self._conditions: list[tuple[Callable[[], bool], asyncio.Future[None]]] = []
        # What the replay waits for: a command's key, or a wait_until (described when shown).
        self._waiting: dict[int, rec.Key | str] = {}
        self._recent: list[rec.Key] = []
        self._issued = 0
        self._instance: Any = None
        self._main: asyncio.Task[Any] | None = None
        self._signal_tasks: list[asyncio.Task[Any]] = []
        self._update_tasks: list[asyncio.Task[Any]] = []
        self._failure: BaseException | None = None
        self._history_reads = iter(recording.history_reads)

    # -- what the replayed code asks for -------------------------------------------------

    def issue(self, key: tuple[Any, ...]) -> tuple[asyncio.Future[Any], int]:
        """Match a command of the replay with the first run's; its future gets the recorded result."""
        if self.closing or self.error is not None:
            raise asyncio.CancelledError("the replay has ended")
        if self._main is not None and self._main.done():
            # As in the first run: once the entry method returned the run was closed, and a
            # handler still running could ask for nothing more.
            raise asyncio.CancelledError("the run has closed")
        self._issued += 1
        self._recent.append(key)
        for i, command in enumerate(self._open):
            if command.key == key:
                del self._open[i]
                future = self._wait(self.loop.create_future(), key)
                self._futures[command.seq] = future
                return future, command.seq
        expected = f"issued {rec.describe(self._open[0].key)}" if self._open else "issued nothing more"
        self.diverge(f"at command {self._issued}", first=expected, replay=f"issued {rec.describe(key)}")
        raise _Diverged

    async def awaited(self, key: tuple[Any, ...]) -> Any:
        future, _ = self.issue(key)
        return await future

    def history_read(self) -> tuple[int, bool] | None:
        """What the first run's read of `info` at this point saw of its history, if it read it."""
        return next(self._history_reads, None)

    def condition(self, predicate: Callable[[], bool], what: str) -> asyncio.Future[None]:
        future: asyncio.Future[None] = self._wait(self.loop.create_future(), what)
        self._conditions.append((predicate, future))
        return future

    def child_result(self, child_id: str) -> asyncio.Future[Any]:
        found = self._children.get(child_id)
        if found is None:
            found = self._children[child_id] = self.loop.create_future()
        return found

    def _wait(self, future: asyncio.Future[Any], what: rec.Key | str) -> asyncio.Future[Any]:
        self._waiting[id(future)] = what
        future.add_done_callback(lambda f: self._waiting.pop(id(f), None))
        return future

    def _settle(self) -> bool:
        """Check the wait_until conditions, as a worker does after each activation; True if one woke."""
        woke = wake(self._conditions)
        self._conditions = [c for c in self._conditions if not c[1].done()]
        return woke

    # -- running ---------------------------------------------------------------------------

    def run(self) -> ReplayError | None:
        with self.loop.running():
            self._run()
        return self.error

    def _run(self) -> None:
        try:
            self._step(self._create)
            for position, entry in enumerate(self._entries):
                if self.error is not None:
                    break
                if isinstance(entry, Command):
                    continue
                if not self._batched or position == 0 or isinstance(self._entries[position - 1], Command):
                    self._require_issued(position)
                    self._recent = []
                if self.error is not None:
                    break
                self.loop.call_soon(functools.partial(self._deliver, entry))
                following = self._entries[position + 1] if position + 1 < len(self._entries) else None
                if not self._batched or not isinstance(following, Delivery):
                    self.loop.run_until_idle(self._settle)
            if self.error is None:
                self._finish()
        except RunawayError as err:
            self.diverge("while it ran", first="waited for its helpers", replay=f"{err}")
        finally:
            self._teardown()

    def _step(self, action: Callable[[], None]) -> None:
        self.loop.call_soon(action)
        self.loop.run_until_idle(self._settle)

    def _create(self) -> None:
        execution = self.execution
        first: WorkflowRuntime = getattr(execution.instance, RUNTIME_ATTR)
        try:
            _, kwargs = _envelope.decode(execution.definition, (execution.envelope,))
            runtime = ReplayRuntime(self, first)
            self._instance = _dispatch.new_instance(execution.definition, runtime, kwargs)
        except Exception as err:
            self._failure = err

    def _deliver(self, entry: Delivery) -> None:
        self.now = entry.at
        if entry.kind in ("result", "child"):
            self._resolve(entry)
        elif self._instance is None:
            return
        elif entry.kind == "start":
            method, kwargs = _envelope.decode(self.execution.definition, (self.execution.envelope,))
            run = _dispatch.run_entry(self._instance, self.execution.definition, method, kwargs)
            self._main = self.loop.create_task(run)
        elif entry.kind == "signal":
            handler = self.execution.definition.signals.get(entry.name)
            if handler is None:
                return
            try:
                result = _dispatch.signal(self._instance, handler, copy.deepcopy(entry.args), QUIET)
            except Exception as err:
                self._failure = err
                return
            if inspect.isawaitable(result):
                self._signal_tasks.append(self.loop.create_task(cast(Any, result)))
        elif entry.kind == "update":
            handler = self.execution.definition.updates[entry.name]
            call_args = handler.validate_args(tuple(copy.deepcopy(entry.args)))
            update = _dispatch.update(self._instance, handler, call_args)
            self._update_tasks.append(self.loop.create_task(update))
        elif self._main is not None:  # "cancel"
            self._main.cancel()

    def handlers_finished(self) -> bool:
        """Whether every replayed signal and update handler has finished."""
        return all(task.done() for task in (*self._signal_tasks, *self._update_tasks))

    def _resolve(self, entry: Delivery) -> None:
        if entry.kind == "child":
            future = self.child_result(entry.name)
        else:
            found = self._futures.get(entry.seq)
            if found is None:
                return
            future = found
        cancelled = isinstance(entry.error, asyncio.CancelledError)
        if future.done():
            if not cancelled:
                self.diverge(
                    "when a result came",
                    first=f"got the result of {rec.describe(self._keys[entry.seq])}",
                    replay="had stopped waiting for it",
                )
        elif cancelled:
            future.cancel(str(entry.error))
        elif entry.error is not None:
            future.set_exception(entry.error)
        else:
            future.set_result(entry.value)

    def _require_issued(self, position: int) -> None:
        """Every command the first run issued before `position` must have been issued by now."""

        def missing() -> Command | None:
            return next((c for c in self._open if self._position[c.seq] < position), None)

        # Timers of the loop itself (asyncio.timeout, ...) ran on the real clock the first time.
        while missing() is not None and self.loop.fire_timer():
            self.loop.run_until_idle(self._settle)
        command = missing()
        if command is None or self.error is not None:
            return
        ended = self._outcome()
        if self._recent:
            instead = f"issued {', '.join(rec.describe(k) for k in self._recent)} instead"
        elif ended is not None:
            instead = f"did not: it {ended[1]}"
        else:
            instead = f"did not (it was waiting for {self._waits()})"
        self.diverge(
            f"at the first run's command {command.seq}",
            first=f"issued {rec.describe(command.key)}",
            replay=instead,
        )

    def _finish(self) -> None:
        self._require_issued(len(self._entries))
        while self.error is None and not self._ended() and self.loop.fire_timer():
            self.loop.run_until_idle(self._settle)
        first = rec.first_outcome(self.execution)
        if self.error is not None or first is None:
            return
        replayed = self._outcome()
        if replayed is None:
            self.diverge("at its end", first=first[1], replay=f"is still waiting for {self._waits()}")
        elif replayed[0] != first[0]:
            self.diverge("at its end", first=first[1], replay=replayed[1])

    def _ended(self) -> bool:
        main = self._main
        return (
            self._failure is not None
            or (main is not None and main.done())
            or any(t.done() and not t.cancelled() and t.exception() for t in self._signal_tasks)
        )

    def _outcome(self) -> rec.Outcome | None:
        failed = self._failure or next(
            (t.exception() for t in self._signal_tasks if t.done() and not t.cancelled() and t.exception()),
            None,
        )
        main = self._main
        if failed is None and (main is None or not main.done()):
            return None
        if failed is None and main is not None:
            if main.cancelled():
                return ("cancelled",), "was cancelled"
            failed = main.exception()
            if failed is None:
                try:
                    value = json_round_trip(main.result(), f"the result of {self.execution.label}")
                except TypeError as err:
                    failed = err
                else:
                    return ("completed", value), f"completed with {shown(value)}"
        if isinstance(failed, ContinuedAsNew):
            return ("continued as new",), "continued as new"
        if isinstance(failed, asyncio.CancelledError | temporalio.exceptions.CancelledError):
            return ("cancelled",), "was cancelled"
        assert failed is not None
        return ("failed", rec.failure_label(failed)), f"failed with {describe(failed)}"

    def _waits(self) -> str:
        waits = {w if isinstance(w, str) else rec.describe(w) for w in self._waiting.values()}
        return ", ".join(sorted(waits)) or "nothing the engine could deliver"

    def _teardown(self) -> None:
        # Unwind what is left of the replay, its helpers refusing to do anything more.
        self.closing = True
        pending = [task for task in self.loop.tasks if not task.done()]
        for task in pending:
            task.cancel()
        if pending:
            with contextlib.suppress(Exception, _Diverged):
                self.loop.run_until_idle(lambda: False)
        # Drop the references that make cycles (instance -> runtime -> replay -> futures), so the
        # replay is freed at once rather than by the garbage collector.
        self.loop.tasks.clear()
        self._futures.clear()
        self._children.clear()
        self._conditions.clear()
        self._signal_tasks.clear()
        self._update_tasks.clear()
        self._instance = self._main = None

    def diverge(self, where: str, *, first: str, replay: str) -> None:
        if self.error is not None:
            return
        ex = self.execution
        self.error = ReplayError(
            f"{ex.label} is not deterministic: run again from its start, as a Temporal worker replays "
            f"it after a restart, it diverged {where}: the first run {first}; the replay {replay}. "
            "Something the workflow code reads differs between runs (a module global, the wall clock, "
            "a random number, the environment, a file): take time, randomness and ids from self.now(), "
            "self.random() and self.uuid4(), pass other values in as inputs, or read them in an "
            "activity. InMemoryEngine(replay=False) turns this check off",
            workflow_type=ex.definition.name,
            workflow_id=ex.workflow_id,
            method=ex.method.name,
            first_run=first,
            replayed=replay,
        )


def replay_closed(execution: Execution) -> None:
    """Replay `execution` (just closed) against its recording; keep the first difference."""
    recording = execution.recording
    if recording is None or execution.instance is None or rec.first_outcome(execution) is None:
        return
    if execution.fake is not None:
        return  # a test's fake ran in place of the workflow code: there is nothing of it to check
    execution.recording = None  # once: and the record is not needed any more
    try:
        # The first run interleaved its steps with what reached it as the caller's loop ran them;
        # the record keeps the order the code saw things in, not every step between. Code that
        # depends on nothing else replays the same whether it runs after each delivery or after
        # each stretch of them: only a run that diverges both ways is not deterministic.
        error = _Replay(execution, recording, batched=False).run()
        if error is not None and _Replay(execution, recording, batched=True).run() is None:
            error = None
        execution.replay_error = error
    except Exception as err:
        execution.replay_error = ReplayError(
            f"InMemoryEngine could not replay {execution.label}: {type(err).__name__}: {err} "
            "(InMemoryEngine(replay=False) turns replays off)",
            workflow_type=execution.definition.name,
            workflow_id=execution.workflow_id,
            method=execution.method.name,
        )


def divergence(executions: Sequence[Execution], *, unreported: bool = False) -> ReplayError | None:
    """The first replay error of `executions`, their later runs and their children; marks it raised.

    With `unreported`, only one no caller has been given yet (what ``engine.stop()`` raises).
    """
    for execution in executions:
        run: Execution | None = execution
        while run is not None:
            error = run.replay_error
            if error is not None and not (unreported and run.replay_reported):
                run.replay_reported = True
                return error
            found = divergence([child for child, _ in run.children], unreported=unreported)
            if found is not None:
                return found
            run = run.next_run
    return None
