"""Our option values as temporalio's keyword arguments: one translation per option family.

Every temporalio call that starts something (a workflow, a child, a schedule's runs, an
activity) takes its options from here, so an option added to `temporal_runtime.options` is
passed to Temporal in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import temporalio.common

from temporal_runtime._internal._routing_options import temporal_priority
from temporal_runtime.options import ActivityOptions, ChildOptions, StartOptions


def start_kwargs(options: StartOptions | ChildOptions) -> dict[str, Any]:
    """The keywords of ``start_workflow`` / ``start_child_workflow`` for `options` (unset ones left out)."""
    given: dict[str, Any] = {}
    # On every start: plain tests, cheaper than building every key and filtering.
    if options.workflow_id is not None:
        given["id"] = options.workflow_id
    if options.task_queue is not None:
        given["task_queue"] = options.task_queue
    for name in _TIMEOUTS:
        value = getattr(options, name)
        if value is not None:
            given[name] = value
    for name in _STARTS[type(options)]:
        value = getattr(options, name)
        if value is not None:
            given[name] = value
    # Routing and user metadata.
    priority = temporal_priority(options)
    if priority is not None:
        given["priority"] = priority
    if options.summary is not None:
        given["static_summary"] = options.summary
    if options.details is not None:
        given["static_details"] = options.details
    return given


def workflow_start_kwargs(
    options: StartOptions, *, workflow_id: str, task_queue: str, memo: Mapping[str, Any]
) -> dict[str, Any]:
    """The keywords of a client's ``start_workflow`` for resolved `options`, id, queue and memo."""
    kwargs = start_kwargs(options)
    kwargs.update(id=workflow_id, task_queue=task_queue, memo=memo)
    # A start made here always says what it means: Temporal's defaults, made explicit.
    kwargs.setdefault("id_reuse_policy", temporalio.common.WorkflowIDReusePolicy.ALLOW_DUPLICATE)
    return kwargs


_TIMEOUTS = ("execution_timeout", "run_timeout", "task_timeout")
_STARTS: dict[type[Any], tuple[str, ...]] = {
    StartOptions: (
        "retry_policy", "memo", "search_attributes", "id_reuse_policy", "id_conflict_policy", "start_delay",
        "request_eager_start", "cron_schedule",
    ),
    ChildOptions: ("retry_policy", "memo", "search_attributes", "id_reuse_policy", "parent_close_policy"),
}  # fmt: skip


def activity_kwargs(options: ActivityOptions, *, local: bool) -> dict[str, Any]:
    """The keywords of ``execute_activity`` (or ``execute_local_activity``) for resolved options."""
    given: dict[str, Any] = {
        "start_to_close_timeout": options.timeout,
        "schedule_to_close_timeout": options.schedule_to_close,
        "schedule_to_start_timeout": options.schedule_to_start,
        "retry_policy": options.retry_policy,
    }
    if not local:
        given["heartbeat_timeout"] = options.heartbeat_timeout
        given["task_queue"] = options.task_queue
        # Routing (local activities run in the workflow's worker: no queue to order).
        given["priority"] = temporal_priority(options)
    given["summary"] = options.summary
    return {k: v for k, v in given.items() if v is not None}
