"""A started workflow: `MethodHandle`, and `WorkflowStatus`, what describing one tells.

Handles come from the client proxies (``await wf.async_.process(x)``), from
``engine.start_method`` and from ``engine.get_handle(workflow_id)``; they work the same on
`TemporalEngine` and on `temporal_runtime.testing.InMemoryEngine`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta
from typing import Any, ClassVar, Concatenate, Generic, Protocol, TypeVar, cast, overload

import temporalio.client
from pydantic import BaseModel, ConfigDict

from temporal_runtime._internal._failures import translate
from temporal_runtime._internal._handles import RawUpdateHandle, RawWorkflowHandle
from temporal_runtime._internal._targets import handler_definition, handler_name, positional
from temporal_runtime._internal._types import HandleResultType, MethodParams, ReturnType
from temporal_runtime._internal._workflow_defn import MethodDefinition, WorkflowDefinition
from temporal_runtime.activity_handle import PendingActivity
from temporal_runtime.config import to_timedelta
from temporal_runtime.errors import EngineError, TemporalRuntimeError
from temporal_runtime.options import StartOptions
from temporal_runtime.update_handle import UpdateHandle

__all__ = ["ExecutionStatus", "MethodHandle", "WorkflowEngine", "WorkflowStatus"]

W = TypeVar("W")


class WorkflowEngine(Protocol):
    """What the client proxies and handles need from an engine.

    `TemporalEngine` and `temporal_runtime.testing.InMemoryEngine` both provide it (they share
    one calling surface), so a function that takes a `WorkflowEngine` runs on either.

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

    async def _wait_result(self, handle: RawWorkflowHandle, timeout: float | None) -> Any:
        """A run's raw result, waiting at most `timeout` seconds (`TimeoutError` after)."""
        ...

    async def _wait_update(self, handle: RawUpdateHandle, timeout: float | None) -> Any:
        """An accepted update's raw result, waiting at most `timeout` seconds."""
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

    `memo` and `search_attributes` are plain values (the library's own memo keys left out);
    `pending_activities` are the activities running or waiting for a retry, with their attempt
    and last failure.

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
    search_attributes: dict[str, Any] = {}
    pending_activities: list[PendingActivity] = []
    # Routing and user metadata, as the start set them (a child inherits its parent's priority).
    summary: str | None = None
    details: str | None = None
    priority: int | None = None
    fairness_key: str | None = None
    fairness_weight: float | None = None
    # The worker deployment version the run is on (``<name>.<build_id>``), with worker versioning.
    deployment_version: str | None = None

    @property
    def is_running(self) -> bool:
        """True while the workflow has not closed."""
        return self.status is ExecutionStatus.RUNNING


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
        handle: RawWorkflowHandle,
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
        """The underlying temporalio `WorkflowHandle`, for anything this API does not cover.

        An in-memory engine's handles have none: there is no server to reach.
        """
        handle: Any = self._handle
        if not isinstance(handle, temporalio.client.WorkflowHandle):
            raise EngineError(
                f"{self!r} is a handle of an in-memory engine, which has no temporalio "
                "WorkflowHandle; use the handle's own methods, or a TemporalEngine"
            )
        raw: temporalio.client.WorkflowHandle[Any, Any] = handle  # pyright: ignore[reportUnknownVariableType]
        return raw

    def _ids(self) -> dict[str, Any]:
        return {"workflow_id": self.id, "workflow_type": self.workflow_type, "method": self.method}

    async def result(self, timeout: float | timedelta | None = None) -> HandleResultType:
        """Wait for the workflow's result; `TimeoutError` if it is not done within `timeout`."""
        seconds = None if timeout is None else to_timedelta(timeout).total_seconds()
        try:
            value = await self._engine._wait_result(self._handle, seconds)
        except TimeoutError:
            raise TimeoutError(
                f"workflow {self.id!r} did not finish within {seconds}s; it is still running "
                "(wait longer, or cancel it)"
            ) from None
        except TemporalRuntimeError:
            raise  # already ours (an in-memory ReplayError)
        except Exception as err:
            raise translate(err, **self._ids(), action="result") from err
        converted = self._method.convert_result(value) if self._method is not None else value
        return cast(HandleResultType, converted)

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
        name = handler_name(signal, "signal")
        values = positional(signal, args, kwargs)
        try:
            await self._handle.signal(name, args=values)
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
        name = handler_name(query, "query")
        values = positional(query, args, kwargs)
        try:
            value = await self._handle.query(name, args=values)
        except Exception as err:
            raise translate(err, **self._ids(), action=f"{name!r}") from err
        handler = handler_definition(self._workflow, "queries", name, query)
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
        name = handler_name(update, "update")
        values = positional(update, args, kwargs)
        try:
            value = await self._handle.execute_update(name, args=values)
        except Exception as err:
            raise translate(err, **self._ids(), action=f"{name!r}") from err
        handler = handler_definition(self._workflow, "updates", name, update)
        return handler.convert_result(value) if handler is not None else value

    @overload
    async def start_update(
        self,
        update: Callable[Concatenate[Any, MethodParams], Coroutine[Any, Any, ReturnType]],
        /,
        *args: MethodParams.args,
        **kwargs: MethodParams.kwargs,
    ) -> UpdateHandle[ReturnType]: ...
    @overload
    async def start_update(
        self,
        update: Callable[Concatenate[Any, MethodParams], ReturnType],
        /,
        *args: MethodParams.args,
        **kwargs: MethodParams.kwargs,
    ) -> UpdateHandle[ReturnType]: ...
    @overload
    async def start_update(self, update: str, /, *args: Any) -> UpdateHandle[Any]: ...
    async def start_update(
        self, update: str | Callable[..., Any], /, *args: Any, **kwargs: Any
    ) -> UpdateHandle[Any]:
        """Send an update and return once the workflow accepted it, with an `UpdateHandle`.

        Accepted means its validator passed; ``await accepted.result()`` waits for the
        handler, as `update` does in one call, and raises `UpdateFailedError` if the update
        was rejected or its handler failed.

        Example:
            >>> async def demo(handle):  # doctest: +SKIP
            ...     accepted = await handle.start_update(OrderWorkflow.set_priority, 3)
            ...     old: int = await accepted.result()
        """
        name = handler_name(update, "update")
        values = positional(update, args, kwargs)
        try:
            raw = await self._handle.start_update(
                name, args=values, wait_for_stage=temporalio.client.WorkflowUpdateStage.ACCEPTED
            )
        except Exception as err:
            raise translate(err, **self._ids(), action=f"{name!r}") from err
        handler = handler_definition(self._workflow, "updates", name, update)
        return UpdateHandle(
            self._engine, raw, handler, name=name, workflow_type=self.workflow_type, method=self.method
        )

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
