"""Temporal Schedules for entry methods: cron or interval starts, pause, trigger, delete.

A schedule starts the workflow with the same ``{"method", "kwargs"}`` input as the client
proxy, on the server's own scheduler (it survives restarts of this process; nothing here
runs a timer). Make one with `TemporalEngine.schedule`, reach it with
`TemporalEngine.get_schedule`, list them with `TemporalEngine.list_schedules`.

Example:
    >>> async def demo(engine):  # doctest: +SKIP
    ...     nightly = await engine.schedule(ReportWorkflow, "build", "sales",
    ...                                     schedule_id="nightly-sales", cron="0 2 * * *")
    ...     await nightly.trigger()
    ...     await nightly.pause("holiday")
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, ClassVar

import temporalio.client
import temporalio.common
import temporalio.converter
from pydantic import BaseModel, ConfigDict
from temporalio.client import ScheduleOverlapPolicy

from temporal_runtime._internal import _envelope
from temporal_runtime._internal._failures import translate
from temporal_runtime._internal._surface import EngineSurface
from temporal_runtime._internal._temporal_options import start_kwargs
from temporal_runtime._internal._workflow_defn import MethodDefinition, WorkflowDefinition
from temporal_runtime.config import to_timedelta
from temporal_runtime.errors import OptionError
from temporal_runtime.options import StartOptions

__all__ = ["ScheduleHandle", "ScheduleInfo", "ScheduleOverlapPolicy"]


class ScheduleInfo(BaseModel):
    """What a schedule is and has done (from `ScheduleHandle.describe` or `list_schedules`).

    Fields a listing does not carry are left at their defaults.

    Example:
        >>> ScheduleInfo(schedule_id="nightly", workflow_type="Reports", paused=False).paused
        False
    """

    model_config: ClassVar[ConfigDict] = ConfigDict(frozen=True)

    schedule_id: str
    workflow_type: str | None = None
    method: str | None = None
    paused: bool = False
    note: str | None = None
    cron: list[str] = []
    every: list[timedelta] = []
    num_actions: int = 0
    recent_workflow_ids: list[str] = []
    next_action_times: list[datetime] = []


class ScheduleHandle:
    """One Temporal Schedule: describe, pause, unpause, trigger or delete it.

    Example:
        >>> async def demo(engine):  # doctest: +SKIP
        ...     handle = engine.get_schedule("nightly-sales")
        ...     await handle.trigger()
        ...     print((await handle.describe()).recent_workflow_ids)
    """

    __slots__ = ("_handle",)

    def __init__(self, handle: temporalio.client.ScheduleHandle) -> None:
        self._handle = handle

    @property
    def id(self) -> str:
        """The schedule id."""
        return self._handle.id

    @property
    def raw(self) -> temporalio.client.ScheduleHandle:
        """The underlying temporalio `ScheduleHandle`, for anything this API does not cover."""
        return self._handle

    async def _call(self, action: str, coro: Any) -> Any:
        try:
            return await coro
        except Exception as err:
            raise translate(err, workflow_id=f"schedule:{self.id}", action=f"schedule {action}") from err

    async def describe(self) -> ScheduleInfo:
        """The schedule's specification, state and recent runs."""
        desc: temporalio.client.ScheduleDescription = await self._call("describe", self._handle.describe())
        schedule = desc.schedule
        action = schedule.action
        workflow_type = method = None
        if isinstance(action, temporalio.client.ScheduleActionStartWorkflow):
            workflow_type = action.workflow
            method = await _method_from_memo(action)
        recent = [
            a.action.workflow_id
            for a in desc.info.recent_actions
            if isinstance(a.action, temporalio.client.ScheduleActionExecutionStartWorkflow)
        ]
        return ScheduleInfo(
            schedule_id=desc.id,
            workflow_type=workflow_type,
            method=method,
            paused=schedule.state.paused,
            note=schedule.state.note,
            cron=await _crons(desc, list(schedule.spec.cron_expressions)),
            every=[i.every for i in schedule.spec.intervals],
            num_actions=desc.info.num_actions,
            recent_workflow_ids=recent,
            next_action_times=list(desc.info.next_action_times),
        )

    async def pause(self, note: str | None = None) -> None:
        """Stop starting new runs (running ones go on) until `unpause`."""
        await self._call("pause", self._handle.pause(note=note))

    async def unpause(self, note: str | None = None) -> None:
        """Resume starting runs on the schedule's spec."""
        await self._call("unpause", self._handle.unpause(note=note))

    async def trigger(self, overlap: ScheduleOverlapPolicy | None = None) -> None:
        """Start one run now, whatever the spec says (even while paused)."""
        await self._call("trigger", self._handle.trigger(overlap=overlap))

    async def delete(self) -> None:
        """Delete the schedule; runs it already started are not affected."""
        await self._call("delete", self._handle.delete())

    def __repr__(self) -> str:
        return f"<ScheduleHandle {self.id!r}>"


async def _crons(
    desc: temporalio.client.ScheduleDescription | temporalio.client.ScheduleListDescription, found: list[str]
) -> list[str]:
    memo = await desc.memo()
    kept = memo.get(_envelope.CRON_MEMO_KEY)
    if isinstance(kept, list) and all(isinstance(c, str) for c in kept):  # pyright: ignore[reportUnknownVariableType]
        return [str(c) for c in kept]  # pyright: ignore[reportUnknownVariableType, reportUnknownArgumentType]
    return found


async def _method_from_memo(action: temporalio.client.ScheduleActionStartWorkflow) -> str | None:
    if not action.memo:
        return None
    payload = action.memo.get(_envelope.METHOD_MEMO_KEY)
    if payload is None:
        return None
    if isinstance(payload, str):
        return payload
    decoded: Any = temporalio.converter.default().payload_converter.from_payload(payload)
    return decoded if isinstance(decoded, str) else None


_UNSCHEDULABLE = ("start_delay", "id_conflict_policy", "id_reuse_policy")


def build_schedule(
    workflow: WorkflowDefinition,
    method: MethodDefinition,
    kwargs: dict[str, Any],
    options: StartOptions,
    *,
    default_queue: str,
    cron: str | Sequence[str] | None,
    every: float | timedelta | Sequence[float | timedelta] | None,
    paused: bool,
    note: str | None,
    overlap: ScheduleOverlapPolicy | None,
    time_zone: str | None,
) -> temporalio.client.Schedule:
    """The temporalio `Schedule` that starts `method` with `kwargs` on `cron`/`every`."""
    where = f"engine.schedule({workflow.name}, {method.name!r}, ...)"
    crons = [cron] if isinstance(cron, str) else list(cron or [])
    intervals = list(every) if isinstance(every, Sequence) else ([] if every is None else [every])
    if not crons and not intervals:
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
    start.setdefault("static_summary", method.name)
    attributes = start.pop("search_attributes", temporalio.common.TypedSearchAttributes.empty)
    action = temporalio.client.ScheduleActionStartWorkflow(
        workflow.name, _envelope.encode(method.name, kwargs), typed_search_attributes=attributes, **start
    )
    spec = temporalio.client.ScheduleSpec(
        cron_expressions=crons,
        intervals=[temporalio.client.ScheduleIntervalSpec(every=to_timedelta(i)) for i in intervals],
        time_zone_name=time_zone,
    )
    policy = temporalio.client.SchedulePolicy(overlap=overlap or ScheduleOverlapPolicy.SKIP)
    return temporalio.client.Schedule(
        action=action,
        spec=spec,
        policy=policy,
        state=temporalio.client.ScheduleState(paused=paused, note=note),
    )


async def _create(
    client: temporalio.client.Client,
    workflow: WorkflowDefinition,
    schedule_id: str,
    schedule: temporalio.client.Schedule,
    trigger_immediately: bool,
) -> ScheduleHandle:
    try:
        handle = await client.create_schedule(
            schedule_id,
            schedule,
            trigger_immediately=trigger_immediately,
            memo={_envelope.CRON_MEMO_KEY: list(schedule.spec.cron_expressions)},
        )
    except Exception as err:
        raise translate(
            err, workflow_id=f"schedule:{schedule_id}", workflow_type=workflow.name, action="create schedule"
        ) from err
    return ScheduleHandle(handle)


async def summary(entry: temporalio.client.ScheduleListDescription) -> ScheduleInfo:
    """A `ScheduleInfo` from one entry of the server's schedule list."""
    schedule = entry.schedule
    workflow_type = None
    paused, note = False, None
    cron: list[str] = []
    every: list[timedelta] = []
    if schedule is not None:
        if isinstance(schedule.action, temporalio.client.ScheduleListActionStartWorkflow):
            workflow_type = schedule.action.workflow
        paused, note = schedule.state.paused, schedule.state.note
        cron = await _crons(entry, list(schedule.spec.cron_expressions))
        every = [i.every for i in schedule.spec.intervals]
    recent: list[str] = []
    next_times: list[datetime] = []
    if entry.info is not None:
        recent = [
            a.action.workflow_id
            for a in entry.info.recent_actions
            if isinstance(a.action, temporalio.client.ScheduleActionExecutionStartWorkflow)
        ]
        next_times = list(entry.info.next_action_times)
    return ScheduleInfo(
        schedule_id=entry.id,
        workflow_type=workflow_type,
        paused=paused,
        note=note,
        cron=cron,
        every=every,
        recent_workflow_ids=recent,
        next_action_times=next_times,
    )


class ScheduleOperations(EngineSurface):
    """Temporal Schedules on `TemporalEngine` (a base class of it): create, reach, list.

    Example:
        >>> async def demo(engine):  # doctest: +SKIP
        ...     handle = await engine.schedule(ReportWorkflow, "build", schedule_id="r", every=3600)
    """

    @property
    def client(self) -> temporalio.client.Client:
        """The temporalio `Client` (provided by `TemporalEngine`)."""
        raise NotImplementedError

    async def schedule(
        self,
        workflow: type[Any] | str,
        method: str | Callable[..., Any],
        /,
        *args: Any,
        schedule_id: str,
        cron: str | Sequence[str] | None = None,
        every: float | timedelta | Sequence[float | timedelta] | None = None,
        paused: bool = False,
        note: str | None = None,
        overlap: ScheduleOverlapPolicy | None = None,
        time_zone: str | None = None,
        trigger_immediately: bool = False,
        **kwargs: Any,
    ) -> ScheduleHandle:
        """Create a Temporal Schedule that starts an entry method on `cron` and/or `every`.

        The runs get the same ``{"method", "kwargs"}`` input as a direct start, with ids
        ``<workflow_id or type-method>-<scheduled time>``. `overlap` says what happens when a
        run is still going at the next time (default: skip it). Keywords named like a start
        option (``workflow_id``, ``task_queue``, timeouts, ``retry_policy``, ``memo``,
        ``search_attributes``) set it for every run; the other arguments go to the method.

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     nightly = await engine.schedule(ReportWorkflow, "build", "sales",
            ...                                     schedule_id="nightly-sales", cron="0 2 * * *")
        """
        definition, method_def, bound, options = self._bind(workflow, method, args, kwargs)
        self._require_running()
        built = build_schedule(
            definition,
            method_def,
            bound,
            options.with_workflow_defaults(self.config.workflow),
            default_queue=self.task_queue,
            cron=cron,
            every=every,
            paused=paused,
            note=note,
            overlap=overlap,
            time_zone=time_zone,
        )
        return await _create(self.client, definition, schedule_id, built, trigger_immediately)

    def get_schedule(self, schedule_id: str) -> ScheduleHandle:
        """A handle on an existing schedule.

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     await engine.get_schedule("nightly-sales").pause("maintenance")
        """
        self._require_running()
        return ScheduleHandle(self.client.get_schedule_handle(schedule_id))

    async def list_schedules(self, query: str | None = None) -> list[ScheduleInfo]:
        """The schedules in this namespace (optionally filtered by a visibility `query`).

        The list comes from the visibility store, so a schedule created a moment ago may
        not be in it yet.

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     for s in await engine.list_schedules():
            ...         print(s.schedule_id, s.paused)
        """
        self._require_running()
        return [await summary(entry) async for entry in await self.client.list_schedules(query=query)]
