"""The calling surface, continued: starts that carry a message, update handles, outside completion.

`MessagingSurface` extends `EngineSurface` with what both engines offer beyond plain starts:
``with_start`` (signal- and update-with-start), ``start_update`` by id, and
``activity_handle`` (completing an activity from outside it). Like the surface itself it is
written once over a few backend hooks: `_send_with_start` and `_async_activity`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Coroutine
from typing import Any, Concatenate, overload

import temporalio.common

from temporal_runtime._internal._handles import RawAsyncActivityHandle, RawUpdateHandle, RawWorkflowHandle
from temporal_runtime._internal._start import StartMessage, StartRequest
from temporal_runtime._internal._surface import EngineSurface
from temporal_runtime._internal._types import MethodParams, ReturnType, WorkflowType
from temporal_runtime._internal._workflow_defn import MethodDefinition, WorkflowDefinition
from temporal_runtime.activity_handle import AsyncActivityHandle
from temporal_runtime.errors import OptionError
from temporal_runtime.options import StartOptions
from temporal_runtime.update_handle import UpdateHandle
from temporal_runtime.with_start import WithStartWorkflowOperation


class MessagingSurface(EngineSurface):
    """With-start operations, update handles by id, and asynchronous activity completion.

    Subclasses may override `_send_with_start` (the default starts, then sends: right where
    nothing can happen between the two) and must implement `_async_activity`.
    """

    # -- the backend ---------------------------------------------------------------------------

    async def _send_with_start(
        self, request: StartRequest, message: StartMessage
    ) -> tuple[RawWorkflowHandle, RawUpdateHandle | None]:
        """Start the run unless one is running, and send `message` to it, as one step."""
        options = request.options
        if message.kind == "signal" and options.id_conflict_policy is None:
            # A signal-with-start reaches a running workflow unless told otherwise.
            options = dataclasses.replace(
                options, id_conflict_policy=temporalio.common.WorkflowIDConflictPolicy.USE_EXISTING
            )
        raw = await self._start_run(request._replace(options=options))
        if message.kind == "signal":
            await raw.signal(message.name, args=message.args)
            return raw, None
        return raw, await raw.start_update(message.name, args=message.args, wait_for_stage=message.stage)

    def _async_activity(
        self, task_token: bytes | None, workflow_id: str | None, run_id: str | None, activity_id: str | None
    ) -> RawAsyncActivityHandle:
        raise NotImplementedError

    async def _start_with(
        self,
        workflow: WorkflowDefinition,
        method: MethodDefinition,
        kwargs: dict[str, Any],
        options: StartOptions,
        message: StartMessage,
    ) -> tuple[RawWorkflowHandle, RawUpdateHandle | None]:
        self._require_running()
        return await self._send_with_start(self._start_request(workflow, method, kwargs, options), message)

    # -- starting with a message -----------------------------------------------------------------

    # As with `start_method`: with the method itself the arguments are checked against it and
    # the options come from ``Workflow.client(engine).with_options(...)``; by name, keywords
    # named like a start option set it.
    @overload
    def with_start(
        self,
        workflow: type[WorkflowType],
        method: Callable[Concatenate[WorkflowType, MethodParams], Coroutine[Any, Any, ReturnType]],
        /,
        *args: MethodParams.args,
        **kwargs: MethodParams.kwargs,
    ) -> WithStartWorkflowOperation[ReturnType]: ...
    @overload
    def with_start(
        self, workflow: type[Any] | str, method: str, /, *args: Any, **kwargs: Any
    ) -> WithStartWorkflowOperation[Any]: ...
    def with_start(
        self, workflow: type[Any] | str, method: str | Callable[..., Any], /, *args: Any, **kwargs: Any
    ) -> WithStartWorkflowOperation[Any]:
        """A start of an entry method to send with a signal or an update (`WithStartWorkflowOperation`).

        Needs ``workflow_id=`` (and, for an update, ``id_conflict_policy=``); the typed form
        is ``MyWorkflow.client(engine).with_options(...).with_start(MyWorkflow.run, ...)``.

        Example:
            >>> async def demo(engine, item):  # doctest: +SKIP
            ...     op = engine.with_start(CartWorkflow, "checkout", workflow_id="cart-7",
            ...                            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING)
            ...     total = await op.update("add_item", item)
        """
        return WithStartWorkflowOperation(self, *self._bind(workflow, method, args, kwargs))

    async def start_update(
        self, workflow_id: str, update: str | Callable[..., Any], *args: Any
    ) -> UpdateHandle[Any]:
        """Send an update to a workflow by id; return once it is accepted, with its `UpdateHandle`.

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     accepted = await engine.start_update("order-42", "set_priority", 5)
            ...     old = await accepted.result()
        """
        return await (await self._typed_handle(workflow_id)).start_update(update, *args)

    # -- activities completed from outside ---------------------------------------------------------

    def activity_handle(
        self,
        task_token: bytes | None = None,
        *,
        workflow_id: str | None = None,
        activity_id: str | None = None,
        run_id: str | None = None,
    ) -> AsyncActivityHandle:
        """A handle to complete, fail or heartbeat an activity that called `raise_complete_async`.

        Name the activity by its task token (``activity_info().task_token``), or by its
        workflow id and activity id (`run_id` narrows to one run). Nothing is looked up until
        the handle is used.

        Example:
            >>> async def demo(engine, token):  # doctest: +SKIP
            ...     await engine.activity_handle(task_token=token).complete("approved")
            ...     await engine.activity_handle(workflow_id="order-42", activity_id="1").heartbeat()
        """
        self._require_running()
        by_token = task_token is not None and workflow_id is None and activity_id is None and run_id is None
        by_ids = task_token is None and workflow_id is not None and activity_id is not None
        if not (by_token or by_ids):
            raise OptionError(
                "activity_handle takes task_token=... alone, or workflow_id=... and activity_id=... "
                "(and optionally run_id=...)"
            )
        target = (
            f"with task token {task_token!r}"
            if task_token is not None
            else f"{activity_id!r} of workflow {workflow_id!r}"
        )
        return AsyncActivityHandle(self._async_activity(task_token, workflow_id, run_id, activity_id), target)
