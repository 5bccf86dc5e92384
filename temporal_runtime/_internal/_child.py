"""Child workflows from workflow code: ``self.child(Other).method(x)`` and ``.async_``.

The proxies mirror the client's: the same ``{"method", "kwargs"}`` envelope, started by the
child's workflow type name, with the result converted to the entry method's return
annotation. They talk only to the `WorkflowRuntime`, so any executor can run them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Generator, Mapping
from datetime import timedelta
from typing import Any, Generic, TypeVar

import temporalio.common

from temporal_runtime._internal._runtime import ChildOptions, ChildRun, WorkflowRuntime
from temporal_runtime._internal._search import SearchAttributesInput, typed_search_attributes
from temporal_runtime._internal._workflow_defn import MethodDefinition, WorkflowDefinition
from temporal_runtime.client import METHOD_MEMO_KEY
from temporal_runtime.config import to_timedelta

R = TypeVar("R")


def child_options(
    base: ChildOptions,
    *,
    workflow_id: str | None = None,
    task_queue: str | None = None,
    parent_close_policy: Any = None,
    execution_timeout: float | timedelta | None = None,
    run_timeout: float | timedelta | None = None,
    task_timeout: float | timedelta | None = None,
    retry_policy: temporalio.common.RetryPolicy | None = None,
    memo: Mapping[str, Any] | None = None,
    search_attributes: SearchAttributesInput | None = None,
    id_reuse_policy: temporalio.common.WorkflowIDReusePolicy | None = None,
) -> ChildOptions:
    """`base` with the given options set (None leaves an option as it is)."""
    changes: dict[str, Any] = {
        "workflow_id": workflow_id,
        "task_queue": task_queue,
        "parent_close_policy": parent_close_policy,
        "execution_timeout": None if execution_timeout is None else to_timedelta(execution_timeout),
        "run_timeout": None if run_timeout is None else to_timedelta(run_timeout),
        "task_timeout": None if task_timeout is None else to_timedelta(task_timeout),
        "retry_policy": retry_policy,
        "memo": memo,
        "search_attributes": None
        if search_attributes is None
        else typed_search_attributes(search_attributes),
        "id_reuse_policy": id_reuse_policy,
    }
    updates = {k: v for k, v in changes.items() if v is not None}
    return dataclasses.replace(base, **updates) if updates else base


class ChildHandle(Generic[R]):
    """A started child workflow: await its result, signal it, or cancel it.

    ``await handle`` is the same as ``await handle.result()``. Failures of the child
    surface as `ChildWorkflowError` (its ``cause`` holds the child's own error).

    Example:
        >>> async def demo(self):  # doctest: +SKIP
        ...     handle = await self.child(Shipping).async_.ship(order)
        ...     await handle.signal("expedite")
        ...     receipt = await handle.result()
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
        from temporal_runtime.client import _handler_name  # pyright: ignore[reportPrivateUsage]

        await self._run.signal(_handler_name(signal, "signal"), args)

    def cancel(self) -> None:
        """Request the child's cancellation; `result()` then raises `ChildWorkflowError`."""
        self._run.cancel()

    def __repr__(self) -> str:
        return f"<ChildHandle {self.workflow_type}.{self.method} id={self.id!r}>"


class _ChildProxyBase:
    __slots__ = ("_definition", "_options", "_runtime")

    def __init__(
        self, runtime: WorkflowRuntime, definition: WorkflowDefinition, options: ChildOptions
    ) -> None:
        self._runtime = runtime
        self._definition = definition
        self._options = options

    async def _start(
        self, method: MethodDefinition, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> ChildHandle[Any]:
        definition = self._definition
        bound = method.bind(args, kwargs)
        options = self._options
        if options.workflow_id is None:
            # Readable and unique, like the client's ids, and deterministic on replay.
            options = dataclasses.replace(
                options, workflow_id=f"{definition.name}-{method.name}-{self._runtime.uuid4()}"
            )
        # Like the client, record the entry method so get_status() can report it.
        options = dataclasses.replace(options, memo={**(options.memo or {}), METHOD_MEMO_KEY: method.name})
        if options.task_queue is None and definition.task_queue is not None:
            options = dataclasses.replace(options, task_queue=definition.task_queue)
        run = await self._runtime.start_child(
            definition.name, {"method": method.name, "kwargs": bound}, options
        )
        return ChildHandle(run, definition.name, method)

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("__"):
            raise AttributeError(name)
        return self._make_call(self._definition.method(name))

    def _make_call(self, method: MethodDefinition) -> Callable[..., Any]:
        raise NotImplementedError

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *self._definition.methods})


class ChildStarter(_ChildProxyBase):
    """``self.child(Other).async_``: each call starts the child and returns a `ChildHandle`."""

    __slots__ = ()

    def _make_call(self, method: MethodDefinition) -> Callable[..., Any]:
        async def start(*args: Any, **kwargs: Any) -> ChildHandle[Any]:
            return await self._start(method, args, kwargs)

        return start

    def __repr__(self) -> str:
        return f"<ChildStarter {self._definition.name}>"


class ChildClient(_ChildProxyBase):
    """``self.child(Other)``: each call starts the child and waits for its converted result."""

    __slots__ = ()

    def _make_call(self, method: MethodDefinition) -> Callable[..., Any]:
        async def execute(*args: Any, **kwargs: Any) -> Any:
            handle = await self._start(method, args, kwargs)
            return await handle.result()

        return execute

    @property
    def async_(self) -> ChildStarter:
        """A proxy whose calls start the child and return a `ChildHandle` at once."""
        return ChildStarter(self._runtime, self._definition, self._options)

    def with_options(self, **options: Any) -> ChildClient:
        """A copy whose calls use these child options (workflow_id, task_queue, parent_close_policy, ...)."""
        return ChildClient(self._runtime, self._definition, child_options(self._options, **options))

    def __repr__(self) -> str:
        return f"<ChildClient {self._definition.name}>"
