"""The scheduler behind `InMemoryEngine`: runs, their timeouts, retries, children and ends.

A run is an asyncio task on the caller's loop, driven on virtual time (`_memory_driver`);
its activities run through `_memory_activities`, its signals, queries and updates through
`_memory_handlers`, each with the same rules as on a worker (`_internal._dispatch`).
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

import temporalio.common
import temporalio.exceptions
import temporalio.workflow

from temporal_runtime._internal import _dispatch, _envelope, _registry
from temporal_runtime._internal._codec import TemporalCodec
from temporal_runtime._internal._runtime import ContinueAsNew, WorkflowRuntime
from temporal_runtime._internal._workflow_defn import MethodDefinition, WorkflowDefinition
from temporal_runtime.client import ExecutionStatus
from temporal_runtime.options import ChildOptions, StartOptions
from temporal_runtime.testing._clock import VirtualClock
from temporal_runtime.testing._memory_activities import ActivityRunner, backoff
from temporal_runtime.testing._memory_driver import Driver
from temporal_runtime.testing._memory_handlers import HandlerDelivery
from temporal_runtime.testing._memory_replay import replay_closed
from temporal_runtime.testing._memory_state import (
    ActivityCall,
    ContinuedAsNew,
    Execution,
    Recording,
    json_round_trip,
)
from temporal_runtime.testing._task_timeout import TaskTimed

RuntimeFactory = Callable[["Scheduler", Execution], WorkflowRuntime]


def _retryable(execution: Execution, failure: BaseException) -> bool:
    """Whether a failed run is retried as a new run, as the workflow's retry policy says."""
    policy = execution.options.retry_policy
    if policy is None or not isinstance(failure, temporalio.exceptions.FailureError):
        return False
    if isinstance(failure, temporalio.exceptions.ApplicationError) and (
        failure.non_retryable or (failure.type or "") in (policy.non_retryable_error_types or ())
    ):
        return False
    return not policy.maximum_attempts or execution.attempt < policy.maximum_attempts


class Scheduler(Driver, ActivityRunner, HandlerDelivery):
    """Owns the virtual clock, the runs and the activity runner of one engine."""

    def __init__(
        self,
        *,
        start_time: datetime,
        fakes: Mapping[str, Callable[..., Any]],
        max_activity_attempts: int,
        deadlock_grace: float,
        runtime: RuntimeFactory,
        activity_processes: int | None = None,
        codec: TemporalCodec | None = None,
        workflow_fake: Callable[[str, str], Callable[..., Any] | None] = lambda workflow, method: None,
        replay: bool = True,
    ) -> None:
        super().__init__()
        self.codec = codec
        # The test's fake of an entry method, by workflow type and method (None: the real one).
        self.workflow_fake = workflow_fake
        self.clock = VirtualClock(start_time)
        self.fakes = dict(fakes)
        self.max_activity_attempts = max_activity_attempts
        self.deadlock_grace = deadlock_grace
        self._runtime = runtime
        # Whether each run is recorded and replayed when it closes (`_memory_replay`).
        self.replay = replay
        self.executions: dict[str, Execution] = {}
        # Every run by run id: closed runs of a continue-as-new chain stay reachable here.
        self.runs: dict[str, Execution] = {}
        self.calls: list[ActivityCall] = []
        self.completions = {}
        self.activity_processes = activity_processes
        self.processes = None

    # -- starting runs -----------------------------------------------------------------------

    def start(
        self,
        definition: WorkflowDefinition,
        *,
        method: MethodDefinition,
        envelope: dict[str, Any],
        memo: dict[str, Any],
        options: StartOptions,
        search_attributes: Mapping[str, Any] | None = None,
        attempt: int = 1,
        deadline: datetime | None = None,
        parent: Execution | None = None,
    ) -> Execution:
        """Create a run for an already JSON-encoded `envelope` and start it.

        `options` are resolved (id and task queue set); `deadline` is the execution timeout's
        end, carried from run to run of one workflow.
        """
        workflow_id = options.workflow_id or ""
        execution = Execution(
            workflow_id=workflow_id,
            run_id=str(uuid.uuid4()),
            definition=definition,
            method=method,
            task_queue=options.task_queue or "",
            start_time=self.clock.now,
            envelope=envelope,
            memo=memo,
            options=options,
            attempt=attempt,
            search_attributes=dict(search_attributes or {}),
            parent=parent,
        )
        self.executions[workflow_id] = execution
        self.runs[execution.run_id] = execution
        if self.replay:
            execution.recording = Recording(lambda: self.clock.now)
            execution.on_close = lambda: replay_closed(execution)
        execution.done.add_done_callback(lambda _: self._close_children(execution))
        execution.task = asyncio.get_running_loop().create_task(
            self._run(execution, options.start_delay), name=f"in-memory {execution.label}"
        )
        self._progress += 1
        if deadline is None and options.execution_timeout is not None:
            deadline = self.clock.now + (options.start_delay or timedelta(0)) + options.execution_timeout
        execution.deadline = deadline
        if deadline is not None:
            self._time_out(execution, deadline - self.clock.now, "execution timeout")
        if options.run_timeout is not None:
            self._time_out(
                execution, (options.start_delay or timedelta(0)) + options.run_timeout, "run timeout"
            )
        return execution

    def _next_run(
        self,
        execution: Execution,
        definition: WorkflowDefinition,
        envelope: dict[str, Any],
        memo: dict[str, Any],
        *,
        attempt: int = 1,
        delay: timedelta | None = None,
    ) -> Execution:
        # A continue-as-new or retry run: same id, queue, search attributes, priority and
        # execution deadline; a new run id, instance and history, and (as on a server) no
        # summary or details.
        new = self.start(
            definition,
            method=definition.method(envelope["method"]),
            envelope=envelope,
            memo=memo,
            options=dataclasses.replace(execution.options, start_delay=delay, summary=None, details=None),
            search_attributes=execution.search_attributes,
            attempt=attempt,
            deadline=execution.deadline,
            parent=execution.parent,
        )
        execution.next_run = new
        return new

    async def _run(self, execution: Execution, delay: timedelta | None) -> None:
        try:
            if delay:
                with execution.waiting(f"its start delay of {delay}"):
                    await self.clock.timer(delay, f"{execution.label} start delay")
            execution.execution_time = self.clock.now
            method, kwargs = _envelope.decode(execution.definition, (execution.envelope,))
            instance = _dispatch.new_instance(execution.definition, self._runtime(self, execution), kwargs)
            execution.instance = instance
            for name, args in execution.buffered_signals:
                self.deliver_signal(execution, name, args)
            execution.buffered_signals.clear()
            if execution.recording is not None:
                execution.recording.deliver("start")
            fake = execution.fake = self.workflow_fake(execution.definition.name, method.name)
            coro = _dispatch.run_entry(instance, execution.definition, method, kwargs, fake)
            limit = execution.options.task_timeout
            value = await (TaskTimed(coro, limit, execution.label) if limit else coro)
            result = json_round_trip(value, f"the result of {execution.label}", self.codec)
        except ContinuedAsNew as request:
            try:
                self.continue_as_new(execution, request.request)
            except Exception as err:
                self.fail(execution, err)
            return
        except asyncio.CancelledError:
            if execution.running:
                execution.close(
                    ExecutionStatus.CANCELED,
                    self.clock.now,
                    failure=temporalio.exceptions.CancelledError("Workflow cancelled"),
                )
            return
        except BaseException as err:
            self.fail(execution, err)
            return
        finally:
            self._progress += 1
        execution.close(ExecutionStatus.COMPLETED, self.clock.now, result=result)

    # -- ending runs -------------------------------------------------------------------------

    def fail(self, execution: Execution, err: BaseException) -> None:
        """Close `execution` as a Temporal worker would for an exception the workflow raised."""
        if isinstance(err, temporalio.exceptions.CancelledError) and execution.cancel_requested:
            execution.close(ExecutionStatus.CANCELED, self.clock.now, failure=err)
            return
        if not isinstance(err, temporalio.exceptions.FailureError):
            # On a worker, any other exception fails the workflow *task*, which Temporal
            # retries forever: the workflow would hang. Fail it instead, and say so.
            err = temporalio.exceptions.ApplicationError(
                f"{err} (a {type(err).__name__} raised in workflow code fails the workflow task on a "
                "Temporal worker, which retries it forever; raise ApplicationError to fail the workflow)",
                type=type(err).__name__,
                non_retryable=True,
            ).with_traceback(err.__traceback__)
        self._end(execution, err, ExecutionStatus.FAILED)

    def _end(self, execution: Execution, failure: BaseException, status: ExecutionStatus) -> None:
        execution.close(status, self.clock.now, failure=failure)
        self._cancel_tasks(execution)
        self._progress += 1
        if _retryable(execution, failure):
            # As on a server: the failed run closes, and the next attempt starts after the
            # retry policy's backoff under the same workflow id.
            policy = execution.options.retry_policy or temporalio.common.RetryPolicy()
            self._next_run(
                execution,
                execution.definition,
                execution.envelope,
                dict(execution.memo),
                attempt=execution.attempt + 1,
                delay=backoff(policy, execution.attempt),
            )

    @staticmethod
    def _cancel_tasks(execution: Execution) -> None:
        current = asyncio.current_task()
        for task in (execution.task, *execution.handler_tasks):
            if task is not None and task is not current and not task.done():
                task.cancel()

    def terminate(self, execution: Execution, failure: BaseException, status: ExecutionStatus) -> None:
        """Close `execution` at once with `status` (terminated, timed out, blocked)."""
        if status is ExecutionStatus.TERMINATED:
            execution.close(status, self.clock.now, failure=failure)
            self._cancel_tasks(execution)
            self._progress += 1
            return
        self._end(execution, failure, status)

    def request_cancel(self, execution: Execution) -> None:
        """Ask a running workflow to cancel: it sees `CancelledError` at its current await."""
        if not execution.running:
            return
        execution.cancel_requested = True
        if execution.recording is not None and execution.instance is not None:
            execution.recording.deliver("cancel")
        execution.events += 1
        self._progress += 1
        if execution.task is not None:
            execution.task.cancel()

    def continue_as_new(self, execution: Execution, request: ContinueAsNew) -> Execution:
        """Close `execution` as CONTINUED_AS_NEW and start the next run under its workflow id.

        The new run keeps the id, task queue, memo (updated by `request.memo`), search
        attributes and execution deadline, and gets a fresh instance, run id and history.
        """
        definition = _registry.workflows.require(request.workflow)
        envelope = json_round_trip(
            dict(request.envelope), f"the continue-as-new input of {execution.label}", self.codec
        )
        execution.close(ExecutionStatus.CONTINUED_AS_NEW, self.clock.now)
        # Cancellation requested on the old run is not carried: the old run consumed it.
        return self._next_run(execution, definition, envelope, {**execution.memo, **request.memo})

    def _time_out(self, execution: Execution, after: timedelta, what: str) -> None:
        timer = self.clock.timer(after, f"{execution.label} {what}")

        def expire(_: asyncio.Future[None]) -> None:
            if not timer.cancelled() and execution.running:
                self.terminate(
                    execution,
                    temporalio.exceptions.TimeoutError(
                        "Workflow timed out",
                        type=temporalio.exceptions.TimeoutType.START_TO_CLOSE,
                        last_heartbeat_details=[],
                    ),
                    ExecutionStatus.TIMED_OUT,
                )

        timer.add_done_callback(expire)
        execution.done.add_done_callback(lambda _: timer.cancel())

    # -- children --------------------------------------------------------------------------------

    def start_child(
        self, parent: Execution, workflow: str, envelope: dict[str, Any], options: ChildOptions
    ) -> Execution:
        """Start child workflow type `workflow` of `parent`, as a worker's start_child_workflow.

        Raises temporalio's `WorkflowAlreadyStartedError` when the id is taken (a running
        workflow, or a closed one that the id reuse policy does not allow to reuse).
        """
        definition = _registry.workflows.require(workflow)
        encoded = json_round_trip(
            dict(envelope), f"the input of child workflow {definition.name}", self.codec
        )
        method = definition.method(encoded["method"])
        workflow_id = options.workflow_id or _envelope.default_workflow_id(
            definition.name, method.name, uuid.uuid4()
        )
        existing = self.executions.get(workflow_id)
        if existing is not None and id_taken(existing, options.id_reuse_policy):
            raise temporalio.exceptions.WorkflowAlreadyStartedError(
                workflow_id, definition.name, run_id=existing.run_id
            )
        attributes: dict[str, Any] = {}
        if options.search_attributes is not None:
            pairs: list[temporalio.common.SearchAttributePair[Any]] = list(options.search_attributes)
            attributes = {pair.key.name: pair.value for pair in pairs}
        start = StartOptions(
            workflow_id=workflow_id,
            task_queue=options.task_queue or parent.task_queue,
            execution_timeout=options.execution_timeout,
            run_timeout=options.run_timeout,
            task_timeout=options.task_timeout,
            retry_policy=options.retry_policy,
            # As on a server, a child takes each priority field it does not set from its parent.
            priority=options.priority or parent.options.priority,
            fairness_key=options.fairness_key or parent.options.fairness_key,
            fairness_weight=options.fairness_weight or parent.options.fairness_weight,
            summary=options.summary,
            details=options.details,
        )
        child = self.start(
            definition,
            method=method,
            envelope=encoded,
            memo=dict(options.memo or {}),
            options=start,
            search_attributes=attributes,
            parent=parent,
        )
        parent.children.append((child, options.parent_close_policy))
        parent.events += 2
        return child

    def _close_children(self, parent: Execution) -> None:
        # Temporal applies each child's parent close policy when the parent run closes.
        for child, policy in parent.children:
            run = child.latest
            if not run.running or policy is temporalio.workflow.ParentClosePolicy.ABANDON:
                continue
            if policy is temporalio.workflow.ParentClosePolicy.REQUEST_CANCEL:
                self.request_cancel(run)
                continue
            self.terminate(
                run,
                temporalio.exceptions.TerminatedError(
                    f"parent {parent.label} closed ({parent.status.value}); parent_close_policy TERMINATE"
                ),
                ExecutionStatus.TERMINATED,
            )


def id_taken(existing: Execution, reuse: temporalio.common.WorkflowIDReusePolicy | None) -> bool:
    """Whether a new run may not take `existing`'s workflow id under the id reuse policy."""
    policy = reuse or temporalio.common.WorkflowIDReusePolicy.ALLOW_DUPLICATE
    return (
        existing.running
        or policy is temporalio.common.WorkflowIDReusePolicy.REJECT_DUPLICATE
        or (
            policy is temporalio.common.WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY
            and existing.status is ExecutionStatus.COMPLETED
        )
    )
