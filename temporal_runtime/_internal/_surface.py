"""One calling surface for both engines: lifecycle, starts, handles and the by-id operations.

`TemporalEngine` and `temporal_runtime.testing.InMemoryEngine` derive from `EngineSurface`
and only supply its backend: how to open and close, start one run, make a handle on one, and
describe one. Everything a caller meets (options and their defaults, ids, the envelope, the
lifecycle states and their errors, handle typing, error translation) is written here once,
so both engines behave the same by construction.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from types import TracebackType
from typing import Any, Concatenate, Self, TypeVar, cast, overload

from temporal_runtime._internal import _registry
from temporal_runtime._internal._failures import translate
from temporal_runtime._internal._handles import RawUpdateHandle, RawWorkflowHandle
from temporal_runtime._internal._proxy import proxy_class
from temporal_runtime._internal._start import NO_OPTIONS, StartPlans, StartRequest
from temporal_runtime._internal._types import MethodParams, ReturnType, WorkflowType
from temporal_runtime._internal._workflow_defn import MethodDefinition, WorkflowDefinition
from temporal_runtime.client import MethodHandle, WorkflowClient, WorkflowStatus
from temporal_runtime.config import RuntimeConfig
from temporal_runtime.errors import EngineNotStartedError, EngineStateError, OptionError
from temporal_runtime.lifecycle import EngineState
from temporal_runtime.options import StartOptions

W = TypeVar("W")


def split_start_options(kwargs: dict[str, Any]) -> tuple[StartOptions, dict[str, Any]]:
    """Start options and the method's own keywords, from one by-name call's keywords."""
    names = StartOptions.names()
    given = {k: kwargs.pop(k) for k in list(kwargs) if k in names}
    return NO_OPTIONS.merge(**given), kwargs


class EngineSurface:
    """What both engines offer: lifecycle, typed proxies, starts, handles, by-id operations.

    Subclasses set `task_queue` and `config` and implement the backend methods
    (`_open`, `_close`, `_start_run`, `_run_handle`, `_describe_run`; `_wait_result` and
    `_wait_update` where waiting is more than awaiting).
    """

    task_queue: str
    config: RuntimeConfig
    _state: EngineState = EngineState.NOT_STARTED
    _start_plans: StartPlans | None = None

    # -- the backend ---------------------------------------------------------------------------

    async def _open(self) -> None:
        raise NotImplementedError

    async def _close(self) -> None:
        raise NotImplementedError

    async def _start_run(self, request: StartRequest) -> RawWorkflowHandle:
        """Start one run: its options have the configuration's defaults, id and queue are resolved."""
        raise NotImplementedError

    def _run_handle(self, workflow_id: str, run_id: str | None) -> RawWorkflowHandle:
        raise NotImplementedError

    async def _describe_run(self, workflow_id: str, run_id: str | None) -> WorkflowStatus:
        raise NotImplementedError

    async def _wait_result(self, handle: RawWorkflowHandle, timeout: float | None) -> Any:
        return await asyncio.wait_for(handle.result(), timeout)

    async def _wait_update(self, handle: RawUpdateHandle, timeout: float | None) -> Any:
        # Not wait_for: temporalio answers the cancellation of its poll with an error of its own.
        poll = asyncio.ensure_future(handle.result())
        finished = False
        try:
            finished = bool((await asyncio.wait({poll}, timeout=timeout))[0])
        finally:
            if not poll.done():
                poll.cancel()
                await asyncio.wait({poll})
                if not poll.cancelled():
                    poll.exception()  # the cancelled poll's error: seen, and not the caller's
        if not finished:
            raise TimeoutError
        return poll.result()

    # -- lifecycle -----------------------------------------------------------------------------

    @property
    def state(self) -> EngineState:
        """Where the engine is in its lifecycle."""
        return self._state

    async def start(self) -> Self:
        """Open the engine (connect, start workers); call once, or use ``async with``.

        Example:
            >>> async def main():  # doctest: +SKIP
            ...     engine = await TemporalEngine(task_queue="orders").start()
        """
        if self._state is not EngineState.NOT_STARTED:
            raise EngineStateError(
                f"{type(self).__name__}.start() called on an engine that is {self._state.value}; "
                f"create a new {type(self).__name__} to start again"
            )
        await self._open()
        self._state = EngineState.RUNNING
        return self

    async def stop(self) -> None:
        """Drain and close; safe to call more than once.

        Example:
            >>> async def main(engine):  # doctest: +SKIP
            ...     await engine.stop()
        """
        if self._state in (EngineState.STOPPING, EngineState.STOPPED):
            return
        self._state = EngineState.STOPPING
        try:
            await self._close()
        finally:
            self._state = EngineState.STOPPED

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    def _require_running(self) -> None:
        if self._state is not EngineState.RUNNING:
            raise EngineNotStartedError(
                f"the engine is {self._state.value}; call await engine.start() (or use "
                "'async with engine:') before starting or reaching workflows"
            )

    # -- starting workflows --------------------------------------------------------------------

    def workflow_client(self, workflow: type[W]) -> W:
        """The typed proxy of `workflow` on this engine (what ``Workflow.client`` returns).

        Example:
            >>> async def demo(engine, order):  # doctest: +SKIP
            ...     wf = engine.workflow_client(OrderWorkflow)
        """
        definition = _registry.workflow_definition(workflow)
        return cast(W, proxy_class(WorkflowClient, definition)(self, definition, NO_OPTIONS))

    async def start_bound(
        self,
        workflow: WorkflowDefinition,
        method: MethodDefinition,
        kwargs: dict[str, Any],
        options: StartOptions,
    ) -> MethodHandle[Any]:
        """Start `method` with already-bound `kwargs` (the proxies' path; prefer `start_method`).

        Example:
            >>> async def demo(engine, definition, method):  # doctest: +SKIP
            ...     await engine.start_bound(definition, method, {"n": 1}, StartOptions())
        """
        self._require_running()
        request = self._start_request(workflow, method, kwargs, options)
        try:
            raw = await self._start_run(request)
        except Exception as err:
            raise translate(
                err,
                workflow_id=request.workflow_id,
                workflow_type=workflow.name,
                method=method.name,
                action="start",
            ) from err
        return MethodHandle(self, raw, workflow, method)

    def _start_request(
        self,
        workflow: WorkflowDefinition,
        method: MethodDefinition,
        kwargs: dict[str, Any],
        options: StartOptions,
    ) -> StartRequest:
        plans = self._start_plans
        if plans is None or plans.config is not self.config or plans.default_queue != self.task_queue:
            plans = self._start_plans = StartPlans(self.config, self.task_queue)
        return plans.request(workflow, method, kwargs, options)

    def _bind(
        self,
        workflow: type[Any] | str,
        method: str | Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> tuple[WorkflowDefinition, MethodDefinition, dict[str, Any], StartOptions]:
        definition = _registry.workflow_definition(workflow)
        method_def = definition.method(method if isinstance(method, str) else method.__name__)
        if isinstance(method, str):
            # By name, the options ride along with the method's own keywords.
            options, kwargs = split_start_options(dict(kwargs))
            return definition, method_def, method_def.bind(args, kwargs), options
        misplaced = sorted(
            k for k in kwargs if k in StartOptions.names() and k not in method_def.positional_names
        )
        if misplaced:
            raise OptionError(
                f"{definition.name}.{method_def.name} was given start option(s) {misplaced} with the "
                f"method itself, whose arguments are checked against its signature; name the method "
                f"instead ('{method_def.name}', ..., {misplaced[0]}=...) or use "
                f"{definition.cls.__name__}.client(engine).with_options({misplaced[0]}=...)"
            )
        return definition, method_def, method_def.bind(args, kwargs), NO_OPTIONS

    # With the method itself (``OrderWorkflow.process_order``) the arguments are checked
    # against it; start options then go through ``Workflow.client(engine).with_options(...)``.
    # By name, the keywords named like a start option (`StartOptionsKwargs`) are the options.
    @overload
    async def start_method(
        self,
        workflow: type[WorkflowType],
        method: Callable[Concatenate[WorkflowType, MethodParams], Coroutine[Any, Any, ReturnType]],
        /,
        *args: MethodParams.args,
        **kwargs: MethodParams.kwargs,
    ) -> MethodHandle[ReturnType]: ...
    @overload
    async def start_method(
        self, workflow: type[Any] | str, method: str, /, *args: Any, **kwargs: Any
    ) -> MethodHandle[Any]: ...
    async def start_method(
        self, workflow: type[Any] | str, method: str | Callable[..., Any], /, *args: Any, **kwargs: Any
    ) -> MethodHandle[Any]:
        """Start an entry method and return its handle at once.

        `workflow` is the class or its registered name; `method` the function or its name.
        The remaining arguments go to the method; with a method name, keywords named like a
        start option (``workflow_id=``, ``id_conflict_policy=``, ... see `StartOptionsKwargs`)
        set that option instead.

        Example:
            >>> async def demo(engine, order):  # doctest: +SKIP
            ...     h = await engine.start_method(OrderWorkflow, "process_order", order,
            ...                                   workflow_id="order-42")
        """
        return await self.start_bound(*self._bind(workflow, method, args, kwargs))

    @overload
    async def execute_method(
        self,
        workflow: type[WorkflowType],
        method: Callable[Concatenate[WorkflowType, MethodParams], Coroutine[Any, Any, ReturnType]],
        /,
        *args: MethodParams.args,
        **kwargs: MethodParams.kwargs,
    ) -> ReturnType: ...
    @overload
    async def execute_method(
        self, workflow: type[Any] | str, method: str, /, *args: Any, **kwargs: Any
    ) -> Any: ...
    async def execute_method(
        self, workflow: type[Any] | str, method: str | Callable[..., Any], /, *args: Any, **kwargs: Any
    ) -> Any:
        """Start an entry method and wait for its result (converted to its return annotation).

        Takes the same arguments and start options as `start_method`.

        Example:
            >>> async def demo(engine, order):  # doctest: +SKIP
            ...     result = await engine.execute_method(OrderWorkflow, "process_order", order)
        """
        handle = await self.start_bound(*self._bind(workflow, method, args, kwargs))
        return await handle.result()

    # -- reaching running workflows ------------------------------------------------------------

    def get_handle(
        self,
        workflow_id: str,
        run_id: str | None = None,
        *,
        workflow: type[Any] | str | None = None,
        method: str | None = None,
    ) -> MethodHandle[Any]:
        """A handle on an existing workflow; give `workflow`/`method` to get typed results.

        Nothing is looked up until the handle is used, so a wrong id fails on first use with
        `WorkflowNotFoundError`.

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     await engine.get_handle("order-42").signal("pause")
        """
        self._require_running()
        definition = _registry.workflow_definition(workflow) if workflow is not None else None
        method_def = definition.method(method) if definition is not None and method is not None else None
        return MethodHandle(self, self._run_handle(workflow_id, run_id), definition, method_def)

    async def _typed_handle(self, workflow_id: str, run_id: str | None = None) -> MethodHandle[Any]:
        status = await self.get_status(workflow_id, run_id)
        definition = _registry.workflows.get(status.workflow_type)
        method = definition.methods.get(status.method) if definition and status.method else None
        return MethodHandle(self, self._run_handle(workflow_id, run_id), definition, method)

    async def get_status(self, workflow_id: str, run_id: str | None = None) -> WorkflowStatus:
        """Describe a workflow: status, type, entry method, task queue, times and memo.

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     info = await engine.get_status("order-42")
            ...     print(info.status, info.method)
        """
        self._require_running()
        try:
            return await self._describe_run(workflow_id, run_id)
        except Exception as err:
            raise translate(err, workflow_id=workflow_id, action="get_status") from err

    async def get_result(self, workflow_id: str, timeout_seconds: float | None = None) -> Any:
        """Wait for a workflow's result; `TimeoutError` if not done within `timeout_seconds`.

        When the workflow's class is defined in this process, the result is converted to
        the entry method's return annotation.

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     result = await engine.get_result("order-42", timeout_seconds=30)
        """
        return await (await self._typed_handle(workflow_id)).result(timeout=timeout_seconds)

    async def signal(self, workflow_id: str, signal: str | Callable[..., Any], *args: Any) -> None:
        """Send a signal to a running workflow by id.

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     await engine.signal("order-42", "cancel", "Customer request")
        """
        await self.get_handle(workflow_id).signal(signal, *args)

    async def query(self, workflow_id: str, query: str | Callable[..., Any], *args: Any) -> Any:
        """Query a workflow by id; the result is converted to the handler's return annotation.

        The conversion needs the workflow's class defined in this process; otherwise the
        plain JSON value is returned.

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     status = await engine.query("order-42", "status")
        """
        return await (await self._typed_handle(workflow_id)).query(query, *args)

    async def update(self, workflow_id: str, update: str | Callable[..., Any], *args: Any) -> Any:
        """Send an update to a workflow by id and wait for its (converted) result.

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     old = await engine.update("order-42", "set_priority", 5)
        """
        return await (await self._typed_handle(workflow_id)).update(update, *args)

    async def cancel(self, workflow_id: str) -> None:
        """Request cancellation of a workflow (it may clean up before it closes).

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
