"""`WorkflowRuntime` for `InMemoryEngine`: the workflow helpers, run in-process on virtual time.

Each method is one small, self-contained helper over two collaborators: the `Execution`
being run (its state, its waits) and the engine's `Scheduler` (virtual clock, activities,
conditions, child runs). Child workflows run as further executions of the same engine,
with the same envelope validation and JSON round trip as a started workflow; a child's
failure reaches the parent as temporalio's `ChildWorkflowError` (as on a worker) and its
cancellation as `asyncio.CancelledError`. `continue_as_new` unwinds the run with
`ContinuedAsNew`, which the scheduler turns into the next run. There is no history to
replay in memory, so `patched` is always True (new code path); `replay_history` is what
checks old histories against a patch. With replay on, each helper records its command and
the result it got in the run's `Recording` (keys from `_memory_record`).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from datetime import datetime, timedelta
from random import Random
from typing import Any, NoReturn, TypeVar
from uuid import UUID

import temporalio.common
import temporalio.exceptions

from temporal_runtime._internal._activity_defn import ActivityDefinition
from temporal_runtime._internal._runtime import ContinueAsNew
from temporal_runtime.client import ExecutionStatus
from temporal_runtime.config import RuntimeConfig
from temporal_runtime.info import ParentInfo, WorkflowInfo
from temporal_runtime.options import ActivityOptions, ChildOptions
from temporal_runtime.testing import _memory_record as rec
from temporal_runtime.testing._memory import Scheduler
from temporal_runtime.testing._memory_state import ContinuedAsNew, Execution, json_round_trip

T = TypeVar("T")

_log = logging.getLogger("temporal_runtime.testing.workflow")


def describe_predicate(predicate: Callable[[], bool]) -> str:
    """`<lambda> at orders.py:67`: where a wait_until predicate was written."""
    if getattr(predicate, "__name__", None) == "all_handlers_finished":
        return "all_handlers_finished (its running signal and update handlers)"
    code = getattr(predicate, "__code__", None)
    name = getattr(predicate, "__qualname__", repr(predicate))
    if code is None:
        return name
    filename = code.co_filename.rsplit("/", 1)[-1]
    return f"{name} at {filename}:{code.co_firstlineno}"


class InMemoryWorkflowRuntime:
    """Runs one workflow instance's helpers against an `InMemoryEngine`."""

    def __init__(
        self,
        scheduler: Scheduler,
        execution: Execution,
        config: RuntimeConfig,
        suggest_continue_as_new_after: int | None = None,
    ) -> None:
        self.method = execution.method.name
        self.config = config
        self._suggest_after = suggest_continue_as_new_after
        self._scheduler = scheduler
        self._execution = execution
        # Seeded from the run id, so a run's "random" values are the same each time it runs.
        self._random = Random(execution.run_id)
        self._logger = logging.LoggerAdapter(
            _log, {"workflow_id": execution.workflow_id, "run_id": execution.run_id}
        )

    def _recorded(self, wait: Awaitable[T], command: Callable[[], rec.Key]) -> Awaitable[T]:
        recording = self._execution.recording
        return wait if recording is None else recording.awaited(command(), wait)

    def _command(self, command: Callable[[], rec.Key]) -> None:
        recording = self._execution.recording
        if recording is not None:
            recording.command(command())

    def _alive(self) -> None:
        # A run that has closed (terminated, timed out) runs nothing more, not even the
        # cleanup its code would do on cancellation: a server would not run it either.
        if not self._execution.running:
            raise asyncio.CancelledError(
                f"{self._execution.label} has closed ({self._execution.status.value})"
            )

    async def execute_activity(
        self, defn: ActivityDefinition, args: Any, options: ActivityOptions, *, local: bool
    ) -> Any:
        self._alive()
        recording = self._execution.recording
        # The key first: an input that cannot be encoded fails before anything is scheduled.
        key = None if recording is None else rec.activity_key(defn.name, args, defn.takes_args, local)
        with self._execution.waiting(f"activity '{defn.name}'"):
            work = self._scheduler.run_activity(self._execution, defn, args, options, local=local)
            if recording is not None and key is not None:
                # Unless there is no Result type, the workflow gets a converted copy: no copy here.
                work = recording.awaited(key, work, shared=defn.result_adapter is None)
            return defn.convert_result(await work)

    async def sleep(self, duration: timedelta, summary: str | None) -> None:
        self._alive()
        what = f"sleep({duration.total_seconds():g}s)" + (f" ({summary})" if summary else "")
        with self._execution.waiting(what):
            timer = self._scheduler.clock.timer(duration, f"{self._execution.label} sleep")
            await self._recorded(timer, lambda: rec.timer_key("sleep", duration.total_seconds()))

    async def wait_until(
        self, predicate: Callable[[], bool], timeout: timedelta | None, summary: str | None
    ) -> None:
        self._alive()
        if predicate():
            return
        what = f"wait_until({describe_predicate(predicate)})" + (f" ({summary})" if summary else "")
        condition = self._scheduler.condition(self._execution, predicate)
        timer = (
            self._scheduler.clock.timer(timeout, f"{self._execution.label} {what} timeout")
            if timeout is not None
            else None
        )
        recording = self._execution.recording
        seq = None
        if recording is not None and timeout is not None:
            seq = recording.command(rec.timer_key("wait_until", timeout.total_seconds()))
        with self._execution.waiting(what):
            try:
                if timer is None:
                    await condition
                    return
                await asyncio.wait((condition, timer), return_when=asyncio.FIRST_COMPLETED)
                if not condition.done():
                    error = TimeoutError(f"{what} timed out after {timeout}")
                    if recording is not None:
                        recording.deliver("result", seq=seq, error=error)
                    raise error
                condition.result()
            finally:
                condition.cancel()
                if timer is not None:
                    timer.cancel()

    def set_current_details(self, details: str) -> None:
        self._execution.current_details = details

    def now(self) -> datetime:
        return self._scheduler.clock.now

    def uuid4(self) -> UUID:
        return uuid.UUID(int=self._random.getrandbits(128), version=4)

    def random(self) -> Random:
        return self._random

    def logger(self) -> logging.LoggerAdapter[logging.Logger]:
        return self._logger

    def info(self) -> WorkflowInfo:
        ex = self._execution
        parent = ex.parent
        suggested = self._suggest_after is not None and ex.events >= self._suggest_after
        if ex.recording is not None:
            ex.recording.history_reads.append((ex.events, suggested))
        return WorkflowInfo(
            workflow_id=ex.workflow_id,
            run_id=ex.run_id,
            workflow_type=ex.definition.name,
            method=self.method,
            attempt=ex.attempt,
            task_queue=ex.task_queue,
            namespace="default",
            start_time=ex.start_time,
            history_length=ex.events,
            continue_as_new_suggested=suggested,
            parent=None if parent is None else ParentInfo(parent.workflow_id, parent.run_id, "default"),
        )

    def all_handlers_finished(self) -> bool:
        return not self._execution.handler_tasks

    def is_continue_as_new(self, err: BaseException) -> bool:
        return isinstance(err, ContinuedAsNew)

    def external(self, workflow_id: str, run_id: str | None) -> InMemoryExternalRun:
        return InMemoryExternalRun(self._scheduler, self._execution, workflow_id, run_id)

    async def start_child(
        self, workflow: str, envelope: Mapping[str, Any], options: ChildOptions
    ) -> InMemoryChildRun:
        self._alive()

        async def start() -> InMemoryChildRun:
            child = self._scheduler.start_child(self._execution, workflow, dict(envelope), options)
            # Let the child's task begin, as the parent resumes only after the start event.
            await asyncio.sleep(0)
            return InMemoryChildRun(self._scheduler, self._execution, child)

        recording = self._execution.recording
        if recording is None:
            return await start()
        seq = recording.command(rec.child_key(workflow, envelope, options.workflow_id))
        return await recording.resolved(start(), "result", keep=lambda run: run.id, seq=seq)

    def continue_as_new(self, request: ContinueAsNew) -> NoReturn:
        self._command(lambda: rec.continue_key(request))
        raise ContinuedAsNew(request)

    def patched(self, patch_id: str) -> bool:
        # Every in-memory run is new code; old histories are checked by replay_history.
        self._command(lambda: rec.patch_key(patch_id, deprecated=False))
        return True

    def deprecate_patch(self, patch_id: str) -> None:
        self._command(lambda: rec.patch_key(patch_id, deprecated=True))

    def upsert_search_attributes(
        self, attributes: Sequence[tuple[temporalio.common.SearchAttributeKey[Any], Any]]
    ) -> None:
        self._command(lambda: rec.search_key(attributes))
        current = self._execution.search_attributes
        for key, value in attributes:
            if value is None:
                current.pop(key.name, None)
            else:
                current[key.name] = value
        self._execution.events += 1


_CHILD_FAILED = {
    ExecutionStatus.FAILED: (
        "Child Workflow execution failed",
        temporalio.exceptions.RetryState.NON_RETRYABLE_FAILURE,
    ),
    ExecutionStatus.TERMINATED: ("Child Workflow execution terminated", None),
    ExecutionStatus.TIMED_OUT: (
        "Child Workflow execution timed out",
        temporalio.exceptions.RetryState.TIMEOUT,
    ),
}


class InMemoryChildRun:
    """A `ChildRun` on a child execution of the same `InMemoryEngine`."""

    __slots__ = ("_child", "_parent", "_recorded", "_scheduler")

    def __init__(self, scheduler: Scheduler, parent: Execution, child: Execution) -> None:
        self._scheduler = scheduler
        self._parent = parent
        self._child = child
        self._recorded = False

    @property
    def id(self) -> str:
        return self._child.workflow_id

    async def _closed(self) -> Execution:
        # Follow the child's continue-as-new runs to the last one.
        run = self._child
        while True:
            await asyncio.shield(run.done)
            if run.next_run is None:
                return run
            run = run.next_run

    async def result(self) -> Any:
        recording = self._parent.recording
        if recording is None or self._recorded:
            return await self._result()
        try:
            value = await recording.resolved(self._result(), "child", name=self.id)
        except asyncio.CancelledError:
            raise  # recorded only when the child's cancellation, not the parent's
        except BaseException:
            self._recorded = True
            raise
        self._recorded = True
        return value

    async def _result(self) -> Any:
        with self._parent.waiting(f"child {self._child.label}"):
            try:
                run = await self._closed()
            except asyncio.CancelledError:
                # As temporalio's default (WAIT_CANCELLATION_COMPLETED): cancelling the
                # awaiting parent cancels the child, and waits for it to close.
                self.cancel()
                await self._closed()
                raise
        if run.status is ExecutionStatus.COMPLETED:
            return run.result
        error = temporalio.exceptions.ChildWorkflowError(
            _CHILD_FAILED.get(run.status, ("Child Workflow execution cancelled", None))[0],
            namespace="default",
            workflow_id=run.workflow_id,
            run_id=run.run_id,
            workflow_type=run.definition.name,
            initiated_event_id=0,
            started_event_id=0,
            retry_state=_CHILD_FAILED.get(run.status, ("", None))[1],
        )
        if run.status is ExecutionStatus.CANCELED:
            raise asyncio.CancelledError(f"cancelled: child {run.label} was cancelled") from error
        raise error from run.failure

    async def signal(self, name: str, args: Sequence[Any]) -> None:
        run = self._child.latest
        recording = self._parent.recording
        if recording is None:
            await signal_run(self._scheduler, run, name, args)
            return
        key = rec.child_signal_key(self.id, name, args)
        await recording.awaited(key, signal_run(self._scheduler, run, name, args))

    def cancel(self) -> None:
        recording = self._parent.recording
        if recording is not None:
            recording.command(rec.child_cancel_key(self.id))
        self._scheduler.request_cancel(self._child.latest)


def _not_found(what: str) -> temporalio.exceptions.ApplicationError:
    # What a worker raises when the server finds no running workflow to signal or cancel.
    return temporalio.exceptions.ApplicationError(what, type="ExternalWorkflowExecutionNotFound")


async def signal_run(scheduler: Scheduler, run: Execution, name: str, args: Sequence[Any]) -> None:
    """Signal another run from workflow code (a child, or an external workflow)."""
    if not run.running:
        raise _not_found(f"cannot signal {run.label}: it has already closed ({run.status.value})")
    payload = json_round_trip(list(args), f"the arguments of signal '{name}'", scheduler.codec)
    scheduler.deliver_signal(run, name, payload)
    await asyncio.sleep(0)


class InMemoryExternalRun:
    """An `ExternalRun` on another workflow of the same `InMemoryEngine`, found by id."""

    __slots__ = ("_caller", "_run_id", "_scheduler", "_workflow_id")

    def __init__(self, scheduler: Scheduler, caller: Execution, workflow_id: str, run_id: str | None) -> None:
        self._scheduler = scheduler
        self._caller = caller
        self._workflow_id = workflow_id
        self._run_id = run_id

    def _target(self, action: str) -> Execution:
        if self._run_id is not None:
            run = self._scheduler.runs.get(self._run_id)
            run = run if run is not None and run.workflow_id == self._workflow_id else None
        else:
            run = self._scheduler.executions.get(self._workflow_id)
        if run is None:
            raise _not_found(f"cannot {action} workflow {self._workflow_id!r}: no such workflow")
        return run

    async def signal(self, name: str, args: Sequence[Any]) -> None:
        self._caller.events += 2
        await self._recorded(rec.external_signal_key(self._workflow_id, name, args), self._signal(name, args))

    async def _signal(self, name: str, args: Sequence[Any]) -> None:
        await signal_run(self._scheduler, self._target("signal"), name, args)

    async def cancel(self) -> None:
        self._caller.events += 2
        await self._recorded(rec.external_cancel_key(self._workflow_id), self._cancel())

    async def _cancel(self) -> None:
        # As on a server: cancelling a workflow that has closed already is no error.
        self._scheduler.request_cancel(self._target("cancel"))
        await asyncio.sleep(0)

    async def _recorded(self, key: tuple[Any, ...], work: Coroutine[Any, Any, None]) -> None:
        recording = self._caller.recording
        await (work if recording is None else recording.awaited(key, work))
