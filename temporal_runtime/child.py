"""Child workflows from workflow code: ``self.child(Other)``, its handles and its options.

``await self.child(Shipping).ship(parcel)`` starts a child and waits for its result (converted
to the entry method's return annotation); ``await self.child(Shipping).start(Shipping.ship,
parcel)`` and ``self.child(Shipping).async_.ship(parcel)`` start it and give a `ChildHandle`.
The child gets the same ``{"method", "kwargs"}`` input as a client start. Options (see
`temporal_runtime.options.ChildOptionsKwargs`) go to ``self.child(X, ...)`` or
``.with_options(...)``. A child cannot start later (Temporal has no start delay for children),
so there is no ``.after``.

Example:
    >>> from temporal_runtime import Workflow
    >>> class DocShipping(Workflow):
    ...     async def ship(self, parcel: str) -> str:
    ...         return f"shipped {parcel}"
    >>> class DocShop(Workflow):
    ...     async def order(self, parcel: str) -> str:
    ...         handle = await self.child(DocShipping).start(DocShipping.ship, parcel)
    ...         return await handle
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Coroutine, Generator
from typing import TYPE_CHECKING, Any, Concatenate, Generic, Never, TypeVar, cast, overload

from typing_extensions import Unpack

from temporal_runtime._internal import _envelope
from temporal_runtime._internal._proxy import Proxy, proxy_class
from temporal_runtime._internal._runtime import ChildRun, WorkflowRuntime
from temporal_runtime._internal._targets import handler_name
from temporal_runtime._internal._types import MethodParams, ReturnType, WorkflowType
from temporal_runtime._internal._workflow_defn import MethodDefinition, WorkflowDefinition
from temporal_runtime.options import ChildOptions, ChildOptionsKwargs

__all__ = ["ChildClient", "ChildHandle", "ChildStarter"]

R = TypeVar("R")


class ChildHandle(Generic[R]):
    """A started child workflow: await its result, signal it, or cancel it.

    ``await handle`` is the same as ``await handle.result()``. A failed child raises
    `ChildWorkflowError` (its ``cause`` holds the child's own error); a cancelled one raises
    `WorkflowCancelled`.

    Example:
        >>> async def demo(self):  # doctest: +SKIP
        ...     handle = await self.child(Shipping).start(Shipping.ship, order)
        ...     await handle.signal("expedite")
        ...     receipt = await handle
    """

    __slots__ = ("_method", "_run", "workflow_type")
    workflow_type: str

    def __init__(self, run: ChildRun, workflow_type: str, method: MethodDefinition) -> None:
        self._run = run
        self._method = method
        self.workflow_type = workflow_type

    @property
    def id(self) -> str:
        """The child's workflow id."""
        return self._run.id

    @property
    def method(self) -> str:
        """The child's entry method."""
        return self._method.name

    async def result(self) -> R:
        """Wait for the child and return its result, converted to the method's annotation."""
        value = await self._run.result()
        converted: R = self._method.convert_result(value)
        return converted

    def __await__(self) -> Generator[Any, None, R]:
        return self.result().__await__()

    async def signal(self, signal: str | Callable[..., Any], *args: Any) -> None:
        """Send a signal to the child, by name or by its `@wf_signal` method."""
        await self._run.signal(handler_name(signal, "signal"), args)

    def cancel(self) -> None:
        """Request the child's cancellation; awaiting it then raises `WorkflowCancelled`."""
        self._run.cancel()

    def __repr__(self) -> str:
        return f"<ChildHandle {self.workflow_type}.{self.method} id={self.id!r}>"


class _ChildProxy(Proxy, Generic[WorkflowType]):
    """What both child proxies share: the parent's runtime, the child options, and `start`."""

    __slots__ = ("_options", "_runtime")

    def __init__(
        self, runtime: WorkflowRuntime, definition: WorkflowDefinition, options: ChildOptions
    ) -> None:
        super().__init__(definition)
        self._runtime = runtime
        self._options = options

    def _kind(self, kind: type[_ChildProxy[Any]], options: ChildOptions) -> Any:
        return proxy_class(kind, self._definition)(self._runtime, self._definition, options)

    async def _start(
        self, method: MethodDefinition, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> ChildHandle[Any]:
        definition, options = self._definition, self._options
        bound = method.bind(args, kwargs)
        # Readable and unique, like the client's ids, and deterministic on replay.
        workflow_id = options.workflow_id or _envelope.default_workflow_id(
            definition.name, method.name, self._runtime.uuid4()
        )
        options = dataclasses.replace(
            options,
            workflow_id=workflow_id,
            task_queue=options.task_queue or definition.task_queue,
            memo=_envelope.start_memo(method.name, options.memo),
            summary=options.summary or method.name,
        )
        run = await self._runtime.start_child(definition.name, _envelope.encode(method.name, bound), options)
        return ChildHandle(run, definition.name, method)

    @overload
    async def start(
        self,
        method: Callable[Concatenate[WorkflowType, MethodParams], Coroutine[Any, Any, ReturnType]],
        /,
        *args: MethodParams.args,
        **kwargs: MethodParams.kwargs,
    ) -> ChildHandle[ReturnType]: ...
    @overload
    async def start(self, method: str, /, *args: Any, **kwargs: Any) -> ChildHandle[Any]: ...
    async def start(self, method: Callable[..., Any] | str, /, *args: Any, **kwargs: Any) -> ChildHandle[Any]:
        """Start `method` (``Child.method`` or its name) as a child and return its `ChildHandle`.

        Example:
            >>> async def demo(self, parcel):  # doctest: +SKIP
            ...     handle = await self.child(Shipping).start(Shipping.ship, parcel)
        """
        return await self._start(self._method(method), args, kwargs)


class ChildStarter(_ChildProxy[WorkflowType]):
    """``self.child(Other).async_``: each call starts the child and returns a `ChildHandle`.

    Example:
        >>> async def demo(self, parcel):  # doctest: +SKIP
        ...     handle = await self.child(Shipping).async_.ship(parcel)
    """

    __slots__ = ()

    if TYPE_CHECKING:
        # Exact with the package's mypy plugin; pyright sees any entry method as a start.
        def __getattr__(self, name: str) -> Callable[..., Coroutine[Any, Any, ChildHandle[Any]]]: ...

    async def _call(self, method: MethodDefinition, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        return await self._start(method, args, kwargs)

    def __repr__(self) -> str:
        return f"<ChildStarter {self._definition.name}>"


class ChildClient(_ChildProxy[WorkflowType]):
    """``self.child(Other)``: each call starts the child and waits for its converted result.

    Example:
        >>> async def demo(self, parcel):  # doctest: +SKIP
        ...     receipt = await self.child(Shipping, execution_timeout=600).ship(parcel)
    """

    __slots__ = ()

    if TYPE_CHECKING:
        # Exact with the package's mypy plugin; for pyright, `start` is the exact form.
        def __getattr__(self, name: str) -> Callable[..., Coroutine[Any, Any, Any]]: ...

        def after(self, *never: Never) -> None:
            """Not for children: Temporal has no start delay for a child workflow.

            Sleep in the parent first (``await self.sleep(n)``), then start the child.
            """
            ...

    async def _call(self, method: MethodDefinition, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        handle = await self._start(method, args, kwargs)
        return await handle.result()

    @property
    def async_(self) -> ChildStarter[WorkflowType]:
        """A proxy whose calls start the child and return a `ChildHandle` at once."""
        return cast("ChildStarter[WorkflowType]", self._kind(ChildStarter, self._options))

    def with_options(self, **options: Unpack[ChildOptionsKwargs]) -> ChildClient[WorkflowType]:
        """A copy whose calls use these child options (see `ChildOptionsKwargs`)."""
        return cast("ChildClient[WorkflowType]", self._kind(ChildClient, self._options.merge(**options)))

    def __repr__(self) -> str:
        return f"<ChildClient {self._definition.name}>"


def child_client(runtime: WorkflowRuntime, definition: WorkflowDefinition, options: ChildOptions) -> Any:
    """The `ChildClient` of `definition`'s workflow for a parent running on `runtime`."""
    return cast(ChildClient[Any], proxy_class(ChildClient, definition)(runtime, definition, options))
