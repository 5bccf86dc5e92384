"""`InMemoryEngine`: `TemporalEngine`'s calling surface, run in-process on virtual time."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any, TypeVar, cast

import temporalio.client
import temporalio.common
import temporalio.exceptions
import temporalio.service

from temporal_runtime._internal import _registry
from temporal_runtime._internal._search import search_attribute_pairs
from temporal_runtime._internal._workflow_defn import MethodDefinition, WorkflowDefinition
from temporal_runtime.activity import Activity
from temporal_runtime.client import (
    ExecutionStatus,
    MethodHandle,
    StartOptions,
    WorkflowClient,
    WorkflowStatus,
)
from temporal_runtime.config import to_timedelta
from temporal_runtime.engine import _definition  # pyright: ignore[reportPrivateUsage]
from temporal_runtime.errors import RegistrationError
from temporal_runtime.testing._memory import ActivityCall, Execution, Scheduler, json_round_trip, utc_now

__all__ = ["ActivityCall", "InMemoryEngine"]

W = TypeVar("W")
_Policy = temporalio.common.WorkflowIDConflictPolicy
_Reuse = temporalio.common.WorkflowIDReusePolicy


def _not_found(workflow_id: str) -> temporalio.service.RPCError:
    return temporalio.service.RPCError(
        f"workflow not found for ID: {workflow_id}", temporalio.service.RPCStatusCode.NOT_FOUND, b""
    )


class _InMemoryWorkflowHandle:
    """The slice of temporalio's `WorkflowHandle` that `MethodHandle` uses, kept in memory.

    It raises temporalio's client errors, so `MethodHandle` translates failures exactly as
    it does for a real server.
    """

    def __init__(self, scheduler: Scheduler, workflow_id: str, run_id: str | None) -> None:
        self._scheduler = scheduler
        self.id = workflow_id
        self.run_id = run_id
        self.first_execution_run_id = run_id

    def _execution(self) -> Execution:
        if self.run_id is not None:
            run = self._scheduler.runs.get(self.run_id)
            if run is None or run.workflow_id != self.id:
                raise _not_found(self.id)
            # A started run's handle follows its continue-as-new runs, as temporalio's does.
            return run.latest
        found = self._scheduler.executions.get(self.id)
        if found is None:
            raise _not_found(self.id)
        return found

    async def result(self) -> Any:
        execution = self._execution()
        while True:
            await self._scheduler.wait_for(execution, execution.done)
            if execution.next_run is None:
                break
            execution = execution.next_run
        if execution.failure is not None:
            raise temporalio.client.WorkflowFailureError(cause=execution.failure)
        return execution.result

    async def signal(self, name: str, args: list[Any]) -> None:
        execution = self._execution()
        if not execution.running:
            raise temporalio.service.RPCError(
                "workflow execution already completed", temporalio.service.RPCStatusCode.NOT_FOUND, b""
            )
        payload = json_round_trip(args, f"the arguments of signal '{name}'")
        self._scheduler.deliver_signal(execution, name, payload)
        # Let the handler start, so a query right after the signal sees its first effects.
        await asyncio.sleep(0)

    async def query(self, name: str, args: list[Any]) -> Any:
        execution = self._execution()
        return self._scheduler.query(
            execution, name, json_round_trip(args, f"the arguments of query '{name}'")
        )

    async def execute_update(self, name: str, args: list[Any]) -> Any:
        execution = self._execution()
        return await self._scheduler.update(
            execution, name, json_round_trip(args, f"the arguments of update '{name}'")
        )

    async def cancel(self) -> None:
        self._scheduler.request_cancel(self._execution())
        await asyncio.sleep(0)

    async def terminate(self, reason: str | None = None) -> None:
        execution = self._execution()
        if not execution.running:
            raise temporalio.service.RPCError(
                "workflow execution already completed", temporalio.service.RPCStatusCode.NOT_FOUND, b""
            )
        self._scheduler.terminate(
            execution,
            temporalio.exceptions.TerminatedError(reason or "Workflow terminated"),
            ExecutionStatus.TERMINATED,
        )
        await asyncio.sleep(0)


class InMemoryEngine:
    """Runs workflows in this process with no server: `TemporalEngine`'s surface, virtual time.

    ``MyWorkflow.client(engine)``, ``.async_``, ``.after(n)``, ``.with_options(...)``, handles,
    and ``engine.signal/query/update/cancel/terminate/get_status/get_result`` all work. Inputs
    and results make the same JSON round trip as on a server (Pydantic payload converter) and
    are validated the same way. Activities run their real implementation unless replaced by
    a fake in `activities` (keyed by the activity object or its name); each attempt is
    recorded (`calls`). Retry policies and start-to-close timeouts are honoured.

    Time is virtual, as on Temporal's time-skipping test server: while a caller awaits a
    workflow's result or an update, `sleep`, timers and ``.after(n)`` delays complete at
    once and `now()` jumps ahead. A workflow that waits for something no one can deliver
    fails with `WorkflowFailedError` (root cause ``WorkflowBlocked``) that names the wait.

    Child workflows run as further workflows of this engine (with their parent close
    policy), continue-as-new starts the next run under the same id (`run_ids`), `patched`
    is always True, and search attributes are read with `search_attributes`.

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
        self.task_queue = task_queue
        self.namespace = "default"
        self._scheduler = Scheduler(
            start_time=start,
            fakes=fakes,
            max_activity_attempts=max_activity_attempts,
            deadlock_grace=deadlock_grace,
        )

    # -- lifecycle (nothing to connect; kept so tests can swap engines) --------------------

    async def start(self) -> InMemoryEngine:
        """Nothing to connect; returns the engine so ``await engine.start()`` reads the same."""
        return self

    async def stop(self) -> None:
        """Cancel every workflow still running."""
        for execution in self._scheduler.executions.values():
            if execution.running:
                self._scheduler.terminate(
                    execution,
                    temporalio.exceptions.TerminatedError("engine stopped"),
                    ExecutionStatus.TERMINATED,
                )
        await asyncio.sleep(0)

    async def __aenter__(self) -> InMemoryEngine:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    # -- what tests look at ----------------------------------------------------------------

    @property
    def now(self) -> datetime:
        """The engine's virtual time."""
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

    # -- starting workflows ----------------------------------------------------------------

    def workflow_client(self, workflow: type[W]) -> W:
        """The typed proxy of `workflow` on this engine (what ``Workflow.client`` returns)."""
        definition = _definition(workflow)
        return cast(W, WorkflowClient(self, definition, StartOptions()))

    def _handle(
        self, execution: Execution, definition: WorkflowDefinition | None, method: MethodDefinition | None
    ) -> MethodHandle[Any]:
        raw = _InMemoryWorkflowHandle(self._scheduler, execution.workflow_id, execution.run_id)
        return MethodHandle(self, cast(Any, raw), definition, method)

    async def start_bound(
        self,
        workflow: WorkflowDefinition,
        method: MethodDefinition,
        kwargs: dict[str, Any],
        options: StartOptions,
    ) -> MethodHandle[Any]:
        """Start `method` with already-bound `kwargs` (the proxy's path; prefer `start_method`)."""
        from temporal_runtime.client import METHOD_MEMO_KEY

        workflow_id = options.workflow_id or f"{workflow.name}-{method.name}-{uuid.uuid4()}"
        envelope = json_round_trip({"method": method.name, "kwargs": kwargs}, f"the input of {workflow.name}")
        existing = self._scheduler.executions.get(workflow_id)
        if existing is not None:
            reused = self._resolve_conflict(existing, options)
            if reused is not None:
                return reused
        execution = self._scheduler.start(
            workflow,
            method=method,
            workflow_id=workflow_id,
            task_queue=options.task_queue or workflow.task_queue or self.task_queue,
            envelope=envelope,
            memo={METHOD_MEMO_KEY: method.name, **(options.memo or {})},
            start_delay=options.start_delay,
            execution_timeout=options.execution_timeout,
            search_attributes=None
            if options.search_attributes is None
            else {key.name: value for key, value in search_attribute_pairs(options.search_attributes)},
        )
        await asyncio.sleep(0)
        return self._handle(execution, workflow, method)

    def _resolve_conflict(self, existing: Execution, options: StartOptions) -> MethodHandle[Any] | None:
        from temporal_runtime._internal._failures import translate

        def started() -> BaseException:
            err = temporalio.exceptions.WorkflowAlreadyStartedError(
                existing.workflow_id, existing.definition.name, run_id=existing.run_id
            )
            return translate(
                err,
                workflow_id=existing.workflow_id,
                workflow_type=existing.definition.name,
                method=existing.method.name,
                action="start",
            )

        if existing.running:
            policy = options.id_conflict_policy or _Policy.UNSPECIFIED
            if policy is _Policy.USE_EXISTING:
                return self._handle(existing, existing.definition, existing.method)
            if policy is _Policy.TERMINATE_EXISTING:
                self._scheduler.terminate(
                    existing,
                    temporalio.exceptions.TerminatedError("terminated by a new start (TERMINATE_EXISTING)"),
                    ExecutionStatus.TERMINATED,
                )
                return None
            raise started()
        reuse = options.id_reuse_policy or _Reuse.ALLOW_DUPLICATE
        if reuse is _Reuse.REJECT_DUPLICATE or (
            reuse is _Reuse.ALLOW_DUPLICATE_FAILED_ONLY and existing.status is ExecutionStatus.COMPLETED
        ):
            raise started()
        return None

    async def start_method(
        self,
        workflow: type[Any] | str,
        method: str | Callable[..., Any],
        /,
        *args: Any,
        workflow_id: str | None = None,
        task_queue: str | None = None,
        id_conflict_policy: temporalio.common.WorkflowIDConflictPolicy | None = None,
        id_reuse_policy: temporalio.common.WorkflowIDReusePolicy | None = None,
        start_delay: float | timedelta | None = None,
        execution_timeout: float | timedelta | None = None,
        run_timeout: float | timedelta | None = None,
        task_timeout: float | timedelta | None = None,
        retry_policy: temporalio.common.RetryPolicy | None = None,
        memo: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> MethodHandle[Any]:
        """Start an entry method and return its handle at once (as `TemporalEngine.start_method`).

        Example:
            >>> async def demo(engine, order):  # doctest: +SKIP
            ...     h = await engine.start_method(OrderWorkflow, "process_order", order, workflow_id="o-1")
        """
        definition = _definition(workflow)
        method_def = definition.method(method if isinstance(method, str) else method.__name__)
        options = StartOptions().merge(
            workflow_id=workflow_id,
            task_queue=task_queue,
            id_conflict_policy=id_conflict_policy,
            id_reuse_policy=id_reuse_policy,
            start_delay=start_delay,
            execution_timeout=execution_timeout,
            run_timeout=run_timeout,
            task_timeout=task_timeout,
            retry_policy=retry_policy,
            memo=memo,
        )
        return await self.start_bound(definition, method_def, method_def.bind(args, kwargs), options)

    async def execute_method(
        self,
        workflow: type[Any] | str,
        method: str | Callable[..., Any],
        /,
        *args: Any,
        workflow_id: str | None = None,
        **options: Any,
    ) -> Any:
        """Start an entry method and wait for its result (as `TemporalEngine.execute_method`).

        Example:
            >>> async def demo(engine, order):  # doctest: +SKIP
            ...     result = await engine.execute_method(OrderWorkflow, "process_order", order)
        """
        handle = await self.start_method(workflow, method, *args, workflow_id=workflow_id, **options)
        return await handle.result()

    # -- reaching workflows by id ------------------------------------------------------------

    def _execution(self, workflow_id: str, run_id: str | None = None) -> Execution:
        from temporal_runtime._internal._failures import translate

        found = self._scheduler.executions.get(workflow_id)
        if run_id is not None:
            found = self._scheduler.runs.get(run_id)
            found = found if found is not None and found.workflow_id == workflow_id else None
        if found is None:
            raise translate(_not_found(workflow_id), workflow_id=workflow_id, action="lookup")
        return found

    def get_handle(
        self,
        workflow_id: str,
        run_id: str | None = None,
        *,
        workflow: type[Any] | str | None = None,
        method: str | None = None,
    ) -> MethodHandle[Any]:
        """A handle on an existing workflow (typed by its recorded class and entry method).

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     await engine.get_handle("order-42").signal("pause")
        """
        execution = self._execution(workflow_id)
        definition = _definition(workflow) if workflow is not None else execution.definition
        method_def = definition.method(method) if method is not None else execution.method
        raw = _InMemoryWorkflowHandle(self._scheduler, workflow_id, run_id)
        return MethodHandle(self, cast(Any, raw), definition, method_def)

    async def get_status(self, workflow_id: str, run_id: str | None = None) -> WorkflowStatus:
        """Describe a workflow: status, type, entry method, task queue and (virtual) times.

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     assert (await engine.get_status("order-42")).is_running
        """
        from temporal_runtime.client import METHOD_MEMO_KEY

        ex = self._execution(workflow_id, run_id)
        return WorkflowStatus(
            workflow_id=ex.workflow_id,
            run_id=ex.run_id,
            workflow_type=ex.definition.name,
            method=ex.method.name,
            status=ex.status,
            task_queue=ex.task_queue,
            start_time=ex.start_time,
            execution_time=ex.execution_time,
            close_time=ex.close_time,
            history_length=ex.events,
            memo={k: v for k, v in ex.memo.items() if k != METHOD_MEMO_KEY},
        )

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

    def run_ids(self, workflow_id: str) -> list[str]:
        """Every run id of `workflow_id`, oldest first (continue-as-new adds one per run).

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     first, *rest = engine.run_ids("batch-1")
        """
        return [r.run_id for r in self._scheduler.runs.values() if r.workflow_id == workflow_id]

    async def get_result(self, workflow_id: str, timeout_seconds: float | None = None) -> Any:
        """Wait for a workflow's result, converted to its entry method's return annotation.

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     result = await engine.get_result("order-42")
        """
        return await self.get_handle(workflow_id).result(timeout=timeout_seconds)

    async def signal(self, workflow_id: str, signal: str | Callable[..., Any], *args: Any) -> None:
        """Send a signal to a running workflow by id.

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     await engine.signal("order-42", "cancel", "Customer request")
        """
        await self.get_handle(workflow_id).signal(signal, *args)

    async def query(self, workflow_id: str, query: str | Callable[..., Any], *args: Any) -> Any:
        """Query a workflow by id.

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     status = await engine.query("order-42", "status")
        """
        return await self.get_handle(workflow_id).query(query, *args)

    async def update(self, workflow_id: str, update: str | Callable[..., Any], *args: Any) -> Any:
        """Send an update to a workflow by id and wait for its result.

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     old = await engine.update("order-42", "set_priority", 5)
        """
        return await self.get_handle(workflow_id).update(update, *args)

    async def cancel(self, workflow_id: str) -> None:
        """Request cancellation of a workflow (it sees it at its current await).

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     await engine.cancel("order-42")
        """
        await self.get_handle(workflow_id).cancel()

    async def terminate(self, workflow_id: str, reason: str | None = None) -> None:
        """Terminate a workflow at once.

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     await engine.terminate("order-42", "duplicate order")
        """
        await self.get_handle(workflow_id).terminate(reason)

    def workflow_ids(self) -> Iterable[str]:
        """The ids of every workflow this engine has started."""
        return list(self._scheduler.executions)

    def __repr__(self) -> str:
        return f"<InMemoryEngine now={self.now.isoformat()} workflows={len(self._scheduler.executions)}>"
