"""A nightly report on a Temporal Schedule (cron), triggered once now to show a run.

The schedule lives on the Temporal server, which starts each run: nothing in this process
needs to stay up between runs. Pause it for maintenance, trigger it by hand, delete it.

Run: python -m examples.nightly_schedule
"""

from __future__ import annotations

import asyncio
import uuid

from pydantic import BaseModel

from examples._server import example_engine, run_example
from temporal_runtime import ScheduleInfo, TemporalEngine, Workflow, activity_def


class ReportArgs(BaseModel):
    team: str


class Report(BaseModel):
    team: str
    lines: int


@activity_def("nightly_collect", timeout=60)
async def collect(args: ReportArgs) -> int:
    return len(args.team) * 10  # stand-in for a real query


class NightlyReport(Workflow):
    async def build(self, team: str) -> Report:
        lines = await self.exec(collect, ReportArgs(team=team))
        return Report(team=team, lines=lines)


async def run(engine: TemporalEngine) -> tuple[ScheduleInfo, Report]:
    schedule = await engine.schedule(
        NightlyReport,
        "build",
        "sales",
        schedule_id=f"nightly-sales-{uuid.uuid4().hex[:6]}",
        cron="0 2 * * *",  # 02:00 UTC every day
        workflow_id="nightly-sales",
    )
    try:
        await schedule.trigger()  # one run now, instead of waiting for 02:00
        info = await schedule.describe()
        while not info.recent_workflow_ids:
            await asyncio.sleep(0.2)
            info = await schedule.describe()
        report: Report = await engine.get_result(info.recent_workflow_ids[0], timeout_seconds=60)
        await schedule.pause("quiet week")
        return await schedule.describe(), report
    finally:
        await schedule.delete()


async def main() -> None:
    async with example_engine("reports") as engine:
        info, report = await run(engine)
        print(f"schedule {info.schedule_id}: cron {info.cron}, paused={info.paused} ({info.note})")
        print(f"triggered run {info.recent_workflow_ids[0]}: {report}")


if __name__ == "__main__":
    run_example(main)
