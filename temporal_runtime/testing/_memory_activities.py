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
from datetime import timedelta
from typing import Any

import temporalio.common
import temporalio.exceptions
from temporalio.testing import ActivityEnvironment

from temporal_runtime._internal._activity_defn import ActivityDefinition
from temporal_runtime._internal._codec import TemporalCodec
from temporal_runtime.options import ActivityOptions
from temporal_runtime.testing._clock import VirtualClock
from temporal_runtime.testing._memory_state import (
    CONVERTER,
    ActivityCall,
    Execution,
    as_failure,
    describe,
    json_round_trip,
)


def backoff(policy: temporalio.common.RetryPolicy, attempt: int) -> timedelta:
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


class ActivityRunner:
    """The activity side of the scheduler (a base class of `Scheduler`)."""

    clock: VirtualClock
    fakes: dict[str, Callable[..., Any]]
    calls: list[ActivityCall]
    max_activity_attempts: int
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
        fake = self.fakes.get(defn.name)
        payloads: tuple[Any, ...] = ()
        if defn.takes_args:
            payloads = (json_round_trip(args, f"the input of activity '{defn.name}'", self.codec),)
        policy = options.retry_policy or temporalio.common.RetryPolicy()
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
                    execution, defn=defn, fake=fake, payloads=payloads, options=options, call=call
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
        args = defn.decode_args(payloads)
        call.args = args
        env = ActivityEnvironment()
        env.payload_converter = CONVERTER
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
        else:
            work = asyncio.to_thread(env.run, defn.fn, *call_args)
        limit = options.timeout or options.schedule_to_close
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
        value = defn.check_result(value)
        call.result = value
        return json_round_trip(value, f"the result of activity '{defn.name}'", self.codec)
