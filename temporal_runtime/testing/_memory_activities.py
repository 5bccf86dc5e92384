"""Activities in `InMemoryEngine`: attempts, retries, timeouts, fakes, and the record of calls.

Each attempt runs the real implementation (or the test's fake) with the same input and
result validation as a worker, inside temporalio's `ActivityEnvironment` so that
`activity_info()`, `heartbeat()` and cancellation behave as on a worker. Retries follow the
call's retry policy on virtual time.
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
from collections.abc import Callable
from concurrent.futures import Executor
from datetime import timedelta
from typing import Any

import temporalio.activity
import temporalio.common
import temporalio.exceptions
from temporalio.testing import ActivityEnvironment

from temporal_runtime._internal._activity_defn import ActivityDefinition
from temporal_runtime._internal._codec import TemporalCodec
from temporal_runtime._internal._processes import process_pool
from temporal_runtime.options import ActivityOptions
from temporal_runtime.testing._clock import VirtualClock
from temporal_runtime.testing._memory_async import (
    COMPLETE_ASYNC,
    AsyncCompletions,
    record_heartbeat,
    task_token,
)
from temporal_runtime.testing._memory_state import (
    CONVERTER,
    ActivityCall,
    Execution,
    PendingState,
    as_failure,
    describe,
    json_round_trip,
)


def run_in_process(
    entry: Callable[..., Any], info: temporalio.activity.Info, payloads: tuple[Any, ...]
) -> Any:
    """Run a `def` activity's entry in a pool process, with `activity_info()` as in the engine."""
    env = ActivityEnvironment()
    env.payload_converter = CONVERTER
    env.info = info
    sent = env.run(entry, *payloads)
    # The entry hands its result over encoded (its size checked), as a worker sends it.
    return CONVERTER.from_payload(sent.payload) if isinstance(sent, temporalio.common.RawValue) else sent


def backoff(policy: temporalio.common.RetryPolicy, attempt: int) -> timedelta:
    cap = policy.maximum_interval or policy.initial_interval * 100
    # In seconds, with the exponent bounded: many retries must not overflow a timedelta.
    growth = policy.backoff_coefficient ** min(attempt - 1, 64)
    return min(
        timedelta(seconds=min(policy.initial_interval.total_seconds() * growth, cap.total_seconds())), cap
    )


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


class ActivityRunner(AsyncCompletions):
    """The activity side of the scheduler (a base class of `Scheduler`)."""

    clock: VirtualClock
    fakes: dict[str, Callable[..., Any]]
    calls: list[ActivityCall]
    max_activity_attempts: int
    # With a number, `def` activities run in a pool of that many processes (else a thread each).
    activity_processes: int | None
    processes: Executor | None

    def close_processes(self) -> None:
        """Stop the process pool, if one was started."""
        if self.processes is not None:
            self.processes.shutdown(wait=False, cancel_futures=True)
            self.processes = None

    codec: TemporalCodec | None
    _busy: int
    _progress: int
    _activity_done: asyncio.Event | None

    def recheck(self, execution: Execution | None = None) -> bool:
        raise NotImplementedError

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
        policy = options.retry_policy or temporalio.common.RetryPolicy()
        execution.activity_seq += 1
        pending = PendingState(
            str(execution.activity_seq), defn.name, self.clock.now, policy.maximum_attempts
        )
        if not local:  # a local activity lives in its worker only: a server lists none as pending
            execution.pending[pending.activity_id] = pending
        try:
            return await self._attempts(execution, defn, args, options, pending=pending, local=local)
        finally:
            # A run that closed meanwhile is described as it was then, as on a server.
            if execution.running:
                execution.pending.pop(pending.activity_id, None)

    async def _attempts(
        self,
        execution: Execution,
        defn: ActivityDefinition,
        args: Any,
        options: ActivityOptions,
        *,
        pending: PendingState,
        local: bool,
    ) -> Any:
        fake = self.fakes.get(defn.name)
        policy = options.retry_policy or temporalio.common.RetryPolicy()
        payloads: tuple[Any, ...] = ()
        if defn.takes_args:
            payloads = (json_round_trip(args, f"the input of activity '{defn.name}'", self.codec),)
        deadline = self.clock.now + options.schedule_to_close if options.schedule_to_close else None
        attempt = 0
        while True:
            attempt += 1
            call = ActivityCall(
                defn.name,
                None,
                attempt,
                execution.workflow_id,
                fake=fake is not None,
                local=local,
                options=options,
            )
            self.calls.append(call)
            execution.events += 2
            try:
                value = await self._attempt(
                    execution,
                    defn=defn,
                    fake=fake,
                    payloads=payloads,
                    options=options,
                    call=call,
                    pending=pending,
                )
            except asyncio.CancelledError:
                call.error = "CancelledError: the workflow was cancelled"
                raise
            except BaseException as err:
                failure = as_failure(err)
                call.error = describe(failure)
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
                        f"activity '{defn.name}' failed {attempt} times (last: {describe(failure)}) and its "
                        "retry policy allows unlimited attempts; InMemoryEngine stops at "
                        f"max_activity_attempts={self.max_activity_attempts}. Set maximum_attempts, or "
                        "make the fake succeed",
                        type="TooManyActivityAttempts",
                        non_retryable=True,
                    )
                    raise _activity_failed(
                        defn, attempt, temporalio.exceptions.RetryState.MAXIMUM_ATTEMPTS_REACHED, stop
                    ) from stop
                delay = backoff(policy, attempt)
                # As a server describes a retry: the next attempt, when it is due, and why.
                pending.last_failure, pending.attempt, pending.state = failure, attempt + 1, "SCHEDULED"
                pending.scheduled_time, pending.last_started_time = self.clock.now + delay, None
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
            return value  # JSON: the runtime converts it to the activity's Result

    async def _attempt(
        self,
        execution: Execution,
        *,
        defn: ActivityDefinition,
        fake: Callable[..., Any] | None,
        payloads: tuple[Any, ...],
        options: ActivityOptions,
        call: ActivityCall,
        pending: PendingState,
    ) -> Any:
        args = defn.decode_args(payloads)
        call.args = args
        pending.state, pending.last_started_time = "STARTED", self.clock.now
        token = task_token(execution, pending)
        env = ActivityEnvironment()
        env.payload_converter = CONVERTER
        env.on_heartbeat = lambda *details: record_heartbeat(pending, self.clock.now, details, self.codec)
        env.info = dataclasses.replace(
            env.info,
            task_token=token,
            activity_id=pending.activity_id,
            activity_type=defn.name,
            attempt=call.attempt,
            is_local=call.local,
            workflow_id=execution.workflow_id,
            workflow_run_id=execution.run_id,
            workflow_type=execution.definition.name,
            task_queue=execution.task_queue,
            start_to_close_timeout=options.timeout,
            schedule_to_close_timeout=options.schedule_to_close,
            heartbeat_timeout=options.heartbeat_timeout,
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
        elif self.activity_processes:
            # The entry validates in the pool process, as a worker's process pool runs it.
            if self.processes is None:
                self.processes = process_pool(self.activity_processes)
            loop = asyncio.get_running_loop()
            work = loop.run_in_executor(self.processes, run_in_process, defn.temporal_fn, env.info, payloads)
        else:
            work = asyncio.to_thread(env.run, defn.fn, *call_args)
        limit = options.timeout or options.schedule_to_close
        self._busy += 1
        later = False
        value: Any = None
        try:
            value = await asyncio.wait_for(work, limit.total_seconds() if limit else None)
        except COMPLETE_ASYNC:
            later = True
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
        if later:
            # Completed from outside: the worker never sees the result, the workflow checks it.
            return await self.completed_later(execution, pending, token, limit)
        value = defn.check_result(value)
        call.result = value
        return json_round_trip(value, f"the result of activity '{defn.name}'", self.codec)
