"""Signal-with-start and update-with-start: send a message, starting the workflow if it is not running.

``wf.with_options(workflow_id=..., id_conflict_policy=...).with_start(X.run, args)`` (or
``engine.with_start(X, "run", args, workflow_id=..., ...)``) describes the start; the message
then goes with it in one call to the server:

- ``await op.signal(X.add, item)``: signal-with-start; starts the workflow unless one with
  this id is running, delivers the signal either way, and returns the workflow's
  `MethodHandle`.
- ``await op.update(X.add, item)``: update-with-start; the update's result.
- ``await op.start_update(X.add, item)``: the same, returning once the update is accepted, with
  an `UpdateHandle`.

A with-start needs a ``workflow_id`` (the id decides whether a run exists), and an update
needs ``id_conflict_policy``: ``USE_EXISTING`` to send it to the running workflow, ``FAIL`` to
refuse. A signal attaches to a running workflow unless the policy says otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from typing import Any, Concatenate, Generic, Protocol, cast, overload

import temporalio.client
import temporalio.common

from temporal_runtime._internal._failures import translate
from temporal_runtime._internal._handles import RawUpdateHandle, RawWorkflowHandle
from temporal_runtime._internal._start import StartMessage
from temporal_runtime._internal._targets import handler_definition, handler_name, positional
from temporal_runtime._internal._types import HandleResultType, MethodParams, ReturnType
from temporal_runtime._internal._workflow_defn import MethodDefinition, WorkflowDefinition
from temporal_runtime.errors import OptionError
from temporal_runtime.handle import MethodHandle, WorkflowEngine
from temporal_runtime.options import StartOptions
from temporal_runtime.update_handle import UpdateHandle

__all__ = ["WithStartWorkflowOperation"]

_Stage = temporalio.client.WorkflowUpdateStage
_Policy = temporalio.common.WorkflowIDConflictPolicy


class WithStartEngine(WorkflowEngine, Protocol):
    """What a with-start operation needs from its engine (both engines provide it)."""

    async def _start_with(
        self,
        workflow: WorkflowDefinition,
        method: MethodDefinition,
        kwargs: dict[str, Any],
        options: StartOptions,
        message: StartMessage,
    ) -> tuple[RawWorkflowHandle, RawUpdateHandle | None]:
        """Start (unless running) and send `message`, in one step."""
        ...

    def _run_handle(self, workflow_id: str, run_id: str | None) -> RawWorkflowHandle:
        """A handle on the workflow id (its latest run when `run_id` is None)."""
        ...


class WithStartWorkflowOperation(Generic[HandleResultType]):
    """A workflow start to go with a signal or an update (temporalio's name for the same).

    Made by ``.with_start(...)`` on a client proxy or on an engine; it starts nothing by
    itself, and can send any number of messages, each with the start.

    Example:
        >>> async def demo(engine, cart_id, item):  # doctest: +SKIP
        ...     op = (CartWorkflow.client(engine)
        ...           .with_options(workflow_id=cart_id,
        ...                         id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING)
        ...           .with_start(CartWorkflow.checkout))
        ...     total: int = await op.update(CartWorkflow.add_item, item)
        ...     receipt = await op.handle.result()
    """

    __slots__ = ("_engine", "_kwargs", "_method", "_options", "_workflow")

    def __init__(
        self,
        engine: WithStartEngine,
        workflow: WorkflowDefinition,
        method: MethodDefinition,
        kwargs: dict[str, Any],
        options: StartOptions,
    ) -> None:
        if options.workflow_id is None:
            raise OptionError(
                f"{workflow.name}.{method.name}: a with-start needs a workflow_id (it decides whether "
                f"the workflow is running already); use {workflow.cls.__name__}.client(engine)"
                f".with_options(workflow_id=...).with_start(...), or engine.with_start({workflow.name!r}, "
                f"{method.name!r}, ..., workflow_id=...)"
            )
        self._engine = engine
        self._workflow = workflow
        self._method = method
        self._kwargs = kwargs
        self._options = options

    @property
    def workflow_id(self) -> str:
        """The id of the workflow this operation starts or reaches."""
        return cast(str, self._options.workflow_id)

    @property
    def handle(self) -> MethodHandle[HandleResultType]:
        """A handle on the workflow of this id (its latest run), typed by the entry method.

        Example:
            >>> async def demo(op):  # doctest: +SKIP
            ...     await op.update(CartWorkflow.add_item, item)
            ...     receipt = await op.handle.result()
        """
        raw = self._engine._run_handle(self.workflow_id, None)
        return MethodHandle(self._engine, raw, self._workflow, self._method)

    async def _send(self, message: StartMessage) -> tuple[RawWorkflowHandle, RawUpdateHandle | None]:
        try:
            return await self._engine._start_with(
                self._workflow, self._method, self._kwargs, self._options, message
            )
        except Exception as err:
            raise translate(
                err,
                workflow_id=self.workflow_id,
                workflow_type=self._workflow.name,
                method=self._method.name,
                action=f"{message.kind}-with-start {message.name!r}",
            ) from err

    @overload
    async def signal(
        self,
        signal: Callable[Concatenate[Any, MethodParams], object],
        /,
        *args: MethodParams.args,
        **kwargs: MethodParams.kwargs,
    ) -> MethodHandle[HandleResultType]: ...
    @overload
    async def signal(self, signal: str, /, *args: Any) -> MethodHandle[HandleResultType]: ...
    async def signal(
        self, signal: str | Callable[..., Any], /, *args: Any, **kwargs: Any
    ) -> MethodHandle[HandleResultType]:
        """Signal-with-start: deliver the signal, starting the workflow first unless it runs.

        Example:
            >>> async def demo(op):  # doctest: +SKIP
            ...     handle = await op.signal(CartWorkflow.add, "apple")
        """
        name = handler_name(signal, "signal")
        raw, _ = await self._send(StartMessage("signal", name, positional(signal, args, kwargs)))
        return MethodHandle(self._engine, raw, self._workflow, self._method)

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
        """Update-with-start, returning once the update is accepted, with its `UpdateHandle`.

        Example:
            >>> async def demo(op):  # doctest: +SKIP
            ...     accepted = await op.start_update(CartWorkflow.add_item, item)
            ...     total = await accepted.result()
        """
        return await self._update(update, args, kwargs, _Stage.ACCEPTED)

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
        """Update-with-start: the update's result (converted to the handler's return annotation).

        Example:
            >>> async def demo(op):  # doctest: +SKIP
            ...     total: int = await op.update(CartWorkflow.add_item, item)
        """
        accepted = await self._update(update, args, kwargs, _Stage.COMPLETED)
        return await accepted.result()

    async def _update(
        self,
        update: str | Callable[..., Any],
        args: Sequence[Any],
        kwargs: dict[str, Any],
        stage: temporalio.client.WorkflowUpdateStage,
    ) -> UpdateHandle[Any]:
        if self._options.id_conflict_policy in (None, _Policy.UNSPECIFIED):
            raise OptionError(
                f"update-with-start of {self._workflow.name} (id {self.workflow_id!r}) needs "
                "id_conflict_policy: WorkflowIDConflictPolicy.USE_EXISTING sends the update to a "
                "running workflow, FAIL refuses it; set it with .with_options(id_conflict_policy=...)"
            )
        name = handler_name(update, "update")
        _, raw = await self._send(
            StartMessage("update", name, positional(update, tuple(args), kwargs), stage)
        )
        handler = handler_definition(self._workflow, "updates", name, update)
        return UpdateHandle(
            self._engine,
            cast(RawUpdateHandle, raw),
            handler,
            name=name,
            workflow_type=self._workflow.name,
            method=self._method.name,
        )

    def __repr__(self) -> str:
        return (
            f"<WithStartWorkflowOperation {self._workflow.name}.{self._method.name} id={self.workflow_id!r}>"
        )
