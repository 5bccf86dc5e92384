"""The handles `MethodHandle`, `UpdateHandle` and `AsyncActivityHandle` drive, whichever engine made them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import temporalio.client


class RawUpdateHandle(Protocol):
    """An accepted update: temporalio's `WorkflowUpdateHandle`, or an in-memory one like it."""

    @property
    def id(self) -> str:
        """The update id."""
        ...

    @property
    def workflow_id(self) -> str:
        """The workflow the update was sent to."""
        ...

    @property
    def workflow_run_id(self) -> str | None:
        """The run the update was sent to, if known."""
        ...

    async def result(self) -> Any:
        """Wait for the update's handler to finish; its raw result."""
        ...


class RawWorkflowHandle(Protocol):
    """What `MethodHandle` drives: temporalio's `WorkflowHandle`, or an in-memory one like it.

    Failures are raised as temporalio's client errors, which `MethodHandle` translates.
    """

    @property
    def id(self) -> str:
        """The workflow id."""
        ...

    @property
    def run_id(self) -> str | None:
        """The run this handle was made for, if any."""
        ...

    @property
    def first_execution_run_id(self) -> str | None:
        """The first run of the chain this handle follows, if known."""
        ...

    async def result(self) -> Any:
        """Wait for the run (and the runs it continued as) to close; its raw result."""
        ...

    async def signal(self, signal: str, /, *, args: Sequence[Any]) -> None:
        """Send a signal with positional arguments."""
        ...

    async def query(self, query: str, /, *, args: Sequence[Any]) -> Any:
        """Run a query with positional arguments; its raw result."""
        ...

    async def execute_update(self, update: str, /, *, args: Sequence[Any]) -> Any:
        """Send an update and wait for its raw result."""
        ...

    async def start_update(
        self, update: str, /, *, args: Sequence[Any], wait_for_stage: temporalio.client.WorkflowUpdateStage
    ) -> RawUpdateHandle:
        """Send an update and return once it reached `wait_for_stage` (accepted)."""
        ...

    async def cancel(self) -> None:
        """Request cancellation."""
        ...

    async def terminate(self, *, reason: str | None = None) -> None:
        """Terminate at once."""
        ...


class RawAsyncActivityHandle(Protocol):
    """An activity completed from outside: temporalio's `AsyncActivityHandle`, or an in-memory one."""

    async def heartbeat(self, *details: Any) -> None:
        """Record a heartbeat."""
        ...

    async def complete(self, result: Any = ...) -> None:
        """Complete the activity with `result`."""
        ...

    async def fail(self, error: Exception, *, last_heartbeat_details: Sequence[Any] = ...) -> None:
        """Fail the attempt with `error` (retried as the activity's retry policy says)."""
        ...

    async def report_cancellation(self, *details: Any) -> None:
        """Report the activity as cancelled."""
        ...
