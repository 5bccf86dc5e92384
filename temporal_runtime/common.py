"""Temporal's option types, re-exported so that user code needs no `temporalio` import.

`VersioningBehavior` is what ``class X(Workflow, versioning=...)`` takes: ``PINNED`` (a run
stays on the worker build that started it) or ``AUTO_UPGRADE`` (a run moves to the current
build at its next workflow task); see docs/operations.md, "Safe deploys".

`RetryPolicy` also accepts plain seconds for its intervals; it is a subclass of
temporalio's, so either one works wherever a retry policy is expected.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import temporalio.common
from temporalio.common import (
    SearchAttributeKey,
    VersioningBehavior,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.service import TLSConfig
from temporalio.workflow import ParentClosePolicy

__all__ = [
    "ParentClosePolicy",
    "RetryPolicy",
    "SearchAttributeKey",
    "TLSConfig",
    "VersioningBehavior",
    "WorkflowIDConflictPolicy",
    "WorkflowIDReusePolicy",
]


def _interval(value: float | timedelta) -> timedelta:
    return value if isinstance(value, timedelta) else timedelta(seconds=value)


class RetryPolicy(temporalio.common.RetryPolicy):
    """How Temporal retries a failed activity or workflow; intervals in seconds or timedeltas.

    ``maximum_attempts=0`` means unlimited. Exceptions whose type name is in
    ``non_retryable_error_types`` are not retried. It is a subclass of temporalio's
    `RetryPolicy`, and temporalio's own class is accepted wherever this one is.

    Example:
        >>> RetryPolicy(maximum_attempts=3, initial_interval=2).initial_interval
        datetime.timedelta(seconds=2)
    """

    def __init__(
        self,
        *,
        initial_interval: float | timedelta = 1.0,
        backoff_coefficient: float = 2.0,
        maximum_interval: float | timedelta | None = None,
        maximum_attempts: int = 0,
        non_retryable_error_types: Sequence[str] | None = None,
    ) -> None:
        super().__init__(
            initial_interval=_interval(initial_interval),
            backoff_coefficient=backoff_coefficient,
            maximum_interval=None if maximum_interval is None else _interval(maximum_interval),
            maximum_attempts=maximum_attempts,
            non_retryable_error_types=non_retryable_error_types,
        )
