"""Calling workflows: the client proxy, `MethodHandle`, `WorkflowStatus` and start options.

``MyWorkflow.client(engine)`` returns a proxy whose methods are the workflow's entry
methods: calling one starts the workflow and waits for its result. ``.async_`` and
``.after(n)`` return a proxy whose calls start the workflow and give a `MethodHandle`;
``.with_options(...)`` sets the workflow id, policies and timeouts for the calls after it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import enum
import inspect
from collections.abc import Callable, Coroutine, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Concatenate, Generic, Protocol, TypeVar, cast, overload

import temporalio.client
import temporalio.common
from pydantic import BaseModel, ConfigDict

from temporal_runtime._internal import _registry
from temporal_runtime._internal._failures import translate
from temporal_runtime._internal._search import SearchAttributesInput
from temporal_runtime._internal._types import HandleResultType, MethodParams, ReturnType, WorkflowType
from temporal_runtime._internal._workflow_defn import (
    HANDLER_ATTR,
    HandlerDefinition,
    HandlerKind,
    HandlerMarker,
    MethodDefinition,
    WorkflowDefinition,
)
from temporal_runtime.config import to_timedelta

__all__ = [
    "ExecutionStatus",
    "MethodHandle",
    "StartOptions",
    "WorkflowClient",
    "WorkflowEngine",
    "WorkflowStarter",
    "WorkflowStatus",
]

W = TypeVar("W")
METHOD_MEMO_KEY = "temporal_runtime.method"


class WorkflowEngine(Protocol):
    """What ``MyWorkflow.client(engine)``, the proxies and handles need from an engine.

    `TemporalEngine` and `temporal_runtime.testing.InMemoryEngine` both provide it, so a
    function that takes a `WorkflowEngine` runs on either.

    Example:
        >>> from temporal_runtime import TemporalEngine
        >>> engine: WorkflowEngine = TemporalEngine(start_worker=False)
    """

    def workflow_client(self, workflow: type[W]) -> W:
        """The typed proxy of `workflow` on this engine."""
        ...

    async def start_bound(
        self,
        workflow: WorkflowDefinition,
        method: MethodDefinition,
        kwargs: dict[str, Any],
        options: StartOptions,
    ) -> MethodHandle[Any]:
        """Start `method` with bound `kwargs` and return its handle."""
        ...

    async def get_status(self, workflow_id: str, run_id: str | None = None) -> WorkflowStatus:
        """Describe one workflow execution."""
        ...


class ExecutionStatus(enum.StrEnum):
    """Where a workflow execution stands (Temporal's execution status, by name).

    Example:
        >>> ExecutionStatus("COMPLETED").is_closed
        True
    """

    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELED = "CANCELED"
    TERMINATED = "TERMINATED"
    CONTINUED_AS_NEW = "CONTINUED_AS_NEW"
    TIMED_OUT = "TIMED_OUT"
    UNKNOWN = "UNKNOWN"

    @property
    def is_closed(self) -> bool:
        """True once the execution can no longer change."""
        return self not in (ExecutionStatus.RUNNING, ExecutionStatus.UNKNOWN)


class WorkflowStatus(BaseModel):
    """A snapshot of one workflow execution, as `engine.get_status` / `handle.status()` give it.

    Example:
        >>> s = WorkflowStatus(workflow_id="o-1", run_id="r", workflow_type="Orders",
        ...                    method="process", status=ExecutionStatus.RUNNING,
        ...                    task_queue="orders", start_time=None)
        >>> s.is_running
        True
    """

    model_config: ClassVar[ConfigDict] = ConfigDict(frozen=True)

    workflow_id: str
    run_id: str | None
    workflow_type: str
    method: str | None
    status: ExecutionStatus
    task_queue: str
    start_time: datetime | None
    execution_time: datetime | None = None
    close_time: datetime | None = None
    history_length: int = 0
    memo: dict[str, Any] = {}

    @property
    def is_running(self) -> bool:
        """True while the workflow has not closed."""
        return self.status is ExecutionStatus.RUNNING


@dataclasses.dataclass(frozen=True, slots=True)
class StartOptions:
    """How to start a workflow: id, task queue, id policies, delay, timeouts, memo.

    Unset fields (None) take the engine's and the configuration's defaults.

    Example:
        >>> StartOptions(workflow_id="order-42").workflow_id
        'order-42'
    """

    workflow_id: str | None = None
    task_queue: str | None = None
    id_conflict_policy: temporalio.common.WorkflowIDConflictPolicy | None = None
    id_reuse_policy: temporalio.common.WorkflowIDReusePolicy | None = None
    start_delay: timedelta | None = None
    execution_timeout: timedelta | None = None
    run_timeout: timedelta | None = None
    task_timeout: timedelta | None = None
    retry_policy: temporalio.common.RetryPolicy | None = None
    memo: Mapping[str, Any] | None = None
    search_attributes: SearchAttributesInput | None = None

    def merge(self, **changes: Any) -> StartOptions:
        """A copy with the given fields set (None leaves a field as it is)."""
        updates = {k: v for k, v in changes.items() if v is not None}
        for key in ("start_delay", "execution_timeout", "run_timeout", "task_timeout"):
            if key in updates:
                updates[key] = to_timedelta(updates[key])
        return dataclasses.replace(self, **updates) if updates else self


def _handler_name(target: str | Callable[..., Any], kind: HandlerKind) -> str:
    if isinstance(target, str):
        return target
    marker: HandlerMarker | None = getattr(target, HANDLER_ATTR, None)
    if marker is None:
        raise TypeError(
            f"{getattr(target, '__qualname__', target)!r} is not a {kind} handler; pass the "
            f"method decorated with @wf_{kind}, or the {kind} name as a string"
        )
    if marker.kind != kind:
        raise TypeError(
            f"{getattr(target, '__qualname__', target)!r} is a {marker.kind} handler; use "
            f"handle.{marker.kind}(...) for it"
        )
    fallback: str = getattr(target, "__name__", "")
    return marker.name or fallback


def _owner_definition(target: str | Callable[..., Any]) -> WorkflowDefinition | None:
    # A handle made from an id alone still converts results when the handler is given as
    # the method (``handle.query(OrderWorkflow.status)``), as its static type promises.
    if isinstance(target, str):
        return None
    owner = getattr(target, "__qualname__", "").rpartition(".")[0]
    module = getattr(target, "__module__", None)
    for definition in _registry.workflows.all():
        if definition.cls.__qualname__ == owner and definition.cls.__module__ == module:
            return definition
    return None


def _positional(target: str | Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[Any]:
    # Temporal sends handler arguments by position; keywords are placed by the handler's
    # own signature, which only a method target (not a bare name) provides.
    if not kwargs:
        return list(args)
    if isinstance(target, str):
        raise TypeError(
            f"keyword arguments for handler {target!r} need the handler method (e.g. "
            f"handle.signal(MyWorkflow.{target}, ...)); with a name, pass them by position"
        )
    bound = inspect.signature(target).bind(None, *args, **kwargs)
    bound.apply_defaults()
    if bound.kwargs:
        raise TypeError(
            f"{getattr(target, '__qualname__', target)!r} has keyword-only parameters "
            f"{sorted(bound.kwargs)}; Temporal handlers take positional arguments only"
        )
    return list(bound.args[1:])


class MethodHandle(Generic[HandleResultType]):
    """A started workflow: await its result, signal, query, update, cancel or terminate it.

    Handlers can be named by string or by the decorated method (``OrderWorkflow.cancel``);
    query and update results are converted to the handler's return annotation.

    Example:
        >>> async def demo(engine, order):  # doctest: +SKIP
        ...     handle = await OrderWorkflow.client(engine).async_.process_order(order)
        ...     await handle.signal(OrderWorkflow.pause)
        ...     return await handle.result(timeout=60)
    """

    __slots__ = ("_engine", "_handle", "_method", "_workflow")

    def __init__(
        self,
        engine: WorkflowEngine,
        handle: temporalio.client.WorkflowHandle[Any, Any],
        workflow: WorkflowDefinition | None,
        method: MethodDefinition | None,
    ) -> None:
        self._engine = engine
        self._handle = handle
        self._workflow = workflow
        self._method = method

    @property
    def id(self) -> str:
        """The workflow id."""
        return self._handle.id

    @property
    def run_id(self) -> str | None:
        """The run id of the execution this handle was created for (None if not known)."""
        return self._handle.first_execution_run_id or self._handle.run_id

    @property
    def workflow_type(self) -> str | None:
        """The Temporal workflow type, if known."""
        return self._workflow.name if self._workflow is not None else None

    @property
    def method(self) -> str | None:
        """The entry method that was started, if known."""
        return self._method.name if self._method is not None else None

    @property
    def raw(self) -> temporalio.client.WorkflowHandle[Any, Any]:
        """The underlying temporalio `WorkflowHandle`, for anything this API does not cover."""
        return self._handle

    def _ids(self) -> dict[str, Any]:
        return {"workflow_id": self.id, "workflow_type": self.workflow_type, "method": self.method}

    async def result(self, timeout: float | timedelta | None = None) -> HandleResultType:
        """Wait for the workflow's result; `TimeoutError` if it is not done within `timeout`."""
        seconds = None if timeout is None else to_timedelta(timeout).total_seconds()
        try:
            value = await asyncio.wait_for(self._handle.result(), seconds)
        except TimeoutError:
            raise TimeoutError(
                f"workflow {self.id!r} did not finish within {seconds}s; it is still running "
                "(wait longer, or cancel it)"
            ) from None
        except Exception as err:
            raise translate(err, **self._ids(), action="result") from err
        converted = self._method.convert_result(value) if self._method is not None else value
        return cast(HandleResultType, converted)

    def _handler(self, table: str, name: str, target: str | Callable[..., Any]) -> HandlerDefinition | None:
        workflow = self._workflow if self._workflow is not None else _owner_definition(target)
        if workflow is None:
            return None
        found: HandlerDefinition | None = getattr(workflow, table).get(name)
        return found

    @overload
    async def signal(
        self,
        signal: Callable[Concatenate[Any, MethodParams], object],
        /,
        *args: MethodParams.args,
        **kwargs: MethodParams.kwargs,
    ) -> None: ...
    @overload
    async def signal(self, signal: str, /, *args: Any) -> None: ...
    async def signal(self, signal: str | Callable[..., Any], /, *args: Any, **kwargs: Any) -> None:
        """Send a signal, by name or by the `@wf_signal` method (then checked against its parameters).

        Example:
            >>> async def demo(handle):  # doctest: +SKIP
            ...     await handle.signal(OrderWorkflow.cancel, "customer asked")
            ...     await handle.signal("pause")
        """
        name = _handler_name(signal, "signal")
        positional = _positional(signal, args, kwargs)
        try:
            await self._handle.signal(name, args=positional)
        except Exception as err:
            raise translate(err, **self._ids(), action=f"signal {name!r}") from err

    @overload
    async def query(
        self,
        query: Callable[Concatenate[Any, MethodParams], Coroutine[Any, Any, ReturnType]],
        /,
        *args: MethodParams.args,
        **kwargs: MethodParams.kwargs,
    ) -> ReturnType: ...
    @overload
    async def query(
        self,
        query: Callable[Concatenate[Any, MethodParams], ReturnType],
        /,
        *args: MethodParams.args,
        **kwargs: MethodParams.kwargs,
    ) -> ReturnType: ...
    @overload
    async def query(self, query: str, /, *args: Any) -> Any: ...
    async def query(self, query: str | Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """Run a query, by name or by the `@wf_query` method, and return its converted result.

        Example:
            >>> async def demo(handle):  # doctest: +SKIP
            ...     status: str = await handle.query(OrderWorkflow.status)
        """
        name = _handler_name(query, "query")
        positional = _positional(query, args, kwargs)
        try:
            value = await self._handle.query(name, args=positional)
        except Exception as err:
            raise translate(err, **self._ids(), action=f"{name!r}") from err
        handler = self._handler("queries", name, query)
        return handler.convert_result(value) if handler is not None else value

    @overload
    async def update(
        self,
        update: Callable[Concatenate[Any, MethodParams], Coroutine[Any, Any, ReturnType]],
        /,
        *args: MethodParams.args,
        **kwargs: MethodParams.kwargs,
    ) -> ReturnType: ...
    @overload
    async def update(
        self,
        update: Callable[Concatenate[Any, MethodParams], ReturnType],
        /,
        *args: MethodParams.args,
        **kwargs: MethodParams.kwargs,
    ) -> ReturnType: ...
    @overload
    async def update(self, update: str, /, *args: Any) -> Any: ...
    async def update(self, update: str | Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """Send an update and wait for its result (a rejected update raises `UpdateFailedError`).

        Example:
            >>> async def demo(handle):  # doctest: +SKIP
            ...     old: int = await handle.update(OrderWorkflow.set_priority, 3)
        """
        name = _handler_name(update, "update")
        positional = _positional(update, args, kwargs)
        try:
            value = await self._handle.execute_update(name, args=positional)  # pyright: ignore[reportUnknownMemberType]
        except Exception as err:
            raise translate(err, **self._ids(), action=f"{name!r}") from err
        handler = self._handler("updates", name, update)
        return handler.convert_result(value) if handler is not None else value

    async def cancel(self) -> None:
        """Request cancellation; the workflow sees it at its next await and may clean up."""
        try:
            await self._handle.cancel()
        except Exception as err:
            raise translate(err, **self._ids(), action="cancel") from err

    async def terminate(self, reason: str | None = None) -> None:
        """Stop the workflow at once, with no chance to clean up."""
        try:
            await self._handle.terminate(reason=reason)
        except Exception as err:
            raise translate(err, **self._ids(), action="terminate") from err

    async def status(self) -> WorkflowStatus:
        """Describe the execution: status, type, method, times."""
        return await self._engine.get_status(self.id)

    def __repr__(self) -> str:
        return f"<MethodHandle {self.workflow_type}.{self.method} id={self.id!r}>"


class _ProxyBase(Generic[WorkflowType]):
    """What both proxies share: entry methods looked up by name, `start` by method or name."""

    __slots__ = ("_calls", "_definition", "_engine", "_options")

    def __init__(self, engine: WorkflowEngine, definition: WorkflowDefinition, options: StartOptions) -> None:
        self._engine = engine
        self._definition = definition
        self._options = options
        self._calls: dict[str, Callable[..., Any]] = {}

    def _make_call(self, method: MethodDefinition) -> Callable[..., Any]:
        raise NotImplementedError

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("__"):
            raise AttributeError(name)
        call = self._calls.get(name)
        if call is None:
            method = self._definition.method(name)
            call = self._make_call(method)
            call.__name__ = method.name
            call.__qualname__ = method.qualname
            call.__signature__ = method.signature  # type: ignore[attr-defined]
            call.__doc__ = getattr(self._definition.cls, name).__doc__
            self._calls[name] = call
        return call

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *self._definition.methods})

    @overload
    async def start(
        self,
        method: Callable[Concatenate[WorkflowType, MethodParams], Coroutine[Any, Any, ReturnType]],
        /,
        *args: MethodParams.args,
        **kwargs: MethodParams.kwargs,
    ) -> MethodHandle[ReturnType]: ...
    @overload
    async def start(self, method: str, /, *args: Any, **kwargs: Any) -> MethodHandle[Any]: ...
    async def start(
        self, method: Callable[..., Any] | str, /, *args: Any, **kwargs: Any
    ) -> MethodHandle[Any]:
        """Start `method` (``MyWorkflow.process`` or its name) and return its handle.

        Example:
            >>> async def demo(engine, order):  # doctest: +SKIP
            ...     wf = OrderWorkflow.client(engine)
            ...     handle = await wf.after(60).start(OrderWorkflow.process_order, order)
        """
        name = method if isinstance(method, str) else getattr(method, "__name__", "")
        definition = self._definition.method(name)
        return await self._engine.start_bound(
            self._definition, definition, definition.bind(args, kwargs), self._options
        )


class WorkflowStarter(_ProxyBase[WorkflowType]):
    """The proxy behind ``.async_`` and ``.after(n)``: each call starts and returns a handle.

    Example:
        >>> async def demo(engine, order):  # doctest: +SKIP
        ...     handle = await OrderWorkflow.client(engine).after(3600).process_order(order)
    """

    __slots__ = ()

    if TYPE_CHECKING:
        # Checkers see every entry method as "start it, get a handle"; the exact signature
        # needs the package's mypy plugin (pyright has no way to map a class's methods).
        def __getattr__(self, name: str) -> Callable[..., Coroutine[Any, Any, MethodHandle[Any]]]: ...

    def _make_call(self, method: MethodDefinition) -> Callable[..., Any]:
        engine, definition, options = self._engine, self._definition, self._options

        async def start(*args: Any, **kwargs: Any) -> MethodHandle[Any]:
            return await engine.start_bound(definition, method, method.bind(args, kwargs), options)

        return start

    def __repr__(self) -> str:
        return f"<WorkflowStarter {self._definition.name} {self._options}>"


class WorkflowClient(_ProxyBase[WorkflowType]):
    """The proxy ``MyWorkflow.client(engine)`` returns: entry methods that start and wait.

    Example:
        >>> async def demo(engine, order):  # doctest: +SKIP
        ...     wf = OrderWorkflow.client(engine)
        ...     result = await wf.process_order(order)              # start and wait
        ...     handle = await wf.async_.process_order(order)       # start, get a handle
        ...     handle = await wf.with_options(workflow_id="order-42").async_.process_order(order)
    """

    __slots__ = ()

    def _make_call(self, method: MethodDefinition) -> Callable[..., Any]:
        engine, definition, options = self._engine, self._definition, self._options

        async def execute(*args: Any, **kwargs: Any) -> Any:
            handle = await engine.start_bound(definition, method, method.bind(args, kwargs), options)
            return await handle.result()

        return execute

    @property
    def async_(self) -> WorkflowStarter[WorkflowType]:
        """A proxy whose calls start the workflow and return a `MethodHandle` at once."""
        return WorkflowStarter(self._engine, self._definition, self._options)

    def after(self, delay: float | timedelta) -> WorkflowStarter[WorkflowType]:
        """A proxy whose calls start the workflow after `delay` (seconds or a timedelta)."""
        return WorkflowStarter(self._engine, self._definition, self._options.merge(start_delay=delay))

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
        memo: Mapping[str, Any] | None = None,
        search_attributes: SearchAttributesInput | None = None,
    ) -> WorkflowClient[WorkflowType]:
        """A copy of this proxy whose calls use these start options."""
        options = self._options.merge(
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
            search_attributes=search_attributes,
        )
        return WorkflowClient(self._engine, self._definition, options)

    def __repr__(self) -> str:
        return f"<WorkflowClient {self._definition.name}>"
