"""Calling workflows: the client proxies ``MyWorkflow.client(engine)`` returns.

``MyWorkflow.client(engine)`` returns a proxy whose methods are the workflow's entry
methods: calling one starts the workflow and waits for its result. ``.async_`` and
``.after(n)`` return a proxy whose calls start the workflow and give a `MethodHandle`;
``.with_options(...)`` sets the workflow id, policies and timeouts for the calls after it
(`temporal_runtime.options.StartOptionsKwargs`).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Concatenate, Generic, Self, cast, overload

from typing_extensions import Unpack

from temporal_runtime._internal._proxy import Proxy, proxy_class
from temporal_runtime._internal._types import MethodParams, ReturnType, SupportsWorkflowClient, WorkflowType
from temporal_runtime._internal._workflow_defn import MethodDefinition, WorkflowDefinition
from temporal_runtime.handle import ExecutionStatus, MethodHandle, WorkflowEngine, WorkflowStatus
from temporal_runtime.options import StartOptions, StartOptionsKwargs
from temporal_runtime.with_start import WithStartEngine, WithStartWorkflowOperation

__all__ = [
    "ClientSide",
    "ExecutionStatus",
    "MethodHandle",
    "WorkflowClient",
    "WorkflowEngine",
    "WorkflowStarter",
    "WorkflowStatus",
]


class _ClientProxy(Proxy, Generic[WorkflowType]):
    """What both client proxies share: the engine, the start options, and `start`."""

    __slots__ = ("_engine", "_options")

    def __init__(self, engine: WorkflowEngine, definition: WorkflowDefinition, options: StartOptions) -> None:
        super().__init__(definition)
        self._engine = engine
        self._options = options

    def _kind(self, kind: type[_ClientProxy[Any]], options: StartOptions) -> Any:
        return proxy_class(kind, self._definition)(self._engine, self._definition, options)

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
        found = self._method(method)
        return await self._engine.start_bound(
            self._definition, found, found.bind(args, kwargs), self._options
        )

    @overload
    def with_start(
        self,
        method: Callable[Concatenate[WorkflowType, MethodParams], Coroutine[Any, Any, ReturnType]],
        /,
        *args: MethodParams.args,
        **kwargs: MethodParams.kwargs,
    ) -> WithStartWorkflowOperation[ReturnType]: ...
    @overload
    def with_start(self, method: str, /, *args: Any, **kwargs: Any) -> WithStartWorkflowOperation[Any]: ...
    def with_start(
        self, method: Callable[..., Any] | str, /, *args: Any, **kwargs: Any
    ) -> WithStartWorkflowOperation[Any]:
        """A start of `method` to send with a signal or an update (see `WithStartWorkflowOperation`).

        Example:
            >>> async def demo(engine, item):  # doctest: +SKIP
            ...     op = CartWorkflow.client(engine).with_options(workflow_id="cart-7").with_start(
            ...         CartWorkflow.checkout)
            ...     handle = await op.signal(CartWorkflow.add, item)
        """
        found = self._method(method)
        engine = cast(WithStartEngine, self._engine)
        return WithStartWorkflowOperation(
            engine, self._definition, found, found.bind(args, kwargs), self._options
        )


class WorkflowStarter(_ClientProxy[WorkflowType]):
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

    async def _call(self, method: MethodDefinition, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        return await self._engine.start_bound(
            self._definition, method, method.bind(args, kwargs), self._options
        )

    def __repr__(self) -> str:
        return f"<WorkflowStarter {self._definition.name} {self._options}>"


class WorkflowClient(_ClientProxy[WorkflowType]):
    """The proxy ``MyWorkflow.client(engine)`` returns: entry methods that start and wait.

    Example:
        >>> async def demo(engine, order):  # doctest: +SKIP
        ...     wf = OrderWorkflow.client(engine)
        ...     result = await wf.process_order(order)              # start and wait
        ...     handle = await wf.async_.process_order(order)       # start, get a handle
        ...     handle = await wf.with_options(workflow_id="order-42").async_.process_order(order)
    """

    __slots__ = ()

    async def _call(self, method: MethodDefinition, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        handle = await self._engine.start_bound(
            self._definition, method, method.bind(args, kwargs), self._options
        )
        return await handle.result()

    @property
    def async_(self) -> WorkflowStarter[WorkflowType]:
        """A proxy whose calls start the workflow and return a `MethodHandle` at once."""
        return cast("WorkflowStarter[WorkflowType]", self._kind(WorkflowStarter, self._options))

    def after(self, delay: float | timedelta) -> WorkflowStarter[WorkflowType]:
        """A proxy whose calls start the workflow after `delay` (seconds or a timedelta)."""
        options = self._options.merge(start_delay=delay)
        return cast("WorkflowStarter[WorkflowType]", self._kind(WorkflowStarter, options))

    def with_options(self, **options: Unpack[StartOptionsKwargs]) -> WorkflowClient[WorkflowType]:
        """A copy of this proxy whose calls use these start options (see `StartOptionsKwargs`)."""
        return cast(
            "WorkflowClient[WorkflowType]", self._kind(WorkflowClient, self._options.merge(**options))
        )

    def __repr__(self) -> str:
        return f"<WorkflowClient {self._definition.name}>"


class ClientSide:
    """How a workflow class is called from a client: ``MyWorkflow.client(engine)`` (a base of `Workflow`).

    Statically the proxy is the workflow class itself, so ``await wf.process(x)`` has
    `process`'s own signature and result type; `async_`, `after`, `with_options`, `start` and
    `with_start` are the proxy's builders.

    Example:
        >>> from temporal_runtime import Workflow
        >>> issubclass(Workflow, ClientSide)
        True
    """

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

        def with_options(self, **options: Unpack[StartOptionsKwargs]) -> Self:
            """A copy of this proxy whose calls use these start options.

            Example:
                >>> async def demo(engine, order):  # doctest: +SKIP
                ...     wf = OrderWorkflow.client(engine).with_options(workflow_id="order-42")
                ...     handle = await wf.async_.process_order(order)
            """
            ...

        @overload
        def with_start(
            self,
            method: Callable[Concatenate[Self, MethodParams], Coroutine[Any, Any, ReturnType]],
            /,
            *args: MethodParams.args,
            **kwargs: MethodParams.kwargs,
        ) -> WithStartWorkflowOperation[ReturnType]: ...
        @overload
        def with_start(
            self, method: str, /, *args: Any, **kwargs: Any
        ) -> WithStartWorkflowOperation[Any]: ...
        def with_start(self, method: Any, /, *args: Any, **kwargs: Any) -> WithStartWorkflowOperation[Any]:
            """A start of `method` to send with a signal or an update (signal/update-with-start).

            Example:
                >>> async def demo(engine, item):  # doctest: +SKIP
                ...     op = CartWorkflow.client(engine).with_options(
                ...         workflow_id="cart-7", id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING
                ...     ).with_start(CartWorkflow.checkout)
                ...     total: int = await op.update(CartWorkflow.add_item, item)
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
