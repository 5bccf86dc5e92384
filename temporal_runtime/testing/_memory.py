"""The machinery behind `InMemoryEngine`: executions, activities, conditions and the driver.

Workflows run as asyncio tasks on the caller's event loop. Everything they wait for is a
future made here (a virtual timer, a condition, an activity attempt), so the scheduler
knows when nothing can move. Time only moves while a caller awaits a workflow's result or
an update (as on Temporal's time-skipping test server): then the *driver* lets every
runnable task run, waits for activities that run in real time, and when the loop is idle
jumps the virtual clock to the next timer. Idle with no timer left means the awaited
workflow can never finish; it is failed with a message naming what it waits for.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import inspect
import itertools
import logging
import uuid
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import temporalio.client
import temporalio.common
import temporalio.exceptions
import temporalio.service
import temporalio.workflow
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import ActivityEnvironment

from temporal_runtime._internal import _registry
from temporal_runtime._internal._activity_defn import (
    ActivityDefinition,
    ActivityOptions,
    _check_result,  # pyright: ignore[reportPrivateUsage]
    _decode_args,  # pyright: ignore[reportPrivateUsage]
)
from temporal_runtime._internal._adapter import decode_envelope, run_to_completion
from temporal_runtime._internal._runtime import RUNTIME_ATTR, ChildOptions, ContinueAsNew, WorkflowRuntime
from temporal_runtime._internal._workflow_defn import InputError, MethodDefinition, WorkflowDefinition
from temporal_runtime.client import ExecutionStatus
from temporal_runtime.testing._clock import VirtualClock
from temporal_runtime.testing._memory_runtime import ContinuedAsNew, InMemoryWorkflowRuntime

logger = logging.getLogger("temporal_runtime.testing")

_CONVERTER = pydantic_data_converter.payload_converter
BLOCKED = "WorkflowBlocked"
_wait_keys = itertools.count()
_NOT_FOUND = temporalio.service.RPCStatusCode.NOT_FOUND


def json_round_trip(value: Any, what: str) -> Any:
    """Encode `value` as the worker/client would, and decode it back to plain JSON values."""
    try:
        payloads = _CONVERTER.to_payloads([value])
    except Exception as err:
        raise TypeError(
            f"{what} cannot be serialized for Temporal ({type(err).__name__}: {err}); use "
            "JSON-compatible values or Pydantic models"
        ) from err
    return _CONVERTER.from_payloads(payloads, None)[0]


@dataclass
class ActivityCall:
    """One attempt of one activity, as `InMemoryEngine.calls` reports it.

    Attributes:
        activity: The activity name.
        args: The validated input the implementation (or fake) received (None if it takes none).
        attempt: 1 for the first try, 2 for the first retry, ...
        workflow_id: The workflow that scheduled it.
        fake: Whether a test fake ran instead of the real implementation.
        result: What it returned (None while running or when it failed).
        error: ``"Type: message"`` of the failure, or None.
        local: Whether it ran as a local activity (`exec_local`).

    Example:
        >>> ActivityCall("charge", {"amount": 5}, 1, "order-1").attempt
        1
    """

    activity: str
    args: Any
    attempt: int
    workflow_id: str
    fake: bool = False
    result: Any = None
    error: str | None = None
    local: bool = False

    @property
    def succeeded(self) -> bool:
        """True when this attempt returned a result."""
        return self.error is None


@dataclass(eq=False)
class Execution:
    """One workflow run kept in memory: its instance, status, outcome and current waits."""

    workflow_id: str
    run_id: str
    definition: WorkflowDefinition
    method: MethodDefinition
    task_queue: str
    start_time: datetime
    envelope: dict[str, Any]
    memo: dict[str, Any]
    status: ExecutionStatus = ExecutionStatus.RUNNING
    close_time: datetime | None = None
    execution_time: datetime | None = None
    instance: Any = None
    result: Any = None
    failure: BaseException | None = None
    cancel_requested: bool = False
    task: asyncio.Task[None] | None = None
    done: asyncio.Future[None] = field(default_factory=lambda: asyncio.get_running_loop().create_future())
    waits: dict[int, str] = field(default_factory=dict[int, str])
    conditions: list[tuple[Callable[[], bool], asyncio.Future[None]]] = field(
        default_factory=list[tuple[Callable[[], bool], "asyncio.Future[None]"]]
    )
    handler_tasks: set[asyncio.Task[Any]] = field(default_factory=set[asyncio.Task[Any]])
    buffered_signals: list[tuple[str, list[Any]]] = field(default_factory=list[tuple[str, list[Any]]])
    events: int = 1
    search_attributes: dict[str, Any] = field(default_factory=dict[str, Any])
    # Children started by this run, with their parent close policy (None means TERMINATE).
    children: list[tuple[Execution, Any]] = field(default_factory=list[tuple["Execution", Any]])
    # The run this one continued as (continue-as-new); callers of this run follow it.
    next_run: Execution | None = None

    @property
    def latest(self) -> Execution:
        """The last run of this chain of continue-as-new runs (this one if it did not continue)."""
        run = self
        while run.next_run is not None:
            run = run.next_run
        return run

    @property
    def label(self) -> str:
        return f"{self.definition.name}.{self.method.name} (id {self.workflow_id!r})"

    @property
    def running(self) -> bool:
        return self.status is ExecutionStatus.RUNNING

    @contextlib.contextmanager
    def waiting(self, what: str) -> Generator[None]:
        """Record what the workflow waits for while inside the block (for blocked errors)."""
        key = next(_wait_keys)
        self.waits[key] = what
        self.events += 1
        try:
            yield
        finally:
            self.waits.pop(key, None)

    def close(
        self,
        status: ExecutionStatus,
        now: datetime,
        *,
        result: Any = None,
        failure: BaseException | None = None,
    ) -> None:
        if not self.running:
            return
        self.status = status
        self.close_time = now
        self.result = result
        self.failure = failure
        self.events += 1
        for _, future in self.conditions:
            future.cancel()
        if not self.done.done():
            self.done.set_result(None)


def _as_failure(err: BaseException) -> temporalio.exceptions.FailureError:
    """What a worker reports for an exception: Temporal failures as they are.

    Other exceptions become an `ApplicationError` typed by the exception's class name.
    """
    if isinstance(err, temporalio.exceptions.FailureError):
        return err
    failure = temporalio.exceptions.ApplicationError(str(err), type=type(err).__name__)
    failure.__cause__ = None
    return failure


def _describe(err: BaseException) -> str:
    if isinstance(err, temporalio.exceptions.ApplicationError):
        return f"{err.type or 'ApplicationError'}: {err.message}"
    if isinstance(err, temporalio.exceptions.FailureError):
        return f"{type(err).__name__}: {err.message}"
    return f"{type(err).__name__}: {err}"


def _backoff(policy: temporalio.common.RetryPolicy, attempt: int) -> timedelta:
    interval = policy.initial_interval * (policy.backoff_coefficient ** (attempt - 1))
    cap = policy.maximum_interval or policy.initial_interval * 100
    return min(interval, cap)


def _activity_failed(
    defn: ActivityDefinition, attempt: int, state: temporalio.exceptions.RetryState, cause: BaseException
) -> temporalio.exceptions.ActivityError:
    # The caller raises it `from cause`, as the worker reports the failure as its cause.
    del cause
    return temporalio.exceptions.ActivityError(
        "Activity task failed",
        scheduled_event_id=0,
        started_event_id=0,
        identity="in-memory",
        activity_type=defn.name,
        activity_id=str(attempt),
        retry_state=state,
    )


class Scheduler:
    """Owns the virtual clock, the executions and the activity runner of one engine."""

    def __init__(
        self,
        *,
        start_time: datetime,
        fakes: Mapping[str, Callable[..., Any]],
        max_activity_attempts: int,
        deadlock_grace: float,
    ) -> None:
        self.clock = VirtualClock(start_time)
        self.fakes = dict(fakes)
        self.max_activity_attempts = max_activity_attempts
        self.deadlock_grace = deadlock_grace
        self.executions: dict[str, Execution] = {}
        # Every run by run id: closed runs of a continue-as-new chain stay reachable here.
        self.runs: dict[str, Execution] = {}
        self._conditional: set[Execution] = set()
        self.calls: list[ActivityCall] = []
        self._busy = 0
        self._activity_done: asyncio.Event | None = None
        self._waiters: dict[int, tuple[Execution, asyncio.Future[Any]]] = {}
        self._driver: asyncio.Task[None] | None = None
        self._progress = 0

    # -- conditions --------------------------------------------------------------------------

    def condition(self, execution: Execution, predicate: Callable[[], bool]) -> asyncio.Future[None]:
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
            for predicate, future in list(ex.conditions):
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
        if woke:
            self._progress += 1
        return woke

    # -- activities --------------------------------------------------------------------------

    async def run_activity(
        self,
        execution: Execution,
        defn: ActivityDefinition,
        args: Any,
        options: ActivityOptions,
        *,
        local: bool,
    ) -> Any:
        self.recheck(execution)
        fake = self.fakes.get(defn.name)
        payloads: tuple[Any, ...] = ()
        if defn.takes_args:
            payloads = (json_round_trip(args, f"the input of activity '{defn.name}'"),)
        policy = options.retry_policy or temporalio.common.RetryPolicy()
        deadline = self.clock.now + options.schedule_to_close if options.schedule_to_close else None
        attempt = 0
        while True:
            attempt += 1
            call = ActivityCall(
                defn.name, None, attempt, execution.workflow_id, fake=fake is not None, local=local
            )
            self.calls.append(call)
            execution.events += 2
            try:
                value = await self._attempt(
                    execution, defn=defn, fake=fake, payloads=payloads, options=options, call=call
                )
            except asyncio.CancelledError:
                call.error = "CancelledError: the workflow was cancelled"
                raise
            except BaseException as err:
                failure = _as_failure(err)
                call.error = _describe(failure)
                self._progress += 1
                non_retryable = isinstance(failure, temporalio.exceptions.ApplicationError) and (
                    failure.non_retryable or (failure.type or "") in (policy.non_retryable_error_types or ())
                )
                if non_retryable:
                    raise _activity_failed(
                        defn, attempt, temporalio.exceptions.RetryState.NON_RETRYABLE_FAILURE, failure
                    ) from failure
                if policy.maximum_attempts and attempt >= policy.maximum_attempts:
                    raise _activity_failed(
                        defn, attempt, temporalio.exceptions.RetryState.MAXIMUM_ATTEMPTS_REACHED, failure
                    ) from failure
                if attempt >= self.max_activity_attempts:
                    # Unlimited retries of an activity that always fails would spin forever here.
                    stop = temporalio.exceptions.ApplicationError(
                        f"activity '{defn.name}' failed {attempt} times (last: {_describe(failure)}) and its "
                        "retry policy allows unlimited attempts; InMemoryEngine stops at "
                        f"max_activity_attempts={self.max_activity_attempts}. Set maximum_attempts, or "
                        "make the fake succeed",
                        type="TooManyActivityAttempts",
                        non_retryable=True,
                    )
                    raise _activity_failed(
                        defn, attempt, temporalio.exceptions.RetryState.MAXIMUM_ATTEMPTS_REACHED, stop
                    ) from stop
                delay = _backoff(policy, attempt)
                if deadline is not None and self.clock.now + delay >= deadline:
                    timeout = temporalio.exceptions.TimeoutError(
                        "activity ScheduleToClose timeout",
                        type=temporalio.exceptions.TimeoutType.SCHEDULE_TO_CLOSE,
                        last_heartbeat_details=[],
                    )
                    raise _activity_failed(
                        defn, attempt, temporalio.exceptions.RetryState.TIMEOUT, timeout
                    ) from timeout
                await self.clock.timer(delay, f"{execution.label} retry of activity '{defn.name}'")
                continue
            self._progress += 1
            return defn.convert_result(value)

    async def _attempt(
        self,
        execution: Execution,
        *,
        defn: ActivityDefinition,
        fake: Callable[..., Any] | None,
        payloads: tuple[Any, ...],
        options: ActivityOptions,
        call: ActivityCall,
    ) -> Any:
        args = _decode_args(defn.name, defn.args_adapter, payloads)
        call.args = args
        env = ActivityEnvironment()
        env.payload_converter = _CONVERTER
        env.info = dataclasses.replace(
            env.info,
            activity_id=str(len(self.calls)),
            activity_type=defn.name,
            attempt=call.attempt,
            is_local=call.local,
            workflow_id=execution.workflow_id,
            workflow_run_id=execution.run_id,
            workflow_type=execution.definition.name,
            task_queue=execution.task_queue,
            start_to_close_timeout=options.start_to_close,
            schedule_to_close_timeout=options.schedule_to_close,
            heartbeat_timeout=options.heartbeat,
            scheduled_time=self.clock.now,
            started_time=self.clock.now,
            current_attempt_scheduled_time=self.clock.now,
            retry_policy=options.retry_policy,
        )
        call_args = (args,) if defn.takes_args else ()
        if fake is not None:

            async def run_fake() -> Any:
                value = fake(*call_args)
                return await value if inspect.isawaitable(value) else value

            work: Any = env.run(run_fake)
        elif defn.is_async:
            work = env.run(defn.fn, *call_args)
        else:
            work = asyncio.to_thread(env.run, defn.fn, *call_args)
        limit = options.start_to_close or options.schedule_to_close
        self._busy += 1
        try:
            value = await asyncio.wait_for(work, limit.total_seconds() if limit else None)
        except asyncio.CancelledError:
            # The workflow was cancelled: tell the activity, as a worker does. An async one
            # is already cancelled at its await; for one in a thread this sets
            # `activity.is_cancelled()` and raises CancelledError in the thread.
            env.cancel()
            raise
        except TimeoutError:
            raise temporalio.exceptions.TimeoutError(
                f"activity StartToClose timeout ({limit})",
                type=temporalio.exceptions.TimeoutType.START_TO_CLOSE,
                last_heartbeat_details=[],
            ) from None
        finally:
            self._busy -= 1
            if self._activity_done is not None:
                self._activity_done.set()
        value = _check_result(defn.name, defn.result_adapter, value)
        call.result = value
        return json_round_trip(value, f"the result of activity '{defn.name}'")

    # -- running workflows ---------------------------------------------------------------------

    def launch(self, execution: Execution, delay: timedelta | None) -> None:
        execution.task = asyncio.get_running_loop().create_task(
            self._run(execution, delay), name=f"in-memory {execution.label}"
        )
        self._progress += 1

    async def _run(self, execution: Execution, delay: timedelta | None) -> None:
        try:
            if delay:
                with execution.waiting(f"its start delay of {delay}"):
                    await self.clock.timer(delay, f"{execution.label} start delay")
            execution.execution_time = self.clock.now
            method, kwargs = decode_envelope(execution.definition, (execution.envelope,))
            cls: Any = execution.definition.cls
            instance: Any = cls.__new__(cls)
            runtime: WorkflowRuntime = InMemoryWorkflowRuntime(self, execution)
            setattr(instance, RUNTIME_ATTR, runtime)
            instance.__init__()
            execution.instance = instance
            for name, args in execution.buffered_signals:
                self.deliver_signal(execution, name, args)
            execution.buffered_signals.clear()
            value = await getattr(instance, method.name)(**kwargs)
            result = json_round_trip(value, f"the result of {execution.label}")
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

    def fail(self, execution: Execution, err: BaseException) -> None:
        """Close `execution` as a Temporal worker would for an exception the workflow raised."""
        if isinstance(err, temporalio.exceptions.CancelledError) and execution.cancel_requested:
            execution.close(ExecutionStatus.CANCELED, self.clock.now, failure=err)
            return
        if not isinstance(err, temporalio.exceptions.FailureError):
            # On a worker, any other exception fails the workflow *task*, which Temporal
            # retries forever: the workflow would hang. Fail it instead, and say so.
            failure = temporalio.exceptions.ApplicationError(
                f"{err} (a {type(err).__name__} raised in workflow code fails the workflow task on a "
                "Temporal worker, which retries it forever; raise ApplicationError to fail the workflow)",
                type=type(err).__name__,
                non_retryable=True,
            )
            err = failure
        execution.close(ExecutionStatus.FAILED, self.clock.now, failure=err)
        self._cancel_tasks(execution)

    @staticmethod
    def _cancel_tasks(execution: Execution) -> None:
        current = asyncio.current_task()
        for task in (execution.task, *execution.handler_tasks):
            if task is not None and task is not current and not task.done():
                task.cancel()

    def terminate(self, execution: Execution, failure: BaseException, status: ExecutionStatus) -> None:
        execution.close(status, self.clock.now, failure=failure)
        self._cancel_tasks(execution)
        self._progress += 1

    def spawn(self, execution: Execution, coro: Any, what: str) -> asyncio.Task[Any]:
        """Run a signal or update handler as a task of `execution`."""

        async def run() -> Any:
            try:
                with execution.waiting(what):
                    return await coro
            finally:
                self.recheck(execution)
                self._progress += 1

        task = asyncio.get_running_loop().create_task(run(), name=f"{execution.label} {what}")
        execution.handler_tasks.add(task)
        task.add_done_callback(execution.handler_tasks.discard)
        return task

    def deliver_signal(self, execution: Execution, name: str, args: list[Any]) -> None:
        execution.events += 1
        self._progress += 1
        if execution.instance is None:
            execution.buffered_signals.append((name, args))
            return
        handler = execution.definition.signals.get(name)
        if handler is None:
            logger.warning("%s: no signal handler named %r; the signal is dropped", execution.label, name)
            return
        try:
            call_args = handler.validate_args(tuple(args))
        except InputError as err:
            logger.warning("dropping signal: %s", err)
            return
        try:
            result = getattr(execution.instance, handler.attr)(*call_args)
        except Exception as err:
            self.fail(execution, err)
            return
        if inspect.isawaitable(result):
            task = self.spawn(execution, result, f"signal handler '{name}'")
            task.add_done_callback(lambda t: self._handler_done(execution, t))
        else:
            self.recheck(execution)

    def _handler_done(self, execution: Execution, task: asyncio.Task[Any]) -> None:
        if task.cancelled() or task.exception() is None:
            return
        self.fail(execution, cast(BaseException, task.exception()))

    def query(self, execution: Execution, name: str, args: list[Any]) -> Any:
        handler = execution.definition.queries.get(name)
        if handler is None:
            known = sorted(execution.definition.queries)
            raise temporalio.client.WorkflowQueryFailedError(
                f"Query handler for '{name}' expected but not found, known queries: {known}"
            )
        if execution.instance is None:
            raise temporalio.client.WorkflowQueryFailedError(f"{execution.label} has not started yet")
        try:
            call_args = handler.validate_args(tuple(args))
            value = getattr(execution.instance, handler.attr)(*call_args)
            if inspect.iscoroutine(value):
                value = run_to_completion(value, handler.qualname)  # pyright: ignore[reportUnknownArgumentType]
        except Exception as err:
            raise temporalio.client.WorkflowQueryFailedError(_describe(_as_failure(err))) from err
        return json_round_trip(value, f"the result of query '{name}'")

    async def update(self, execution: Execution, name: str, args: list[Any]) -> Any:
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
        # Rejections are raised outside the except blocks: `raise ... from` would replace the
        # update error's cause, which carries the rejection.
        problem: BaseException | None = None
        call_args: list[Any] = []
        try:
            call_args = handler.validate_args(tuple(args))
            if handler.validator is not None:
                handler.validator(execution.instance, *call_args)
        except InputError as err:
            problem = temporalio.exceptions.ApplicationError(
                str(err), type="InvalidUpdateInput", non_retryable=True
            )
        except Exception as err:
            problem = _as_failure(err)
        if problem is not None:
            raise temporalio.client.WorkflowUpdateFailedError(problem)
        execution.events += 2
        task = self.spawn(
            execution, getattr(execution.instance, handler.attr)(*call_args), f"update handler '{name}'"
        )
        await self.wait_for(execution, task)
        if task.cancelled():
            raise temporalio.client.WorkflowUpdateFailedError(
                temporalio.exceptions.CancelledError(
                    f"update '{name}' was cancelled: {execution.label} closed"
                )
            )
        failed = task.exception()
        if failed is not None:
            raise temporalio.client.WorkflowUpdateFailedError(_as_failure(failed))
        return json_round_trip(task.result(), f"the result of update '{name}'")

    # -- the driver ------------------------------------------------------------------------------

    async def wait_for(self, execution: Execution, future: asyncio.Future[Any]) -> None:
        """Await `future` while driving virtual time for everything this engine runs."""
        if future.done():
            return
        key = id(future)
        self._waiters[key] = (execution, future)
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

    def _loop_idle(self) -> bool:
        # Nothing else is scheduled to run on this loop right now (CPython's ready queue).
        ready = getattr(asyncio.get_running_loop(), "_ready", None)
        return ready is None or len(ready) == 0

    async def _drive(self) -> None:
        if self._activity_done is None:
            self._activity_done = asyncio.Event()
        idle_rounds = 0
        while self._waiters:
            await asyncio.sleep(0)
            seen = self._progress
            if self.recheck() or not self._loop_idle():
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
        for execution, future in list(self._waiters.values()):
            if future.done() or not execution.running:
                continue
            waits = sorted(set(execution.waits.values())) or ["something outside the workflow helpers"]
            nested = "".join(f"; {c}" for c in _child_waits(execution))
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

    # -- starting and awaiting executions (also the building blocks for child workflows) ----

    def start(
        self,
        definition: WorkflowDefinition,
        *,
        method: MethodDefinition,
        workflow_id: str,
        task_queue: str,
        envelope: dict[str, Any],
        memo: dict[str, Any],
        start_delay: timedelta | None = None,
        execution_timeout: timedelta | None = None,
        search_attributes: Mapping[str, Any] | None = None,
    ) -> Execution:
        """Create an execution for an already JSON-encoded `envelope` and start running it."""
        execution = Execution(
            workflow_id=workflow_id,
            run_id=str(uuid.uuid4()),
            definition=definition,
            method=method,
            task_queue=task_queue,
            start_time=self.clock.now,
            envelope=envelope,
            memo=memo,
            search_attributes=dict(search_attributes or {}),
        )
        self.executions[workflow_id] = execution
        self.runs[execution.run_id] = execution
        execution.done.add_done_callback(lambda _: self._close_children(execution))
        self.launch(execution, start_delay)
        if execution_timeout is not None:
            self._watch_timeout(execution, execution_timeout)
        return execution

    def request_cancel(self, execution: Execution) -> None:
        """Ask a running workflow to cancel: it sees `CancelledError` at its current await."""
        if not execution.running:
            return
        execution.cancel_requested = True
        execution.events += 1
        self._progress += 1
        if execution.task is not None:
            execution.task.cancel()

    def continue_as_new(self, execution: Execution, request: ContinueAsNew) -> Execution:
        """Close `execution` as CONTINUED_AS_NEW and start the next run under its workflow id.

        The new run keeps the id, task queue, memo (updated by `request.memo`) and search
        attributes, and gets a fresh instance, run id and history, as on a server.
        """
        definition = _workflow_named(request.workflow)
        envelope = json_round_trip(dict(request.envelope), f"the continue-as-new input of {execution.label}")
        method = definition.method(envelope["method"])
        execution.close(ExecutionStatus.CONTINUED_AS_NEW, self.clock.now)
        new = self.start(
            definition,
            method=method,
            workflow_id=execution.workflow_id,
            task_queue=execution.task_queue,
            envelope=envelope,
            memo={**execution.memo, **request.memo},
            search_attributes=execution.search_attributes,
        )
        # Cancellation requested on the old run is not carried: the old run consumed it.
        execution.next_run = new
        return new

    def start_child(
        self, parent: Execution, workflow: str, envelope: dict[str, Any], options: ChildOptions
    ) -> Execution:
        """Start child workflow type `workflow` of `parent`, as a worker's start_child_workflow.

        Raises temporalio's `WorkflowAlreadyStartedError` when the id is taken (a running
        workflow, or a closed one that the id reuse policy does not allow to reuse).
        """
        definition = _workflow_named(workflow)
        encoded = json_round_trip(dict(envelope), f"the input of child workflow {definition.name}")
        method = definition.method(encoded["method"])
        workflow_id = options.workflow_id or f"{definition.name}-{method.name}-{uuid.uuid4()}"
        existing = self.executions.get(workflow_id)
        if existing is not None:
            reuse = options.id_reuse_policy or temporalio.common.WorkflowIDReusePolicy.ALLOW_DUPLICATE
            taken = (
                existing.running
                or reuse is temporalio.common.WorkflowIDReusePolicy.REJECT_DUPLICATE
                or (
                    reuse is temporalio.common.WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY
                    and existing.status is ExecutionStatus.COMPLETED
                )
            )
            if taken:
                raise temporalio.exceptions.WorkflowAlreadyStartedError(
                    workflow_id, definition.name, run_id=existing.run_id
                )
        attributes: dict[str, Any] = {}
        if options.search_attributes is not None:
            pairs: list[temporalio.common.SearchAttributePair[Any]] = list(options.search_attributes)
            attributes = {pair.key.name: pair.value for pair in pairs}
        child = self.start(
            definition,
            method=method,
            workflow_id=workflow_id,
            task_queue=options.task_queue or parent.task_queue,
            envelope=encoded,
            memo=dict(options.memo or {}),
            execution_timeout=options.execution_timeout,
            search_attributes=attributes,
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

    async def outcome(self, execution: Execution) -> Any:
        """Wait until `execution` closes and return its JSON result.

        For waits inside a workflow (a parent on its child): it does not drive time, the
        caller's driver does. A failure is raised as temporalio's `WorkflowFailureError`.
        """
        await asyncio.shield(execution.done)
        if execution.failure is not None:
            raise temporalio.client.WorkflowFailureError(cause=execution.failure)
        return execution.result

    def _watch_timeout(self, execution: Execution, timeout: timedelta) -> None:
        timer = self.clock.timer(timeout, f"{execution.label} execution timeout")

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


def _child_waits(parent: Execution) -> list[str]:
    """What the running children of `parent` (and theirs) wait for, for blocked errors."""
    found: list[str] = []
    for child, _ in parent.children:
        run = child.latest
        if run.running and run.waits:
            found.append(f"its child {run.label} waits for {', '.join(sorted(set(run.waits.values())))}")
            found += _child_waits(run)
    return found


def _workflow_named(name: str) -> WorkflowDefinition:
    found = _registry.workflows.get(name)
    if found is None:
        raise temporalio.exceptions.ApplicationError(
            f"no workflow named {name!r} is defined in this process; import its module before "
            f"starting it (known: {_registry.workflows.names()})",
            type="WorkflowNotFound",
            non_retryable=True,
        )
    return found


def utc_now() -> datetime:
    """The wall-clock time in UTC, where the virtual clock starts by default."""
    return datetime.now(UTC)
