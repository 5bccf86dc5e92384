"""What a running workflow's helpers call: the seam between `Workflow` and an executor.

`Workflow.exec`, `sleep`, ... delegate to the `WorkflowRuntime` attached to the instance.
On a Temporal worker that is `TemporalWorkflowRuntime` (a thin layer over
`temporalio.workflow`); `temporal_runtime.testing.InMemoryEngine` attaches its own. An
instance with no runtime is a plain object, so its helpers raise `NotInWorkflowError`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from random import Random
from typing import Any, NoReturn, Protocol
from uuid import UUID

import temporalio.common

from temporal_runtime._internal._activity_defn import ActivityDefinition
from temporal_runtime.config import RuntimeConfig
from temporal_runtime.info import WorkflowInfo
from temporal_runtime.options import ActivityOptions, ChildOptions

RUNTIME_ATTR = "_temporal_runtime_"


class ChildRun(Protocol):
    """A started child workflow, as the executor reports it (results are raw, unconverted)."""

    @property
    def id(self) -> str:
        """The child's workflow id."""
        ...

    async def result(self) -> Any:
        """Wait for the child to close; return its raw result or raise its failure
        (a `ChildWorkflowError` on Temporal; `asyncio.CancelledError` if it was cancelled)."""
        ...

    async def signal(self, name: str, args: Sequence[Any]) -> None:
        """Send signal `name` with positional `args` to the child."""
        ...

    def cancel(self) -> None:
        """Request the child's cancellation; `result()` then raises once it has closed."""
        ...


class ExternalRun(Protocol):
    """Another workflow, by id, as seen from workflow code (`Workflow.external`)."""

    async def signal(self, name: str, args: Sequence[Any]) -> None:
        """Send signal `name` with positional `args`; raise if the workflow is not running."""
        ...

    async def cancel(self) -> None:
        """Request the workflow's cancellation; raise if it is not running."""
        ...


@dataclass(frozen=True, slots=True)
class ContinueAsNew:
    """What `Workflow.continue_as_new` asks for: a fresh run of `workflow` with `envelope`."""

    workflow: str
    envelope: Mapping[str, Any]
    memo: Mapping[str, Any] = field(default_factory=dict[str, Any])


class WorkflowRuntime(Protocol):
    """The operations a workflow's helpers need from whatever executes it.

    Besides activities, timers and clocks, an executor provides child workflows
    (`start_child`), continue-as-new, patch markers (`patched`, `deprecate_patch`) and
    search attributes (`upsert_search_attributes`). Cancellation is plain asyncio: the
    executor cancels the task running the entry method, and the awaiting helper raises
    `asyncio.CancelledError` (exported as `WorkflowCancelled`). `execute_activity` and
    `ChildRun.result` raise `asyncio.CancelledError` too when their activity or child was
    cancelled (never an error that merely wraps a cancellation), so workflow code needs one
    ``except WorkflowCancelled``. After a cancellation the workflow may still run activities
    (its cleanup); `shield`, `gather` and sagas are built on asyncio alone.
    """

    method: str

    @property
    def config(self) -> RuntimeConfig:
        """The configuration of the engine running this workflow (activity defaults, ...)."""
        ...

    async def execute_activity(
        self, defn: ActivityDefinition, args: Any, options: ActivityOptions, *, local: bool
    ) -> Any:
        """Run an activity with resolved options; its result converted to its `Result`."""
        ...

    async def sleep(self, duration: timedelta, summary: str | None) -> None:
        """A durable timer (`summary`: the one line the Web UI shows on it)."""
        ...

    async def wait_until(
        self, predicate: Callable[[], bool], timeout: timedelta | None, summary: str | None
    ) -> None:
        """Wait for `predicate()`; `TimeoutError` after `timeout` (`summary`: its timer's)."""
        ...

    def set_current_details(self, details: str) -> None:
        """Replace the run's current details (what the Web UI shows it doing now)."""
        ...

    def now(self) -> datetime:
        """The deterministic current time."""
        ...

    def uuid4(self) -> UUID:
        """A deterministic UUID."""
        ...

    def random(self) -> Random:
        """A deterministic `Random`."""
        ...

    def logger(self) -> logging.LoggerAdapter[logging.Logger] | logging.Logger:
        """A logger that carries the run's ids."""
        ...

    def info(self) -> WorkflowInfo:
        """Who is running, with the history length so far and the parent (if a child)."""
        ...

    def all_handlers_finished(self) -> bool:
        """True when no signal or update handler of this run is still running."""
        ...

    def is_continue_as_new(self, err: BaseException) -> bool:
        """Whether `err` is what `continue_as_new` raised to unwind the run."""
        ...

    def external(self, workflow_id: str, run_id: str | None) -> ExternalRun:
        """Another workflow by id (its latest run unless `run_id` is given)."""
        ...

    async def start_child(
        self, workflow: str, envelope: Mapping[str, Any], options: ChildOptions
    ) -> ChildRun:
        """Start child workflow type `workflow` with input `envelope` ({"method", "kwargs"})
        and return once it has started; raise if the start fails (e.g. the id is in use)."""
        ...

    def continue_as_new(self, request: ContinueAsNew) -> NoReturn:
        """End this run and start a fresh one of `request.workflow` with `request.envelope`
        (same workflow id, new history); the memo entries in `request.memo` are set on it.
        Never returns: it raises whatever the executor uses to unwind the run."""
        ...

    def patched(self, patch_id: str) -> bool:
        """True if this run takes the new code path of `patch_id` (always True for new runs;
        on replay, True only if the history recorded the patch marker)."""
        ...

    def deprecate_patch(self, patch_id: str) -> None:
        """Declare that every run that could take the old path of `patch_id` has closed."""
        ...

    def upsert_search_attributes(
        self, attributes: Sequence[tuple[temporalio.common.SearchAttributeKey[Any], Any]]
    ) -> None:
        """Set each typed key to its value; a value of None removes that attribute."""
        ...
