"""Temporal Schedules for entry methods: cron or interval starts, pause, trigger, delete.

A schedule starts the workflow with the same ``{"method", "kwargs"}`` input as the client
proxy, on the server's own scheduler (it survives restarts of this process; nothing here
runs a timer). Make one with `TemporalEngine.schedule`, reach it with
`TemporalEngine.get_schedule`, list them with `TemporalEngine.list_schedules`. A schedule id
that exists already raises `ScheduleAlreadyRunningError`; one that does not,
`ScheduleNotFoundError`.

Example:
    >>> async def demo(engine):  # doctest: +SKIP
    ...     nightly = await engine.schedule(ReportWorkflow, "build", "sales",
    ...                                     schedule_id="nightly-sales", cron="0 2 * * *")
    ...     await nightly.trigger()
    ...     await nightly.pause("holiday")
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, ClassVar

import temporalio.client
from pydantic import BaseModel, ConfigDict
from temporalio.client import ScheduleOverlapPolicy

from temporal_runtime._internal._failures import translate_schedule
from temporal_runtime._internal._schedule_specs import (
    Every,
    build_schedule,
    crons,
    method_from_memo,
    recent_ids,
    updated,
)
from temporal_runtime._internal._surface import EngineSurface

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
    """One Temporal Schedule: describe, pause, unpause, trigger, backfill, update or delete it.

    A call on a schedule that does not exist (never created, or deleted) raises
    `ScheduleNotFoundError`.

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
            raise translate_schedule(err, schedule_id=self.id, action=f"schedule {action}") from err

    async def describe(self) -> ScheduleInfo:
        """The schedule's specification, state and recent runs."""
        desc: temporalio.client.ScheduleDescription = await self._call("describe", self._handle.describe())
        schedule = desc.schedule
        action = schedule.action
        workflow_type = method = None
        if isinstance(action, temporalio.client.ScheduleActionStartWorkflow):
            workflow_type = action.workflow
            method = method_from_memo(action)
        return ScheduleInfo(
            schedule_id=desc.id,
            workflow_type=workflow_type,
            method=method,
            paused=schedule.state.paused,
            note=schedule.state.note,
            cron=crons(schedule.spec),
            every=[i.every for i in schedule.spec.intervals],
            num_actions=desc.info.num_actions,
            recent_workflow_ids=recent_ids(desc.info),
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

    async def backfill(
        self, start_at: datetime, end_at: datetime, *, overlap: ScheduleOverlapPolicy | None = None
    ) -> None:
        """Take the actions the spec had between `start_at` and `end_at` now (missed runs, say).

        `overlap` defaults to the schedule's own policy; ``ScheduleOverlapPolicy.ALLOW_ALL``
        runs every one of those times, even while others run.

        Example:
            >>> async def demo(handle):  # doctest: +SKIP
            ...     now = datetime.now(UTC)
            ...     await handle.backfill(now - timedelta(hours=3), now,
            ...                           overlap=ScheduleOverlapPolicy.ALLOW_ALL)
        """
        backfill = temporalio.client.ScheduleBackfill(start_at=start_at, end_at=end_at, overlap=overlap)
        await self._call("backfill", self._handle.backfill(backfill))

    async def update(
        self,
        *,
        args: Sequence[Any] | None = None,
        kwargs: Mapping[str, Any] | None = None,
        cron: str | Sequence[str] | None = None,
        every: Every | None = None,
        time_zone: str | None = None,
        overlap: ScheduleOverlapPolicy | None = None,
    ) -> None:
        """Change the schedule in place: the method's arguments, its times, or its overlap policy.

        What is not given stays as it is. `args`/`kwargs` are the entry method's new arguments
        (its workflow class must be defined in this process); `cron` replaces the cron
        strings, `every` the intervals.

        Example:
            >>> async def demo(handle):  # doctest: +SKIP
            ...     await handle.update(cron="0 3 * * *", args=["marketing"])
        """

        def change(given: temporalio.client.ScheduleUpdateInput) -> temporalio.client.ScheduleUpdate:
            schedule = updated(
                given.description.schedule,
                schedule_id=self.id,
                args=args,
                kwargs=kwargs,
                cron=cron,
                every=every,
                time_zone=time_zone,
                overlap=overlap,
            )
            return temporalio.client.ScheduleUpdate(schedule=schedule)

        await self._call("update", self._handle.update(change))

    async def delete(self) -> None:
        """Delete the schedule; runs it already started are not affected."""
        await self._call("delete", self._handle.delete())

    def __repr__(self) -> str:
        return f"<ScheduleHandle {self.id!r}>"


async def _create(
    client: temporalio.client.Client,
    schedule_id: str,
    schedule: temporalio.client.Schedule,
    trigger_immediately: bool,
) -> ScheduleHandle:
    try:
        handle = await client.create_schedule(schedule_id, schedule, trigger_immediately=trigger_immediately)
    except Exception as err:
        raise translate_schedule(err, schedule_id=schedule_id, action="create schedule") from err
    return ScheduleHandle(handle)


def summary(entry: temporalio.client.ScheduleListDescription) -> ScheduleInfo:
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
        cron = crons(schedule.spec)
        every = [i.every for i in schedule.spec.intervals]
    return ScheduleInfo(
        schedule_id=entry.id,
        workflow_type=workflow_type,
        paused=paused,
        note=note,
        cron=cron,
        every=every,
        recent_workflow_ids=recent_ids(entry.info) if entry.info is not None else [],
        next_action_times=list(entry.info.next_action_times) if entry.info is not None else [],
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
        every: Every | None = None,
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
        return await _create(self.client, schedule_id, built, trigger_immediately)

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
        return [summary(entry) async for entry in await self.client.list_schedules(query=query)]
