"""The handle on one run that `MethodHandle` drives, whichever engine made it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol


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

    async def cancel(self) -> None:
        """Request cancellation."""
        ...

    async def terminate(self, *, reason: str | None = None) -> None:
        """Terminate at once."""
        ...
