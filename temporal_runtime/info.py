"""What a running workflow knows about itself: `WorkflowInfo`, as ``self.info`` gives it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["WorkflowInfo"]


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
