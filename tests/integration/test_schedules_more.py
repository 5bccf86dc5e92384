"""Schedules on the dev server: a taken id, update in place, backfill, and a deleted schedule."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from temporal_runtime import (
    ScheduleAlreadyRunningError,
    ScheduleNotFoundError,
    ScheduleOverlapPolicy,
    TemporalEngine,
    Workflow,
)
from tests.integration._engines import engine_serving
from tests.integration._eventually import eventually


class HourlyReport(Workflow):
    async def build(self, team: str, rows: int = 1) -> str:
        return f"{team}:{rows}"


engine = engine_serving(HourlyReport)


async def test_a_taken_id_update_and_delete(engine: TemporalEngine) -> None:
    schedule_id = f"hourly-{uuid.uuid4().hex[:8]}"
    handle = await engine.schedule(
        HourlyReport, "build", "sales", schedule_id=schedule_id, cron="0 * * * *", paused=True
    )
    with pytest.raises(ScheduleAlreadyRunningError, match="already exists") as taken:
        await engine.schedule(HourlyReport, "build", "ops", schedule_id=schedule_id, every=60)
    assert taken.value.schedule_id == schedule_id

    await handle.update(cron=["30 2 * * *", "0 12 * * MON"], args=["marketing"], kwargs={"rows": 7})
    info = await handle.describe()
    assert (info.cron, info.paused, info.method) == (["30 2 * * *", "0 12 * * MON"], True, "build")

    async def listed() -> bool:  # the list (visibility) says the new crons too, once it caught up
        return [s.cron for s in await engine.list_schedules() if s.schedule_id == schedule_id] == [info.cron]

    await eventually(listed, "the updated crons in the list")
    await handle.update(every=900, overlap=ScheduleOverlapPolicy.BUFFER_ONE)
    assert [e.total_seconds() for e in (await handle.describe()).every] == [900.0]

    await handle.trigger()

    async def ran() -> bool:
        return bool((await handle.describe()).recent_workflow_ids)

    await eventually(ran, "the triggered run")
    run_id = (await handle.describe()).recent_workflow_ids[0]
    assert await engine.get_result(run_id, timeout_seconds=60) == "marketing:7"

    await handle.delete()
    for gone in (handle.describe(), handle.delete(), handle.update(every=60), handle.trigger()):
        with pytest.raises(ScheduleNotFoundError, match=f"schedule '{schedule_id}' not found"):
            await gone


async def test_backfill_runs_the_missed_times(engine: TemporalEngine) -> None:
    schedule_id = f"backfill-{uuid.uuid4().hex[:8]}"
    handle = await engine.schedule(
        HourlyReport, "build", "finance", schedule_id=schedule_id, cron="0 * * * *"
    )
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    # Three whole hours back: 3 times of the cron, each run even while others run.
    await handle.backfill(hour - timedelta(hours=3, minutes=1), hour - timedelta(minutes=1),
                          overlap=ScheduleOverlapPolicy.ALLOW_ALL)  # fmt: skip

    async def backfilled() -> bool:
        return (await handle.describe()).num_actions == 3

    await eventually(backfilled, "three backfilled runs")
    await handle.delete()
