"""`InMemoryEngine`: the calling surface both engines share, run in-process on virtual time."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

import temporalio.common
import temporalio.converter
import temporalio.exceptions

from temporal_runtime._internal import _envelope, _registry
from temporal_runtime._internal._codec import resolve_codec
from temporal_runtime._internal._failures import translate
from temporal_runtime._internal._handles import RawWorkflowHandle
from temporal_runtime._internal._start import StartRequest
from temporal_runtime.activity import Activity
from temporal_runtime.client import ExecutionStatus, WorkflowStatus
from temporal_runtime.codec import PayloadCodec
from temporal_runtime.config import RuntimeConfig, current_config, to_timedelta
from temporal_runtime.errors import RegistrationError
from temporal_runtime.options import StartOptions
from temporal_runtime.testing._memory import Scheduler, id_taken
from temporal_runtime.testing._memory_async import pending_activities
from temporal_runtime.testing._memory_handle import InMemoryWorkflowHandle, not_found
from temporal_runtime.testing._memory_messaging import InMemoryMessaging, refuse_unhonoured
from temporal_runtime.testing._memory_replay import divergence
from temporal_runtime.testing._memory_runtime import InMemoryWorkflowRuntime
from temporal_runtime.testing._memory_state import ActivityCall, Execution, json_round_trip, utc_now
from temporal_runtime.testing._workflow_fakes import FakeTable, WorkflowFakes

__all__ = ["ActivityCall", "InMemoryEngine"]

_Policy = temporalio.common.WorkflowIDConflictPolicy


class InMemoryEngine(InMemoryMessaging):
    """Runs workflows in this process with no server: `TemporalEngine`'s surface, virtual time.

    ``MyWorkflow.client(engine)``, ``.async_``, ``.after(n)``, ``.with_options(...)``, handles,
    and ``engine.signal/query/update/cancel/terminate/get_status/get_result`` all work. Inputs
    and results make the same JSON round trip as on a server (Pydantic payload converter) and
    are validated the same way. Activities run their real implementation unless replaced by
    a fake in `activities` (keyed by the activity object or its name); each attempt is
    recorded (`calls`). Retry policies and start-to-close timeouts are honoured. A `codec`
    (else the configured one, as on `TemporalEngine`) encodes and decodes every payload of
    that round trip; it must not wait for I/O, and one that cannot decode what it encoded
    fails the call or the run at that point (on a server, such a start succeeds and the
    workflow fails). ``activity_processes=N`` runs the ``def`` activities in N processes, as
    `TemporalEngine` does (a test shows they pickle); `raise_complete_async` works here too.

    Time is virtual, as on Temporal's time-skipping test server: while a caller awaits a
    workflow's result or an update, `sleep`, timers and ``.after(n)`` delays complete at
    once and `now()` jumps ahead. A workflow that waits for something no one can deliver
    fails with `WorkflowFailedError` (root cause ``WorkflowBlocked``) that names the wait.

    Every start option is honoured: id policies, ``start_delay``, the execution and run
    timeouts, ``task_timeout`` (a workflow task that runs longer fails the run, where a server
    would retry it for ever), the workflow's ``retry_policy`` (a failed run is retried as a new
    run of the same id), memo, search attributes and ``request_eager_start`` (every start is
    eager here); unset options take the defaults of `config`, as on `TemporalEngine`.
    ``cron_schedule`` is refused with `OptionError` (there is no cron scheduler in memory).
    Priority, fairness and the Web UI's summary and details are recorded (`get_status`,
    `calls`, `current_details`): with no backlog, nothing to order.
    The lifecycle is the same: ``start()`` (or ``async with``) before use,
    `EngineNotStartedError` after ``stop()``.

    Child workflows run as further workflows of this engine (with their parent close
    policy), continue-as-new starts the next run under the same id (`run_ids`), `patched`
    is always True, and search attributes are read with `search_attributes`. `children` maps
    a workflow class, its name, or one entry method (``Child.method``) to a fake run in place
    of the entry method (with its kwargs; it returns the result). ``self.info.history_length``
    counts the events a run records; with `suggest_continue_as_new_after` set,
    ``self.info.continue_as_new_suggested`` is True from that many events on. `advance` and
    `get_current_time` move and read the virtual clock, as `LocalEngine`'s do the server's.

    Every run is replayed when it closes, as a Temporal worker replays a workflow after a
    restart: the engine runs the workflow's code again from the start against what the run
    asked for and got (activities with their inputs, timers, children, continue-as-new,
    patches, signals, updates), and the first command that differs raises `ReplayError`
    where the result is awaited (or at ``stop()``, for a run nobody awaited). Pass
    ``replay=False`` to skip it. Runs the engine ended (terminated, timed out, blocked) are
    not replayed.

    Example:
        >>> import asyncio
        >>> from temporal_runtime import Workflow
        >>> class DocNap(Workflow):
        ...     async def nap(self, hours: int) -> str:
        ...         await self.sleep(hours * 3600)
        ...         return f"woke at {self.now():%H}h"
        >>> async def main() -> str:
        ...     async with InMemoryEngine(start_time=datetime(2024, 1, 1)) as engine:
        ...         return await DocNap.client(engine).nap(5)
        >>> asyncio.run(main())
        'woke at 05h'
    """

    def __init__(
        self,
        activities: Mapping[Activity[Any, Any] | str, Callable[..., Any]] | None = None,
        *,
        task_queue: str = "in-memory",
        start_time: datetime | None = None,
        max_activity_attempts: int = 100,
        deadlock_grace: float = 0.02,
        config: RuntimeConfig | None = None,
        activity_processes: int | None = None,
        codec: PayloadCodec | temporalio.converter.PayloadCodec | None = None,
        suggest_continue_as_new_after: int | None = None,
        children: WorkflowFakes | None = None,
        replay: bool = True,
    ) -> None:
        fakes: dict[str, Callable[..., Any]] = {}
        for key, fake in (activities or {}).items():
            name = key.definition.name if isinstance(key, Activity) else key
            if _registry.activities.get(name) is None:
                raise RegistrationError(
                    f"InMemoryEngine(activities=...): no activity named {name!r} is registered; "
                    f"known: {_registry.activities.names()}"
                )
            fakes[name] = fake
        start = start_time or utc_now()
        if start.tzinfo is None:
            start = start.replace(tzinfo=utc_now().tzinfo)
        self.config: RuntimeConfig = config or current_config()
        self.task_queue = task_queue
        self.namespace = "default"
        config_used = self.config
        self._scheduler = Scheduler(
            start_time=start,
            fakes=fakes,
            max_activity_attempts=max_activity_attempts,
            deadlock_grace=deadlock_grace,
            runtime=lambda scheduler, execution: InMemoryWorkflowRuntime(
                scheduler, execution, config_used, suggest_continue_as_new_after
            ),
            activity_processes=activity_processes,
            codec=resolve_codec(codec, self.config),
            workflow_fake=FakeTable(children, "InMemoryEngine").get,
            replay=replay,
        )

    # -- the backend of the calling surface ------------------------------------------------

    async def _open(self) -> None:
        return None

    async def _close(self) -> None:
        # Nothing outlives the engine: every workflow still running is terminated.
        for execution in self._scheduler.executions.values():
            if execution.running:
                self._scheduler.terminate(
                    execution,
                    temporalio.exceptions.TerminatedError("engine stopped"),
                    ExecutionStatus.TERMINATED,
                )
        await asyncio.sleep(0)
        self._scheduler.close_processes()
        # A run that diverged on replay must not pass unseen because nobody awaited it.
        diverged = divergence(list(self._scheduler.runs.values()), unreported=True)
        if diverged is not None:
            raise diverged

    async def _start_run(self, request: StartRequest) -> RawWorkflowHandle:
        workflow, envelope, memo, options = request.workflow, request.envelope, request.memo, request.options
        workflow_id, task_queue = request.workflow_id, request.task_queue
        refuse_unhonoured(workflow, options)
        options = dataclasses.replace(options, workflow_id=workflow_id, task_queue=task_queue)
        codec = self._scheduler.codec
        encoded = json_round_trip(envelope, f"the input of {workflow.name}", codec)
        method = request.method
        existing = self._scheduler.executions.get(workflow_id)
        if existing is not None and self._conflict(existing, options):
            return InMemoryWorkflowHandle(self._scheduler, existing.workflow_id, existing.run_id)
        attributes = None
        if options.search_attributes is not None:
            pairs: list[temporalio.common.SearchAttributePair[Any]] = list(options.search_attributes)
            attributes = {pair.key.name: pair.value for pair in pairs}
        execution = self._scheduler.start(
            workflow,
            method=method,
            envelope=encoded,
            memo=json_round_trip(memo, f"the memo of {workflow.name}", codec),
            options=options,
            search_attributes=attributes,
        )
        await asyncio.sleep(0)
        return InMemoryWorkflowHandle(self._scheduler, execution.workflow_id, execution.run_id)

    def _conflict(self, existing: Execution, options: StartOptions) -> bool:
        """True to attach to `existing`; raises when the id policies refuse a new run."""
        if existing.running:
            policy = options.id_conflict_policy or _Policy.UNSPECIFIED
            if policy is _Policy.USE_EXISTING:
                return True
            if policy is _Policy.TERMINATE_EXISTING:
                self._scheduler.terminate(
                    existing,
                    temporalio.exceptions.TerminatedError("terminated by a new start (TERMINATE_EXISTING)"),
                    ExecutionStatus.TERMINATED,
                )
                return False
        elif not id_taken(existing, options.id_reuse_policy):
            return False
        raise temporalio.exceptions.WorkflowAlreadyStartedError(
            existing.workflow_id, existing.definition.name, run_id=existing.run_id
        )

    def _run_handle(self, workflow_id: str, run_id: str | None) -> RawWorkflowHandle:
        return InMemoryWorkflowHandle(self._scheduler, workflow_id, run_id)

    async def _wait_result(self, handle: RawWorkflowHandle, timeout: float | None) -> Any:
        if not isinstance(handle, InMemoryWorkflowHandle):
            raise TypeError(f"{handle!r} is not a handle of this engine")
        return await asyncio.wait_for(handle.result(patient=timeout is not None), timeout)

    def _execution(self, workflow_id: str, run_id: str | None = None) -> Execution:
        found = self._scheduler.executions.get(workflow_id)
        if run_id is not None:
            found = self._scheduler.runs.get(run_id)
            found = found if found is not None and found.workflow_id == workflow_id else None
        if found is None:
            raise translate(not_found(workflow_id), workflow_id=workflow_id, action="lookup")
        return found

    async def _describe_run(self, workflow_id: str, run_id: str | None) -> WorkflowStatus:
        ex = self._execution(workflow_id, run_id)
        return WorkflowStatus(
            workflow_id=ex.workflow_id,
            run_id=ex.run_id,
            workflow_type=ex.definition.name,
            method=_envelope.recorded_method(ex.memo) or ex.method.name,
            status=ex.status,
            task_queue=ex.task_queue,
            start_time=ex.start_time,
            execution_time=ex.execution_time,
            close_time=ex.close_time,
            history_length=ex.events,
            memo=_envelope.user_memo(ex.memo),
            search_attributes=dict(ex.search_attributes),
            pending_activities=pending_activities(ex),
            summary=ex.options.summary,
            details=ex.options.details,
            priority=ex.options.priority,
            fairness_key=ex.options.fairness_key,
            fairness_weight=ex.options.fairness_weight,
        )

    # -- what tests look at ----------------------------------------------------------------

    @property
    def now(self) -> datetime:
        """The engine's virtual time."""
        return self._scheduler.clock.now

    async def get_current_time(self) -> datetime:
        """The engine's virtual time, as `LocalEngine.get_current_time` reads the server's.

        Example:
            >>> import asyncio
            >>> engine = InMemoryEngine(start_time=datetime(2030, 1, 1))
            >>> asyncio.run(engine.get_current_time()).year
            2030
        """
        return self._scheduler.clock.now

    def calls(self, activity: Activity[Any, Any] | str | None = None) -> list[ActivityCall]:
        """Every recorded attempt of `activity` (or of all activities), in order.

        Example:
            >>> InMemoryEngine().calls("send_email")
            []
        """
        if activity is None:
            return list(self._scheduler.calls)
        name = activity.definition.name if isinstance(activity, Activity) else activity
        return [c for c in self._scheduler.calls if c.activity == name]

    async def advance(self, seconds: float | timedelta) -> None:
        """Move virtual time forward, firing the timers due, and let woken workflows run.

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     await engine.advance(3600)    # an hour passes for every workflow
        """
        target = self._scheduler.clock.now + to_timedelta(seconds)
        while True:
            deadline = self._scheduler.clock.next_deadline()
            if deadline is None or deadline > target:
                break
            self._scheduler.clock.advance_to(deadline)
            for _ in range(5):
                await asyncio.sleep(0)
        self._scheduler.clock.advance_to(target)
        for _ in range(5):
            await asyncio.sleep(0)

    def search_attributes(self, workflow_id: str, run_id: str | None = None) -> dict[str, Any]:
        """The search attributes of a workflow (its latest run unless `run_id` is given).

        Set at start (``with_options(search_attributes=...)``), by a parent for its child,
        and by ``self.upsert_search_attributes`` (None removes one); carried to the next
        run by continue-as-new. `WorkflowStatus` has no field for them, hence this accessor.

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     assert engine.search_attributes("order-42") == {"Customer": "acme"}
        """
        return dict(self._execution(workflow_id, run_id).search_attributes)

    def current_details(self, workflow_id: str, run_id: str | None = None) -> str:
        """What the workflow last said with ``self.set_current_details`` ("" if nothing).

        On a server the Web UI and ``temporal workflow metadata`` show the same text.

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     assert engine.current_details("order-42") == "charging the card"
        """
        return self._execution(workflow_id, run_id).current_details

    def run_ids(self, workflow_id: str) -> list[str]:
        """Every run id of `workflow_id`, oldest first (continue-as-new and retries add one each).

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     first, *rest = engine.run_ids("batch-1")
        """
        return [r.run_id for r in self._scheduler.runs.values() if r.workflow_id == workflow_id]

    def workflow_ids(self) -> Iterable[str]:
        """The ids of every workflow this engine has started.

        Example:
            >>> list(InMemoryEngine().workflow_ids())
            []
        """
        return list(self._scheduler.executions)

    def __repr__(self) -> str:
        return f"<InMemoryEngine now={self.now.isoformat()} workflows={len(self._scheduler.executions)}>"
