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
from functools import lru_cache
from random import Random
from typing import Any, NoReturn, Protocol
from uuid import UUID

import temporalio.common

from temporal_runtime._internal._activity_defn import ActivityDefinition, ActivityOptions
from temporal_runtime.config import RuntimeConfig, current_config

RUNTIME_ATTR = "_temporal_runtime_"


@dataclass(frozen=True, slots=True)
class WorkflowInfo:
    """Who is running: ids, type, entry method and attempt of the current workflow run.

    Example:
        >>> info = WorkflowInfo("order-1", "run-1", "OrderWorkflow", "process_order", 1,
        ...                     "orders", "default", None)
        >>> info.method
        'process_order'
    """

    workflow_id: str
    run_id: str
    workflow_type: str
    method: str
    attempt: int
    task_queue: str
    namespace: str
    start_time: datetime | None


@dataclass(frozen=True, slots=True)
class ChildOptions:
    """How to start a child workflow; None means the executor's default.

    `parent_close_policy` is a `temporalio.workflow.ParentClosePolicy` (re-exported as
    `temporal_runtime.ParentClosePolicy`); None means TERMINATE, Temporal's default.
    """

    workflow_id: str | None = None
    task_queue: str | None = None
    parent_close_policy: Any = None
    execution_timeout: timedelta | None = None
    run_timeout: timedelta | None = None
    task_timeout: timedelta | None = None
    retry_policy: temporalio.common.RetryPolicy | None = None
    memo: Mapping[str, Any] | None = None
    search_attributes: temporalio.common.TypedSearchAttributes | None = None
    id_reuse_policy: temporalio.common.WorkflowIDReusePolicy | None = None


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

    async def execute_activity(
        self, defn: ActivityDefinition, args: Any, options: ActivityOptions, *, local: bool
    ) -> Any: ...

    async def sleep(self, duration: timedelta) -> None: ...

    async def wait_until(self, predicate: Callable[[], bool], timeout: timedelta | None) -> None: ...

    def now(self) -> datetime: ...

    def uuid4(self) -> UUID: ...

    def random(self) -> Random: ...

    def logger(self) -> logging.LoggerAdapter[logging.Logger] | logging.Logger: ...

    def info(self) -> WorkflowInfo: ...

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


@lru_cache(maxsize=8)
def _config_activity_options(config: RuntimeConfig) -> ActivityOptions:
    return ActivityOptions(
        start_to_close=config.activity.start_to_close,
        schedule_to_close=config.activity.schedule_to_close,
        heartbeat=config.activity.heartbeat,
        retry_policy=config.retry.to_retry_policy(),
    )


def resolve_activity_options(defn: ActivityDefinition | None, call: ActivityOptions) -> ActivityOptions:
    """Call options win, then the activity definition's, then the configuration's."""
    # A frozen model hashes at runtime; the stubs of BaseModel do not say so.
    base = _config_activity_options(current_config())  # pyright: ignore[reportArgumentType]
    layers = (call, defn.defaults) if defn is not None else (call,)

    def pick(attr: str) -> Any:
        for layer in layers:
            value = getattr(layer, attr)
            if value is not None:
                return value
        return getattr(base, attr)

    return ActivityOptions(
        start_to_close=pick("start_to_close"),
        schedule_to_close=pick("schedule_to_close"),
        schedule_to_start=pick("schedule_to_start"),
        heartbeat=pick("heartbeat"),
        retry_policy=pick("retry_policy"),
        task_queue=pick("task_queue"),
    )
