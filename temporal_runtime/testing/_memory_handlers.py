"""Signals, queries and updates in `InMemoryEngine`, by the same rules as on a worker.

Validation and the calls themselves are `_internal._dispatch`, shared with the Temporal
adapter; what is here is the in-memory part: buffering signals that arrive before the run
starts, running handlers as tasks of their run, and answering with temporalio's client
errors so that `MethodHandle` translates them exactly as it does for a server.
"""

from __future__ import annotations

import asyncio
import copy
import inspect
import logging
import uuid
from collections.abc import Awaitable
from typing import Any, cast

import temporalio.client
import temporalio.exceptions

from temporal_runtime._internal import _dispatch
from temporal_runtime._internal._codec import TemporalCodec
from temporal_runtime.testing._memory_state import Execution, as_failure, describe, json_round_trip

logger = logging.getLogger("temporal_runtime.testing")


class HandlerDelivery:
    """The handler side of the scheduler (a base class of `Scheduler`)."""

    codec: TemporalCodec | None
    _progress: int

    def recheck(self, execution: Execution | None = None) -> bool:
        raise NotImplementedError

    def fail(self, execution: Execution, err: BaseException) -> None:
        raise NotImplementedError

    async def wait_for(
        self, execution: Execution, future: asyncio.Future[Any], *, patient: bool = False
    ) -> None:
        raise NotImplementedError

    def spawn(self, execution: Execution, coro: Any, what: str) -> asyncio.Task[Any]:
        """Run a signal or update handler as a task of `execution`."""

        async def run() -> Any:
            try:
                with execution.waiting(what):
                    return await coro
            finally:
                # Out of the running handlers before the recheck, so that a wait for
                # `all_handlers_finished` wakes now.
                execution.handler_tasks.discard(cast("asyncio.Task[Any]", asyncio.current_task()))
                self.recheck(execution)
                self._progress += 1

        task = asyncio.get_running_loop().create_task(run(), name=f"{execution.label} {what}")
        execution.handler_tasks.add(task)
        task.add_done_callback(execution.handler_tasks.discard)
        return task

    def deliver_signal(self, execution: Execution, name: str, args: list[Any]) -> None:
        """Deliver signal `name` (buffered until the run has started, as on a server)."""
        execution.events += 1
        self._progress += 1
        if execution.instance is None:
            execution.buffered_signals.append((name, args))
            return
        handler = execution.definition.signals.get(name)
        if handler is None:
            logger.warning("%s: no signal handler named %r; the signal is dropped", execution.label, name)
            return
        recording = execution.recording
        kept = copy.deepcopy(args) if recording is not None else args
        if recording is not None and not handler.is_async:
            recording.deliver("signal", name=name, args=kept)  # a plain def runs right here
        try:
            result = _dispatch.signal(execution.instance, handler, args, logger)
        except Exception as err:
            self.fail(execution, err)
            return
        if inspect.isawaitable(result):
            result = _started_while_running(execution, result, name, kept)
            task = self.spawn(execution, result, f"signal handler '{name}'")
            task.add_done_callback(lambda t: self._handler_done(execution, t))
        else:
            self.recheck(execution)

    def _handler_done(self, execution: Execution, task: asyncio.Task[Any]) -> None:
        if task.cancelled() or task.exception() is None:
            return
        self.fail(execution, cast(BaseException, task.exception()))

    def query(self, execution: Execution, name: str, args: list[Any]) -> Any:
        """Answer query `name` (raising temporalio's `WorkflowQueryFailedError` as a server would)."""
        handler = execution.definition.queries.get(name)
        if handler is None:
            known = sorted(execution.definition.queries)
            raise temporalio.client.WorkflowQueryFailedError(
                f"Query handler for '{name}' expected but not found, known queries: {known}"
            )
        if execution.instance is None:
            raise temporalio.client.WorkflowQueryFailedError(f"{execution.label} has not started yet")
        try:
            value = _dispatch.query(execution.instance, handler, args)
        except Exception as err:
            raise temporalio.client.WorkflowQueryFailedError(describe(as_failure(err))) from err
        return json_round_trip(value, f"the result of query '{name}'", self.codec)

    async def update(self, execution: Execution, name: str, args: list[Any]) -> Any:
        """Validate, run and answer update `name` (raising `WorkflowUpdateFailedError` as a server would)."""
        return await self.update_outcome(execution, name, self.accept_update(execution, name, args))

    def start_update(self, execution: Execution, name: str, args: list[Any]) -> InMemoryUpdateHandle:
        """Accept update `name`: its handle (a rejected one's `result` raises, as a server's)."""
        try:
            task = self.accept_update(execution, name, args)
        except temporalio.client.WorkflowUpdateFailedError as rejected:
            return InMemoryUpdateHandle(self, execution, name, rejected)
        return InMemoryUpdateHandle(self, execution, name, task)

    def accept_update(self, execution: Execution, name: str, args: list[Any]) -> asyncio.Task[Any]:
        """Validate update `name` and start its handler: what the server calls accepting it.

        A rejection raises `WorkflowUpdateFailedError` here, before any handler runs.
        """
        handler = execution.definition.updates.get(name)

        def rejected(message: str, kind: str) -> temporalio.client.WorkflowUpdateFailedError:
            return temporalio.client.WorkflowUpdateFailedError(
                temporalio.exceptions.ApplicationError(message, type=kind, non_retryable=True)
            )

        if handler is None:
            known = sorted(execution.definition.updates)
            raise rejected(
                f"Update handler for '{name}' expected but not found, known updates: {known}", "NotFound"
            )
        if not execution.running or execution.instance is None:
            raise rejected(f"{execution.label} is not running ({execution.status.value})", "NotRunning")
        # Rejections are raised outside the except block: `raise ... from` would replace the
        # update error's cause, which carries the rejection.
        problem: BaseException | None = None
        call_args: list[Any] = []
        try:
            call_args = _dispatch.validate_update(execution.instance, handler, args)
        except Exception as err:
            problem = as_failure(err)
        if problem is not None:
            raise temporalio.client.WorkflowUpdateFailedError(problem)
        execution.events += 2
        work = _dispatch.update(execution.instance, handler, call_args)
        if execution.recording is not None:
            work = execution.recording.started(work, "update", name=name, args=copy.deepcopy(args))
        return self.spawn(execution, work, f"update handler '{name}'")

    async def update_outcome(
        self, execution: Execution, name: str, task: asyncio.Task[Any], *, patient: bool = False
    ) -> Any:
        """Wait for an accepted update's handler and answer with its result or failure."""
        await self.wait_for(execution, task, patient=patient)
        if task.cancelled():
            raise temporalio.client.WorkflowUpdateFailedError(
                temporalio.exceptions.CancelledError(
                    f"update '{name}' was cancelled: {execution.label} closed"
                )
            )
        failed = task.exception()
        if failed is not None:
            raise temporalio.client.WorkflowUpdateFailedError(as_failure(failed))
        return json_round_trip(task.result(), f"the result of update '{name}'", self.codec)


class InMemoryUpdateHandle:
    """The slice of temporalio's `WorkflowUpdateHandle` that `UpdateHandle` uses, in memory.

    A rejected update gets a handle too, whose `result` raises the rejection, as a server's.
    """

    def __init__(
        self,
        delivery: HandlerDelivery,
        execution: Execution,
        name: str,
        task: asyncio.Task[Any] | temporalio.client.WorkflowUpdateFailedError,
    ) -> None:
        self._delivery = delivery
        self._execution = execution
        self._name = name
        self._task = task
        self.id = str(uuid.uuid4())
        self.workflow_id = execution.workflow_id
        self.workflow_run_id: str | None = execution.run_id

    async def result(self, *, patient: bool = False) -> Any:
        if isinstance(self._task, BaseException):
            raise self._task
        return await self._delivery.update_outcome(self._execution, self._name, self._task, patient=patient)


async def _started_while_running(execution: Execution, handler: Awaitable[Any], name: str, args: Any) -> Any:
    """Run an async signal handler, unless its run closed before the handler got to start.

    A server delivers no signal to a closed run; the replay sees the signal where its handler
    began, not where it came.
    """
    if not execution.running:
        if inspect.iscoroutine(handler):
            handler.close()
        return None
    if execution.recording is not None:
        execution.recording.deliver("signal", name=name, args=args)
    return await handler
