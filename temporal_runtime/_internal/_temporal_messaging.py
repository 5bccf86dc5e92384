"""`MessagingSurface`'s backend on a Temporal server: one request per with-start, async activity handles.

A signal-with-start is temporalio's ``start_workflow(start_signal=...)``; an update-with-start
its ``start_update_with_start_workflow`` (one multi-operation request, so the start and the
update succeed or fail together). Activities completed from outside go through temporalio's
``AsyncActivityHandle``. `TemporalEngine` derives from `TemporalMessaging`.
"""

from __future__ import annotations

import contextlib
from typing import Any

import temporalio.client

from temporal_runtime._internal._handles import RawAsyncActivityHandle, RawUpdateHandle, RawWorkflowHandle
from temporal_runtime._internal._messaging import MessagingSurface
from temporal_runtime._internal._start import StartMessage, StartRequest
from temporal_runtime._internal._start_payloads import StartPayloads
from temporal_runtime.errors import OptionError


class TemporalMessaging(MessagingSurface):
    """With-start and async activity completion on a server (a base class of `TemporalEngine`)."""

    @property
    def client(self) -> temporalio.client.Client:
        """The temporalio `Client` (provided by `TemporalEngine`)."""
        raise NotImplementedError

    _start_payloads: StartPayloads | None = None

    def _start_kwargs(self, request: StartRequest) -> dict[str, Any]:
        """The keywords of every ``start_workflow`` this engine makes (plain and with a message)."""
        payloads = self._start_payloads
        if payloads is None or payloads.client is not self.client:
            payloads = self._start_payloads = StartPayloads(self.client)
        return payloads.start_kwargs(
            request.options, workflow_id=request.workflow_id, task_queue=request.task_queue, memo=request.memo
        )

    async def _send_with_start(
        self, request: StartRequest, message: StartMessage
    ) -> tuple[RawWorkflowHandle, RawUpdateHandle | None]:
        kwargs = self._start_kwargs(request)
        name = request.workflow.name
        if message.kind == "signal":
            handle = await self.client.start_workflow(
                name, request.envelope, start_signal=message.name, start_signal_args=message.args, **kwargs
            )
            return handle, None
        if kwargs.pop("request_eager_start", False):
            raise OptionError(
                f"update-with-start of {name} (id {request.workflow_id!r}) cannot request an eager "
                "start (Temporal does not offer it with an update); remove request_eager_start"
            )
        operation: temporalio.client.WithStartWorkflowOperation[Any, Any] = (
            temporalio.client.WithStartWorkflowOperation(name, request.envelope, **kwargs)
        )
        try:
            # One of temporalio's overloads leaves its `args` untyped; the by-name one applies here.
            update = await self.client.start_update_with_start_workflow(  # pyright: ignore[reportUnknownMemberType]
                message.name,
                args=message.args,
                start_workflow_operation=operation,
                wait_for_stage=message.stage,
            )
        except BaseException:
            # The operation holds the start's own outcome too; read it, the caller gets the error.
            with contextlib.suppress(Exception):  # a cancellation of the caller still propagates
                await operation.workflow_handle()
            raise
        return await operation.workflow_handle(), update

    def _async_activity(
        self, task_token: bytes | None, workflow_id: str | None, run_id: str | None, activity_id: str | None
    ) -> RawAsyncActivityHandle:
        if task_token is not None:
            return self.client.get_async_activity_handle(task_token=task_token)
        return self.client.get_async_activity_handle(
            workflow_id=workflow_id or "", run_id=run_id, activity_id=activity_id or ""
        )
