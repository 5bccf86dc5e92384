"""Other workflows from workflow code: ``self.external(workflow_id)`` and its handle.

A workflow signals or cancels another running workflow by its id (temporalio's
``workflow.get_external_workflow_handle``); both are durable commands, recorded in the
caller's history. Signalling a workflow that is not running (never started, or closed), or
cancelling one that never existed, raises `ApplicationError` (type
``ExternalWorkflowExecutionNotFound``); cancelling one that has closed already is no error.

Example:
    >>> from temporal_runtime import Workflow
    >>> class DocNotifier(Workflow):
    ...     async def notify(self, order_id: str) -> None:
    ...         await self.external(f"order-{order_id}").signal("approve", "bot")
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Concatenate, overload

from temporal_runtime._internal._runtime import ExternalRun
from temporal_runtime._internal._targets import handler_name, positional
from temporal_runtime._internal._types import MethodParams

__all__ = ["ExternalWorkflowHandle"]


class ExternalWorkflowHandle:
    """Another workflow, by id, as workflow code sees it: signal it or cancel it.

    Made by ``self.external(workflow_id, run_id=None)``; without `run_id` it addresses the
    workflow's current run.

    Example:
        >>> async def demo(self):  # doctest: +SKIP
        ...     other = self.external("order-42")
        ...     await other.signal(OrderWorkflow.approve, "ops")
        ...     await other.cancel()
    """

    __slots__ = ("_run", "run_id", "workflow_id")
    workflow_id: str
    run_id: str | None

    def __init__(self, run: ExternalRun, workflow_id: str, run_id: str | None) -> None:
        self._run = run
        self.workflow_id = workflow_id
        self.run_id = run_id

    @property
    def id(self) -> str:
        """The workflow id (as on `MethodHandle` and `ChildHandle`)."""
        return self.workflow_id

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
        """Send a signal, by name or by its `@wf_signal` method; returns once it is delivered.

        A workflow that is not running raises `ApplicationError` (type
        ``ExternalWorkflowExecutionNotFound``).

        Example:
            >>> async def demo(self):  # doctest: +SKIP
            ...     await self.external("order-42").signal("pause")
        """
        await self._run.signal(handler_name(signal, "signal"), positional(signal, args, kwargs))

    async def cancel(self) -> None:
        """Request the workflow's cancellation; returns once the request is delivered.

        An id that no workflow has raises `ApplicationError` (type
        ``ExternalWorkflowExecutionNotFound``); a workflow that has closed already is left as it is.

        Example:
            >>> async def demo(self):  # doctest: +SKIP
            ...     await self.external("order-42").cancel()
        """
        await self._run.cancel()

    def __repr__(self) -> str:
        return f"<ExternalWorkflowHandle id={self.workflow_id!r} run_id={self.run_id!r}>"
