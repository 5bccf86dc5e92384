"""The pattern examples, run against the dev server as a user would run them."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from examples import approval_timeout, nightly_schedule, reminder, shipping
from temporal_runtime import DevServer, TemporalEngine
from tests.integration._engines import engine_serving

ROOT = Path(__file__).resolve().parents[2]

engine = engine_serving(
    approval_timeout.ApprovalWithTimeout, reminder.ReminderWorkflow, nightly_schedule.NightlyReport
)


async def test_approval_with_timeout(engine: TemporalEngine) -> None:
    approval_timeout.notified.clear()
    decisions = await approval_timeout.run(engine)
    assert decisions == [
        approval_timeout.Decision(status="approved", by="alice"),
        approval_timeout.Decision(status="rejected", by="bob", reason="over budget"),
        approval_timeout.Decision(status="expired"),
    ]
    assert sorted(approval_timeout.notified) == ["r-1", "r-2", "r-3"]


async def test_reminder_after_delay(engine: TemporalEngine) -> None:
    reminder.sent.clear()
    assert await reminder.run(engine, delay_s=1) == ["sent to ana", "sent to ben"]
    assert sorted(reminder.sent) == ["ana: standup", "ben: invoice"]


async def test_nightly_schedule(engine: TemporalEngine) -> None:
    info, report = await nightly_schedule.run(engine)
    assert report == nightly_schedule.Report(team="sales", lines=50)
    assert (info.cron, info.paused, info.note) == (["0 2 * * *"], True, "quiet week")
    assert info.recent_workflow_ids[0].startswith("nightly-sales-")


async def test_shipping_messages_between_workflows(dev_server: DevServer, task_queue: str) -> None:
    workflows = [shipping.ShopOrder, shipping.ShipmentWorkflow]
    async with TemporalEngine(url=dev_server.address, task_queue=task_queue, workflows=workflows) as engine:
        assert await shipping.run(engine) == shipping.Delivery(
            order_id="o-1",
            tracking="TRK-o-1",
            notes=["o-1: leave at the door"],
            events=["picked up: TRK-o-1", "delivered"],
        )


# The last line each example prints when it ran to the end.
LAST_LINES = {
    "saga_booking": "'reserve flight LH400', 'cancel flight F-LH400', 'cancel hotel H-ritz']",
    "batch": ": 10000 items in 10 runs (checksum 49995000)",
}


@pytest.mark.parametrize("name", sorted(LAST_LINES))
async def test_example_runs_as_a_module(name: str, dev_server: DevServer) -> None:
    """`python -m examples.<name>` runs to the end (on the session's server, via TEMPORAL_ADDRESS)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        f"examples.{name}",
        cwd=ROOT,
        env={**os.environ, "TEMPORAL_ADDRESS": dev_server.address},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(proc.communicate(), 240)
    err = stderr.decode()
    # The examples leave with os._exit once done (run_example), so no finalization crash.
    assert proc.returncode == 0, err[-2000:]
    assert "Traceback" not in err
    assert stdout.decode().rstrip("\n").splitlines()[-1].endswith(LAST_LINES[name])
