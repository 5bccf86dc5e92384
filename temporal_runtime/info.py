"""What a running workflow knows about itself: `WorkflowInfo`, as ``self.info`` gives it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["ParentInfo", "WorkflowInfo"]


@dataclass(frozen=True, slots=True)
class ParentInfo:
    """The workflow that started this one as a child (``self.info.parent``).

    Example:
        >>> ParentInfo("order-1", "run-1", "default").workflow_id
        'order-1'
    """

    workflow_id: str
    run_id: str
    namespace: str


@dataclass(frozen=True, slots=True)
class WorkflowInfo:
    """Who is running: ids, type, entry method and attempt of the current workflow run.

    ``self.info`` is read afresh on each access. `history_length` is the number of events in
    this run's history so far, and `continue_as_new_suggested` says whether the server
    suggests continuing as new (its history grows large): check it in a long loop and call
    ``self.continue_as_new(...)`` when it turns True. `parent` is the parent workflow of a
    child run, None for a run started by a client.

    Example:
        >>> info = WorkflowInfo("order-1", "run-1", "OrderWorkflow", "process_order", 1,
        ...                     "orders", "default", None)
        >>> info.method, info.parent
        ('process_order', None)
    """

    workflow_id: str
    run_id: str
    workflow_type: str
    method: str
    attempt: int
    task_queue: str
    namespace: str
    start_time: datetime | None
    history_length: int = 0
    continue_as_new_suggested: bool = False
    parent: ParentInfo | None = None
