"""Workflows as plain classes: `Workflow`, its helpers, and the handler decorators.

Every public ``async def`` of a `Workflow` subclass is an entry method that can be
started; ``@wf_signal``, ``@wf_query`` and ``@wf_update`` mark the handlers. Inside a
running workflow the helpers (`exec`, `sleep`, `wait_until`, ...) talk to Temporal;
outside one the class is a plain object whose helpers raise `NotInWorkflowError`, so a unit
test can patch them.
"""

from __future__ import annotations

import dataclasses
import inspect
import logging
from asyncio import CancelledError as WorkflowCancelled
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from datetime import datetime, timedelta
from random import Random
from typing import (
    TYPE_CHECKING,
    Any,
    ClassVar,
    Concatenate,
    Literal,
    NoReturn,
    ParamSpec,
    Protocol,
    Self,
    TypeVar,
    cast,
    overload,
)
from uuid import UUID

import temporalio.common

from temporal_runtime._internal import _flow, _registry
from temporal_runtime._internal._activity_defn import ActivityDefinition, ActivityOptions
from temporal_runtime._internal._child import ChildClient, child_options
from temporal_runtime._internal._flow import QuietSaga, Saga
from temporal_runtime._internal._metaclass import DEFINITION_ATTR, _WorkflowMeta
from temporal_runtime._internal._runtime import (
    RUNTIME_ATTR,
    ChildOptions,
    ContinueAsNew,
    WorkflowInfo,
    WorkflowRuntime,
    resolve_activity_options,
)
from temporal_runtime._internal._search import SearchAttributesInput, search_attribute_pairs
from temporal_runtime._internal._types import (
    ArgsType,
    FunctionType,
    MethodParams,
    NoArgSchedulable,
    ResultType,
    ReturnType,
    Schedulable,
    SupportsWorkflowClient,
)
from temporal_runtime._internal._workflow_defn import HANDLER_ATTR, HandlerMarker, WorkflowDefinition
from temporal_runtime.activity import Activity
from temporal_runtime.config import to_timedelta
from temporal_runtime.errors import NotInWorkflowError, RegistrationError

if TYPE_CHECKING:
    from temporalio.workflow import ParentClosePolicy

    from temporal_runtime.client import MethodHandle, WorkflowStarter

__all__ = [
    "UpdateMethod",
    "Workflow",
    "WorkflowCancelled",
    "WorkflowInfo",
    "wf_query",
    "wf_signal",
    "wf_update",
]

ArgsT = TypeVar("ArgsT")
ResultT = TypeVar("ResultT")
R = TypeVar("R")
P = ParamSpec("P")
FnT = TypeVar("FnT", bound=Callable[..., Any])
W = TypeVar("W")
T = TypeVar("T")
T1 = TypeVar("T1")
T2 = TypeVar("T2")
T3 = TypeVar("T3")
S = TypeVar("S")
UP = ParamSpec("UP")
UR_co = TypeVar("UR_co", covariant=True)

_NO_ARGS: Any = object()
_AnyActivity = Schedulable[Any, Any] | NoArgSchedulable[Any] | str
_fallback_loggers: dict[str, logging.Logger] = {}


def _activity_definition(activity: _AnyActivity) -> ActivityDefinition:
    if isinstance(activity, Activity):
        return activity.definition
    found = _registry.activities.get(cast(str, activity))
    if found is None:
        raise LookupError(
            f"no activity named {activity!r} is defined in this process; pass the object "
            f"activity_def returned, or define it first (known: {_registry.activities.names()})"
        )
    return found


class Workflow(metaclass=_WorkflowMeta):
    """Base class of workflows: subclass it, write ``async def`` entry methods, use the helpers.

    Class keywords: ``name=`` (the Temporal workflow type; default the class name),
    ``task_queue=`` (default: the engine's), ``abstract=True`` for a shared base class.
    The helper names (`exec`, `sleep`, `client`, ...) are reserved: a subclass that defines
    one is rejected when it is defined.

    Example:
        >>> from pydantic import BaseModel
        >>> class Greeting(BaseModel):
        ...     text: str
        >>> class DocGreeter(Workflow):
        ...     async def greet(self, name: str) -> Greeting:
        ...         await self.sleep(1)
        ...         return Greeting(text=f"hello {name}")
        >>> sorted(DocGreeter.__temporal_runtime__.methods)
        ['greet']
    """

    __temporal_runtime__: ClassVar[WorkflowDefinition]

    # -- calling ---------------------------------------------------------------------------

    if TYPE_CHECKING:

        @classmethod
        def client(cls, engine: SupportsWorkflowClient) -> Self:
            """A proxy to start this workflow's entry methods through `engine`.

            Statically the proxy is the workflow class itself, so ``await wf.process(x)``
            has `process`'s own signature and result type.

            Example:
                >>> async def demo(engine, order):  # doctest: +SKIP
                ...     result = await OrderWorkflow.client(engine).process_order(order)
            """
            ...

        @property
        def async_(self) -> WorkflowStarter[Self]:
            """A proxy whose calls start the workflow and return a `MethodHandle` at once.

            Example:
                >>> async def demo(engine, order):  # doctest: +SKIP
                ...     handle = await OrderWorkflow.client(engine).async_.process_order(order)
            """
            ...

        def after(self, delay: float | timedelta) -> WorkflowStarter[Self]:
            """A proxy whose calls start the workflow after `delay` (seconds or a timedelta).

            Example:
                >>> async def demo(engine, order):  # doctest: +SKIP
                ...     handle = await OrderWorkflow.client(engine).after(3600).process_order(order)
            """
            ...

        def with_options(
            self,
            *,
            workflow_id: str | None = None,
            task_queue: str | None = None,
            id_conflict_policy: temporalio.common.WorkflowIDConflictPolicy | None = None,
            id_reuse_policy: temporalio.common.WorkflowIDReusePolicy | None = None,
            start_delay: float | timedelta | None = None,
            execution_timeout: float | timedelta | None = None,
            run_timeout: float | timedelta | None = None,
            task_timeout: float | timedelta | None = None,
            retry_policy: temporalio.common.RetryPolicy | None = None,
            memo: dict[str, Any] | None = None,
            search_attributes: SearchAttributesInput | None = None,
        ) -> Self:
            """A copy of this proxy whose calls use these start options.

            Example:
                >>> async def demo(engine, order):  # doctest: +SKIP
                ...     wf = OrderWorkflow.client(engine).with_options(workflow_id="order-42")
                ...     handle = await wf.async_.process_order(order)
            """
            ...

        @overload
        async def start(
            self,
            method: Callable[Concatenate[Self, MethodParams], Coroutine[Any, Any, ReturnType]],
            /,
            *args: MethodParams.args,
            **kwargs: MethodParams.kwargs,
        ) -> MethodHandle[ReturnType]: ...
        @overload
        async def start(self, method: str, /, *args: Any, **kwargs: Any) -> MethodHandle[Any]: ...
        async def start(self, method: Any, /, *args: Any, **kwargs: Any) -> MethodHandle[Any]:
            """Start `method` (``MyWorkflow.process`` or its name) and return its `MethodHandle`.

            Example:
                >>> async def demo(engine, order):  # doctest: +SKIP
                ...     handle = await OrderWorkflow.client(engine).start(OrderWorkflow.process_order, order)
            """
            ...

    else:

        @classmethod
        def client(cls, engine: SupportsWorkflowClient) -> Any:
            """A proxy to start this workflow's entry methods through `engine`.

            ``await MyWorkflow.client(engine).process(x)`` starts and waits;
            ``.async_.process(x)`` and ``.after(60).process(x)`` return a `MethodHandle`.
            """
            return engine.workflow_client(cls)

    # -- helpers for workflow code ---------------------------------------------------------

    def _runtime(self, helper: str) -> WorkflowRuntime:
        runtime: WorkflowRuntime | None = getattr(self, RUNTIME_ATTR, None)
        if runtime is None:
            name = type(self).__name__
            raise NotInWorkflowError(
                f"{name}.{helper}() was called outside a running workflow. In a unit test, "
                f"patch it: patch.object(wf, {helper!r}, new_callable=AsyncMock); or run the "
                "workflow with temporal_runtime.testing (InMemoryEngine or local_engine)."
            )
        return runtime

    @overload
    async def exec(
        self,
        activity: NoArgSchedulable[ResultType],
        /,
        *,
        timeout: float | timedelta | None = None,
        schedule_to_close: float | timedelta | None = None,
        heartbeat_timeout: float | timedelta | None = None,
        retry_policy: temporalio.common.RetryPolicy | None = None,
        task_queue: str | None = None,
    ) -> ResultType: ...
    @overload
    async def exec(
        self,
        activity: Schedulable[ArgsType, ResultType],
        args: ArgsType,
        /,
        *,
        timeout: float | timedelta | None = None,
        schedule_to_close: float | timedelta | None = None,
        heartbeat_timeout: float | timedelta | None = None,
        retry_policy: temporalio.common.RetryPolicy | None = None,
        task_queue: str | None = None,
    ) -> ResultType: ...
    @overload
    async def exec(
        self,
        activity: str,
        args: Any = ...,
        /,
        *,
        timeout: float | timedelta | None = None,
        schedule_to_close: float | timedelta | None = None,
        heartbeat_timeout: float | timedelta | None = None,
        retry_policy: temporalio.common.RetryPolicy | None = None,
        task_queue: str | None = None,
    ) -> Any: ...
    async def exec(
        self,
        activity: _AnyActivity,
        args: Any = _NO_ARGS,
        /,
        *,
        timeout: float | timedelta | None = None,
        schedule_to_close: float | timedelta | None = None,
        heartbeat_timeout: float | timedelta | None = None,
        retry_policy: temporalio.common.RetryPolicy | None = None,
        task_queue: str | None = None,
    ) -> Any:
        """Run an activity on a worker and return its result (converted to its `Result`).

        `timeout` is the start-to-close timeout in seconds (or a timedelta). Unset options
        come from the activity's `activity_def` defaults, then from the configuration.

        Example:
            >>> class DocPipeline(Workflow):
            ...     async def run(self, n: int) -> str:
            ...         return await self.exec("doc_charge", {"amount": n}, timeout=30)
        """
        runtime = self._runtime("exec")
        return await self._exec(
            runtime,
            activity,
            args,
            False,
            timeout,
            schedule_to_close,
            heartbeat_timeout,
            retry_policy,
            task_queue,
        )

    @overload
    async def exec_local(
        self,
        activity: NoArgSchedulable[ResultType],
        /,
        *,
        timeout: float | timedelta | None = None,
        schedule_to_close: float | timedelta | None = None,
        retry_policy: temporalio.common.RetryPolicy | None = None,
    ) -> ResultType: ...
    @overload
    async def exec_local(
        self,
        activity: Schedulable[ArgsType, ResultType],
        args: ArgsType,
        /,
        *,
        timeout: float | timedelta | None = None,
        schedule_to_close: float | timedelta | None = None,
        retry_policy: temporalio.common.RetryPolicy | None = None,
    ) -> ResultType: ...
    async def exec_local(
        self,
        activity: _AnyActivity,
        args: Any = _NO_ARGS,
        /,
        *,
        timeout: float | timedelta | None = None,
        schedule_to_close: float | timedelta | None = None,
        retry_policy: temporalio.common.RetryPolicy | None = None,
    ) -> Any:
        """Run a short activity as a local activity (in this worker, no task queue round trip).

        Example:
            >>> class DocLocal(Workflow):
            ...     async def run(self, n: int) -> str:
            ...         return await self.exec_local("doc_charge", {"amount": n}, timeout=5)
        """
        runtime = self._runtime("exec_local")
        return await self._exec(
            runtime, activity, args, True, timeout, schedule_to_close, None, retry_policy, None
        )

    @staticmethod
    async def _exec(  # noqa: PLR0917 (private; mirrors exec's parameters)
        runtime: WorkflowRuntime,
        activity: _AnyActivity,
        args: Any,
        local: bool,
        timeout: float | timedelta | None,
        schedule_to_close: float | timedelta | None,
        heartbeat_timeout: float | timedelta | None,
        retry_policy: temporalio.common.RetryPolicy | None,
        task_queue: str | None,
    ) -> Any:
        defn = _activity_definition(activity)
        if (args is _NO_ARGS) == defn.takes_args:
            raise TypeError(
                f"activity '{defn.name}' takes {'one argument' if defn.takes_args else 'no argument'}; "
                f"call self.exec({defn.fn.__name__}{', args' if defn.takes_args else ''})"
            )
        call = ActivityOptions(
            start_to_close=None if timeout is None else to_timedelta(timeout),
            schedule_to_close=None if schedule_to_close is None else to_timedelta(schedule_to_close),
            heartbeat=None if heartbeat_timeout is None else to_timedelta(heartbeat_timeout),
            retry_policy=retry_policy,
            task_queue=task_queue,
        )
        options = resolve_activity_options(defn, call)
        return await runtime.execute_activity(defn, None if args is _NO_ARGS else args, options, local=local)

    async def sleep(self, duration: float | timedelta) -> None:
        """Durable sleep: survives worker restarts; `duration` in seconds or a timedelta.

        Example:
            >>> class DocReminder(Workflow):
            ...     async def remind(self, after_s: float) -> None:
            ...         await self.sleep(after_s)
        """
        await self._runtime("sleep").sleep(to_timedelta(duration))

    async def wait_until(
        self, predicate: Callable[[], bool], timeout: float | timedelta | None = None
    ) -> None:
        """Wait until `predicate()` is true (re-checked after every signal or update).

        Raises `TimeoutError` if `timeout` (seconds or a timedelta) passes first.

        Example:
            >>> class DocApproval(Workflow):
            ...     approved = False
            ...     async def run(self) -> bool:
            ...         await self.wait_until(lambda: self.approved, timeout=3600)
            ...         return True
        """
        await self._runtime("wait_until").wait_until(
            predicate, None if timeout is None else to_timedelta(timeout)
        )

    def now(self) -> datetime:
        """The workflow's deterministic current time (UTC), the same on every replay.

        Example:
            >>> class DocClock(Workflow):
            ...     async def stamp(self) -> str:
            ...         return self.now().isoformat()
        """
        return self._runtime("now").now()

    def uuid4(self) -> UUID:
        """A deterministic random UUID, the same on every replay.

        Example:
            >>> class DocIds(Workflow):
            ...     async def new_id(self) -> str:
            ...         return str(self.uuid4())
        """
        return self._runtime("uuid4").uuid4()

    def random(self) -> Random:
        """A deterministic `random.Random`, seeded by Temporal, the same on every replay.

        Example:
            >>> class DocDice(Workflow):
            ...     async def roll(self) -> int:
            ...         return self.random().randint(1, 6)
        """
        return self._runtime("random").random()

    @property
    def logger(self) -> logging.LoggerAdapter[logging.Logger] | logging.Logger:
        """A logger that adds the workflow id and run id, and stays quiet during replay.

        Outside a workflow it is a plain `logging` logger, so unit tests can log freely.

        Example:
            >>> class DocLogs(Workflow):
            ...     async def run(self) -> None:
            ...         self.logger.info("starting")
        """
        runtime: WorkflowRuntime | None = getattr(self, RUNTIME_ATTR, None)
        if runtime is not None:
            return runtime.logger()
        name = f"temporal_runtime.workflow.{type(self).__name__}"
        found = _fallback_loggers.get(name)
        if found is None:
            found = _fallback_loggers[name] = logging.getLogger(name)
        return found

    @property
    def info(self) -> WorkflowInfo:
        """The running workflow's id, run id, type, entry method, attempt and task queue.

        Example:
            >>> class DocWho(Workflow):
            ...     async def who(self) -> str:
            ...         return f"{self.info.workflow_id} ran {self.info.method}"
        """
        return self._runtime("info").info()

    # -- durable patterns: children, continue-as-new, versioning, sagas --------------------

    if TYPE_CHECKING:

        def child(
            self,
            workflow: type[W],
            /,
            *,
            workflow_id: str | None = None,
            task_queue: str | None = None,
            parent_close_policy: ParentClosePolicy | None = None,
            execution_timeout: float | timedelta | None = None,
            run_timeout: float | timedelta | None = None,
            task_timeout: float | timedelta | None = None,
            retry_policy: temporalio.common.RetryPolicy | None = None,
            memo: Mapping[str, Any] | None = None,
            search_attributes: SearchAttributesInput | None = None,
            id_reuse_policy: temporalio.common.WorkflowIDReusePolicy | None = None,
        ) -> W:
            """A typed proxy running `workflow`'s entry methods as child workflows."""
            ...

    else:

        def child(self, workflow: type[Any], /, **options: Any) -> Any:
            """A typed proxy that runs `workflow`'s entry methods as child workflows.

            ``await self.child(Other).method(x)`` starts the child and waits for its result
            (converted to the method's return annotation); ``.async_.method(x)`` returns a
            `ChildHandle` (await it, signal it, cancel it). Options: as keywords here or
            via ``.with_options(...)``: workflow_id (default ``<type>-<method>-<uuid>``),
            task_queue (default the child class's, else this workflow's),
            parent_close_policy (`ParentClosePolicy`, default TERMINATE), timeouts,
            retry_policy, memo, search_attributes. A failed child raises
            `ChildWorkflowError`.

            Example:
                >>> class DocParent(Workflow):
                ...     async def run(self, n: int) -> int:
                ...         return await self.child(DocParent).run(n - 1) if n else 0
            """
            definition = _workflow_definition(workflow)
            runtime = self._runtime("child")
            return ChildClient(runtime, definition, child_options(ChildOptions(), **options))

    @overload
    def continue_as_new(
        self, method: Callable[P, Coroutine[Any, Any, Any]], /, *args: P.args, **kwargs: P.kwargs
    ) -> NoReturn: ...
    @overload
    def continue_as_new(self, method: str, /, *args: Any, **kwargs: Any) -> NoReturn: ...
    def continue_as_new(self, method: Callable[..., Any] | str, /, *args: Any, **kwargs: Any) -> NoReturn:
        """End this run and restart the workflow with fresh history, in entry `method`.

        `method` is an entry method of this class (``self.process_batch``) or its name; the
        arguments are bound as a call to it would bind them. The workflow id stays the same,
        and callers waiting on the first run's handle get the last run's result, so the
        entry methods chained this way should share a return type. Never returns.

        Example:
            >>> class DocBatch(Workflow):
            ...     async def process(self, start: int, total: int) -> int:
            ...         end = min(start + 1000, total)
            ...         if end < total:
            ...             self.continue_as_new(self.process, end, total)
            ...         return total
        """
        runtime = self._runtime("continue_as_new")
        definition = definition_of(type(self))
        name = method if isinstance(method, str) else getattr(method, "__name__", "")
        target = definition.method(name)
        envelope = {"method": target.name, "kwargs": target.bind(args, kwargs)}
        from temporal_runtime.client import METHOD_MEMO_KEY

        runtime.continue_as_new(ContinueAsNew(definition.name, envelope, {METHOD_MEMO_KEY: target.name}))

    def patched(self, patch_id: str) -> bool:
        """Versioning: True on runs that should take the new code path of `patch_id`.

        New runs get True (and record a marker); a run replaying a history recorded before
        the patch gets False, so it replays the old path. Once no such run is open, switch
        to `deprecate_patch` and delete the old path.

        Example:
            >>> class DocShip(Workflow):
            ...     async def ship(self, order: str) -> str:
            ...         if self.patched("ship-express"):
            ...             return "express"
            ...         return "ground"
        """
        return self._runtime("patched").patched(patch_id)

    def deprecate_patch(self, patch_id: str) -> None:
        """Versioning: the old path of `patch_id` is gone; keep only the new code.

        Example:
            >>> class DocShip2(Workflow):
            ...     async def ship(self, order: str) -> str:
            ...         self.deprecate_patch("ship-express")
            ...         return "express"
        """
        self._runtime("deprecate_patch").deprecate_patch(patch_id)

    def upsert_search_attributes(self, attributes: SearchAttributesInput) -> None:
        """Set search attributes on this workflow (visible to list/filter queries).

        `attributes` maps names to values (the type follows the value: str is Keyword, int
        is Int, ...) or typed `SearchAttributeKey`s to values; None with a typed key removes it.
        The attributes must be registered on the server.

        Example:
            >>> class DocTagged(Workflow):
            ...     async def run(self, customer: str) -> None:
            ...         self.upsert_search_attributes({"Customer": customer})
        """
        runtime = self._runtime("upsert_search_attributes")
        runtime.upsert_search_attributes(search_attribute_pairs(attributes))

    async def shield(self, awaitable: Awaitable[T]) -> T:
        """Run `awaitable` to completion even if the workflow is cancelled meanwhile.

        The non-cancellable scope for cleanup: ``await self.shield(self.exec(undo, x))``
        finishes the activity, then raises the pending `WorkflowCancelled` (if any) so
        the workflow still ends as cancelled.

        Example:
            >>> class DocCleanup(Workflow):
            ...     async def run(self) -> None:
            ...         try:
            ...             await self.sleep(3600)
            ...         except WorkflowCancelled:
            ...             await self.shield(self.exec("doc_release"))
            ...             raise
        """
        return await _flow.shield(awaitable)

    @overload
    async def gather(self, a1: Awaitable[T1], /, *, return_exceptions: bool = False) -> tuple[T1]: ...
    @overload
    async def gather(
        self, a1: Awaitable[T1], a2: Awaitable[T2], /, *, return_exceptions: bool = False
    ) -> tuple[T1, T2]: ...
    @overload
    async def gather(
        self, a1: Awaitable[T1], a2: Awaitable[T2], a3: Awaitable[T3], /, *, return_exceptions: bool = False
    ) -> tuple[T1, T2, T3]: ...
    @overload
    async def gather(self, *awaitables: Awaitable[T], return_exceptions: bool = False) -> tuple[T, ...]: ...
    async def gather(self, *awaitables: Awaitable[Any], return_exceptions: bool = False) -> tuple[Any, ...]:
        """Run activities and children in parallel; results in argument order.

        Deterministic (Temporal's workflow loop schedules them the same way on replay).
        First-error semantics: when one fails, the others still running are cancelled and
        awaited, then that first failure (in completion order) is raised. With
        ``return_exceptions=True`` nothing is cancelled and failures are returned in place.

        Example:
            >>> class DocFanOut(Workflow):
            ...     async def run(self, n: int) -> int:
            ...         a, b = await self.gather(self.exec("doc_a"), self.exec("doc_b"))
            ...         return a + b
        """
        return tuple(await _flow.gather(awaitables, return_exceptions))

    @overload
    def saga(self, *, reraise: Literal[True] = True) -> Saga: ...
    @overload
    def saga(self, *, reraise: Literal[False]) -> QuietSaga: ...
    def saga(self, *, reraise: bool = True) -> Saga | QuietSaga:
        """Compensations for a multi-step transaction: ``async with self.saga() as saga:``.

        Register an undo after each step with ``saga.compensate_with(activity, args,
        timeout=..., retry_policy=...)``. If the block fails or the workflow is cancelled,
        the undos run as activities in reverse order, shielded from cancellation, then the
        error is re-raised; ``reraise=False`` swallows it instead (see ``saga.error``).

        Example:
            >>> class DocTrip(Workflow):
            ...     async def book(self, hotel: str) -> str:
            ...         async with self.saga() as saga:
            ...             booking = await self.exec("doc_reserve_hotel", hotel)
            ...             saga.compensate_with("doc_cancel_hotel", booking)
            ...             await self.exec("doc_charge", hotel)
            ...         return booking
        """
        return Saga(self) if reraise else QuietSaga(self)


def _marker(kind: str, fn: FunctionType, name: str | None) -> FunctionType:
    if not callable(fn):
        raise RegistrationError(f"@wf_{kind} must decorate a method, got {fn!r}")
    setattr(fn, HANDLER_ATTR, HandlerMarker(kind, name))  # type: ignore[arg-type]
    if kind == "update":
        fn.validator = _validator_setter(fn)  # type: ignore[attr-defined]
    return fn


def _validator_setter(update_fn: Callable[..., Any]) -> Callable[[FnT], FnT]:
    def validator(check: FnT) -> FnT:
        if inspect.iscoroutinefunction(check) or not callable(check):
            raise RegistrationError(
                f"@{update_fn.__name__}.validator must decorate a plain 'def' method that raises "
                f"to reject the update, got {check!r}"
            )
        marker: HandlerMarker = getattr(update_fn, HANDLER_ATTR)
        setattr(update_fn, HANDLER_ATTR, dataclasses.replace(marker, validator=check))
        return check

    return validator


def _decorator(kind: str, name_or_fn: Any, name: str | None) -> Any:
    if callable(name_or_fn):
        return _marker(kind, name_or_fn, name)
    chosen = name_or_fn if name_or_fn is not None else name

    def mark(fn: FunctionType) -> FunctionType:
        return _marker(kind, fn, chosen)

    return mark


@overload
def wf_signal(name_or_fn: FunctionType, /) -> FunctionType: ...
@overload
def wf_signal(
    name_or_fn: str | None = None, /, *, name: str | None = None
) -> Callable[[FunctionType], FunctionType]: ...
def wf_signal(name_or_fn: Any = None, /, *, name: str | None = None) -> Any:
    """Mark a method as a signal handler (``@wf_signal``, ``@wf_signal("name")``).

    Signals are fire-and-forget messages; the handler may be ``async def`` or ``def``.
    A signal whose arguments fail validation is logged and dropped, as Temporal drops
    signals it cannot decode.

    Example:
        >>> class DocOrder(Workflow):
        ...     paused = False
        ...     @wf_signal("pause")
        ...     async def pause(self) -> None:
        ...         self.paused = True
        ...     async def run(self) -> None:
        ...         await self.wait_until(lambda: not self.paused)
    """
    return _decorator("signal", name_or_fn, name)


@overload
def wf_query(name_or_fn: FunctionType, /) -> FunctionType: ...
@overload
def wf_query(
    name_or_fn: str | None = None, /, *, name: str | None = None
) -> Callable[[FunctionType], FunctionType]: ...
def wf_query(name_or_fn: Any = None, /, *, name: str | None = None) -> Any:
    """Mark a method as a query handler; ``def`` and ``async def`` both work.

    A query reads state and returns; an ``async def`` query must not await anything.

    Example:
        >>> class DocStatus(Workflow):
        ...     state = "pending"
        ...     @wf_query("status")
        ...     def status(self) -> str:
        ...         return self.state
        ...     async def run(self) -> None: ...
    """
    return _decorator("query", name_or_fn, name)


class UpdateMethod(Protocol[S, UP, UR_co]):
    """What ``@wf_update`` returns, for type checkers: the method, plus ``.validator``.

    At run time it is the decorated function itself (callable and bound as before), with a
    `validator` attribute: ``@set_priority.validator`` marks a plain ``def`` with the same
    parameters that raises to reject an update before it is accepted.

    Example:
        >>> class DocUpdates(Workflow):
        ...     level = 1
        ...     @wf_update
        ...     async def set_level(self, level: int) -> int:
        ...         old, self.level = self.level, level
        ...         return old
        ...     @set_level.validator
        ...     def check_level(self, level: int) -> None:
        ...         if level < 0:
        ...             raise ValueError("level must be >= 0")
        ...     async def run(self) -> None: ...
    """

    def __call__(self, wf: S, /, *args: UP.args, **kwargs: UP.kwargs) -> Coroutine[Any, Any, UR_co]:
        """Call the update method itself (as the workflow's own code would)."""
        ...

    @overload
    def __get__(self, obj: None, owner: Any, /) -> UpdateMethod[S, UP, UR_co]: ...
    @overload
    def __get__(self, obj: S, owner: Any, /) -> Callable[UP, Coroutine[Any, Any, UR_co]]: ...
    def validator(self, fn: Callable[Concatenate[S, UP], None], /) -> Callable[Concatenate[S, UP], None]:
        """Mark `fn` as this update's validator (it raises to reject the update)."""
        ...


@overload
def wf_update(
    name_or_fn: Callable[Concatenate[S, UP], Coroutine[Any, Any, R]], /
) -> UpdateMethod[S, UP, R]: ...
@overload
def wf_update(
    name_or_fn: str | None = None, /, *, name: str | None = None
) -> Callable[[Callable[Concatenate[S, UP], Coroutine[Any, Any, R]]], UpdateMethod[S, UP, R]]: ...
def wf_update(name_or_fn: Any = None, /, *, name: str | None = None) -> Any:
    """Mark an ``async def`` method as an update handler: a signal that returns a result.

    Arguments are validated before the update is accepted; a failed validation rejects it
    and the caller gets `UpdateFailedError`. Add your own check with
    ``@<method>.validator`` on a plain ``def`` taking the same parameters: if it raises, the
    update is rejected (nothing in the workflow changes) and the caller's
    `UpdateFailedError` carries its message.

    Example:
        >>> class DocPriority(Workflow):
        ...     priority = 1
        ...     @wf_update("set_priority")
        ...     async def set_priority(self, p: int) -> int:
        ...         old, self.priority = self.priority, p
        ...         return old
        ...     async def run(self) -> None: ...
    """
    return _decorator("update", name_or_fn, name)


def _workflow_definition(workflow: type[Any]) -> WorkflowDefinition:
    found: WorkflowDefinition | None = getattr(workflow, DEFINITION_ATTR, None)
    if found is None or found.abstract:
        raise TypeError(f"self.child() takes a non-abstract Workflow subclass, got {workflow!r}")
    return found


def definition_of(cls: type[Workflow]) -> WorkflowDefinition:
    """The frozen definition the metaclass stored on a workflow class."""
    found: WorkflowDefinition | None = getattr(cls, DEFINITION_ATTR, None)
    if found is None:
        raise TypeError(f"{cls!r} is not a Workflow subclass")
    return found
