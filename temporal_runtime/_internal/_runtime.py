"""What a running workflow's helpers call: the seam between `Workflow` and an executor.

`Workflow.exec`, `sleep`, ... delegate to the `WorkflowRuntime` attached to the instance.
On a Temporal worker that is `TemporalWorkflowRuntime` (a thin layer over
`temporalio.workflow`); `temporal_runtime.testing.InMemoryEngine` attaches its own. An
instance with no runtime is a plain object, so its helpers raise `NotInWorkflowError`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from random import Random
from typing import Any, Protocol
from uuid import UUID

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


class WorkflowRuntime(Protocol):
    """The operations a workflow's helpers need from whatever executes it."""

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
