"""Temporal Schedules as temporalio builds and describes them: the action, the spec, and reading both back.

A schedule starts an entry method with the same ``{"method", "kwargs"}`` input as a direct
start. Its cron strings are kept as given in each calendar's comment (the server compiles a
cron string into a calendar and keeps only the comment), so describe and list can say them
back, also after an update.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

import temporalio.client
import temporalio.common
import temporalio.converter
from temporalio.client import ScheduleOverlapPolicy

from temporal_runtime._internal import _envelope, _registry
from temporal_runtime._internal._temporal_options import start_kwargs
from temporal_runtime._internal._workflow_defn import MethodDefinition, WorkflowDefinition
from temporal_runtime.config import to_timedelta
from temporal_runtime.errors import OptionError
from temporal_runtime.options import StartOptions

Every = float | timedelta | Sequence[float | timedelta]
_UNSCHEDULABLE = (
    "start_delay",
    "id_conflict_policy",
    "id_reuse_policy",
    "request_eager_start",
    "cron_schedule",
)


def cron_strings(cron: str | Sequence[str] | None) -> list[str]:
    """The cron strings to send: each with itself as its comment, unless it has a comment."""
    crons = [cron] if isinstance(cron, str) else list(cron or [])
    return [c if "#" in c else f"{c} # {c}" for c in crons]


def crons(spec: temporalio.client.ScheduleSpec) -> list[str]:
    """The cron strings of a described spec, as they were given."""
    return [c.comment for c in spec.calendars if c.comment]


def intervals(every: Every | None) -> list[temporalio.client.ScheduleIntervalSpec]:
    """Interval specs from seconds or timedeltas (one or several)."""
    given = list(every) if isinstance(every, Sequence) else ([] if every is None else [every])
    return [temporalio.client.ScheduleIntervalSpec(every=to_timedelta(i)) for i in given]


def method_from_memo(action: temporalio.client.ScheduleActionStartWorkflow) -> str | None:
    """The entry method a schedule's runs start, from the memo it gives them."""
    if not action.memo:
        return None
    payload = action.memo.get(_envelope.METHOD_MEMO_KEY)
    if payload is None:
        return None
    if isinstance(payload, str):
        return payload
    decoded: Any = temporalio.converter.default().payload_converter.from_payload(payload)
    return decoded if isinstance(decoded, str) else None


def recent_ids(info: temporalio.client.ScheduleInfo | temporalio.client.ScheduleListInfo) -> list[str]:
    """The workflow ids of the schedule's recent runs."""
    return [
        a.action.workflow_id
        for a in info.recent_actions
        if isinstance(a.action, temporalio.client.ScheduleActionExecutionStartWorkflow)
    ]


def build_schedule(
    workflow: WorkflowDefinition,
    method: MethodDefinition,
    kwargs: dict[str, Any],
    options: StartOptions,
    *,
    default_queue: str,
    cron: str | Sequence[str] | None,
    every: Every | None,
    paused: bool,
    note: str | None,
    overlap: ScheduleOverlapPolicy | None,
    time_zone: str | None,
) -> temporalio.client.Schedule:
    """The temporalio `Schedule` that starts `method` with `kwargs` on `cron`/`every`."""
    where = f"engine.schedule({workflow.name}, {method.name!r}, ...)"
    spec = temporalio.client.ScheduleSpec(
        cron_expressions=cron_strings(cron), intervals=intervals(every), time_zone_name=time_zone
    )
    if not spec.cron_expressions and not spec.intervals:
        raise ValueError(f"{where}: give cron='0 2 * * *' and/or every=3600 (seconds or a timedelta)")
    unsupported = [name for name in _UNSCHEDULABLE if getattr(options, name) is not None]
    if unsupported:
        raise OptionError(
            f"{where}: {', '.join(unsupported)} cannot be set on a schedule's runs (the schedule "
            "decides when they start, and each gets its own id); remove it"
        )
    start = start_kwargs(options)
    # Temporal appends the scheduled time to this id, so each run's id is unique.
    start["id"] = options.workflow_id or f"{workflow.name}-{method.name}"
    start["task_queue"] = options.task_queue or workflow.task_queue or default_queue
    start["memo"] = _envelope.start_memo(method.name, options.memo)
    start.setdefault("static_summary", method.name)  # the Web UI shows which method a run is
    attributes = start.pop("search_attributes", temporalio.common.TypedSearchAttributes.empty)
    action = temporalio.client.ScheduleActionStartWorkflow(
        workflow.name, _envelope.encode(method.name, kwargs), typed_search_attributes=attributes, **start
    )
    policy = temporalio.client.SchedulePolicy(overlap=overlap or ScheduleOverlapPolicy.SKIP)
    return temporalio.client.Schedule(
        action=action,
        spec=spec,
        policy=policy,
        state=temporalio.client.ScheduleState(paused=paused, note=note),
    )


def updated(
    schedule: temporalio.client.Schedule,
    *,
    schedule_id: str,
    args: Sequence[Any] | None,
    kwargs: Mapping[str, Any] | None,
    cron: str | Sequence[str] | None,
    every: Every | None,
    time_zone: str | None,
    overlap: ScheduleOverlapPolicy | None,
) -> temporalio.client.Schedule:
    """`schedule` with the given parts replaced (None keeps a part as it is)."""
    spec = schedule.spec
    if cron is not None:
        spec = dataclasses.replace(spec, calendars=[], cron_expressions=cron_strings(cron))
    if every is not None:
        spec = dataclasses.replace(spec, intervals=intervals(every))
    if time_zone is not None:
        spec = dataclasses.replace(spec, time_zone_name=time_zone)
    policy = schedule.policy if overlap is None else dataclasses.replace(schedule.policy, overlap=overlap)
    action = schedule.action
    if args is not None or kwargs is not None:
        if not isinstance(action, temporalio.client.ScheduleActionStartWorkflow):
            raise OptionError(
                f"schedule {schedule_id!r} does not start a workflow; its arguments cannot change"
            )
        name = method_from_memo(action)
        definition = _registry.workflows.require(action.workflow)
        if name is None:
            raise OptionError(
                f"schedule {schedule_id!r} was not made by engine.schedule (its runs record no entry "
                "method); recreate it to change its arguments"
            )
        method = definition.method(name)
        bound = method.bind(tuple(args or ()), dict(kwargs or {}))
        action = dataclasses.replace(action, args=[_envelope.encode(method.name, bound)])
    return dataclasses.replace(schedule, action=action, spec=spec, policy=policy)
