"""Long timers on Temporal's time-skipping test server: a day-long approval, a weekly nag."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from temporalio.testing import WorkflowEnvironment

from examples import approval_timeout, reminder
from temporal_runtime import TemporalEngine
from temporal_runtime.devserver import find_temporal_cli


@pytest.fixture(scope="module")
async def time_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=find_temporal_cli("temporal-test-server")
    )
    try:
        yield env
    finally:
        await env.shutdown()


@pytest.fixture
async def skipping_engine(time_env: WorkflowEnvironment) -> AsyncIterator[TemporalEngine]:
    workflows = [approval_timeout.ApprovalWithTimeout, reminder.ReminderWorkflow]
    async with TemporalEngine(
        client=time_env.client, task_queue=f"ts-{uuid.uuid4().hex[:8]}", workflows=workflows
    ) as engine:
        yield engine


async def test_approval_expires_after_a_day(skipping_engine: TemporalEngine) -> None:
    wf = approval_timeout.ApprovalWithTimeout.client(skipping_engine)
    decision = await wf.request(approval_timeout.ApprovalRequest(request_id="late", amount=1))
    assert decision == approval_timeout.Decision(status="expired")


async def test_weekly_nag_over_a_month(skipping_engine: TemporalEngine) -> None:
    reminder.sent.clear()
    wf = reminder.ReminderWorkflow.client(skipping_engine)
    week = 7 * 24 * 3600
    assert await wf.nag(reminder.Reminder(to="cy", text="timesheet"), 4, week) == 4
    assert reminder.sent == ["cy: timesheet"] * 4
