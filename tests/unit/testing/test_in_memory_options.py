"""InMemoryEngine honours what only it can check, its configuration, and loops without a ready queue."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import pytest
import uvloop

from temporal_runtime import RuntimeConfig, Workflow, WorkflowFailedError, WorkflowTimedOutError
from temporal_runtime.testing import InMemoryEngine
from tests.kit_workflows import Clock, Email, KitSleeper, Sent, send_email

T0 = datetime(2030, 1, 1, tzinfo=UTC)


class Notifier(Workflow):
    async def notify(self, to: str) -> Sent:
        return await self.exec(send_email, Email(to=to, subject="hi"))  # no timeout of its own


class Blocking(Workflow):
    async def spin(self, seconds: float) -> str:
        # What a workflow must not do: block its workflow task.
        time.sleep(seconds)  # temporal-runtime: allow-nondeterminism
        return "spun"


async def test_a_workflow_task_over_its_task_timeout_fails_the_run() -> None:
    async with InMemoryEngine() as engine:
        wf = Blocking.client(engine)
        assert await wf.with_options(task_timeout=5).spin(0.01) == "spun"
        with pytest.raises(WorkflowFailedError) as caught:
            await wf.with_options(task_timeout=0.05).spin(0.2)
    assert caught.value.root_cause_type == "WorkflowTaskTimedOut"
    assert "task_timeout of 0.05s" in str(caught.value)
    assert "into an activity" in str(caught.value)


async def test_configuration_defaults_apply_to_starts_and_activities() -> None:
    config = RuntimeConfig.model_validate({"workflow": {"execution_timeout": "1h"}})
    async with InMemoryEngine(start_time=T0, config=config) as engine:
        with pytest.raises(WorkflowTimedOutError):
            await KitSleeper.client(engine).nap(2 * 3600)
        # A start's own option wins over the configuration's default.
        clock = await KitSleeper.client(engine).with_options(execution_timeout=3 * 3600).nap(2 * 3600)
    assert clock.after - clock.before == timedelta(hours=2)


async def test_activity_defaults_come_from_the_engine_config() -> None:
    seen: list[timedelta | None] = []

    async def fake(email: Email) -> Sent:
        from temporal_runtime import activity_info

        seen.append(activity_info().start_to_close_timeout)
        return Sent(message_id="m")

    config = RuntimeConfig.model_validate({"activity": {"start_to_close": "42s"}})
    async with InMemoryEngine({send_email: fake}, config=config) as engine:
        await Notifier.client(engine).notify("ada@example.com")
    async with InMemoryEngine({send_email: fake}) as engine:
        await Notifier.client(engine).notify("ada@example.com")
    assert seen[0] == timedelta(seconds=42)
    assert seen[1] != timedelta(seconds=42)


def test_runs_on_a_loop_without_a_ready_queue() -> None:
    """uvloop has no `_ready` deque; virtual time and blocked detection still work on it."""

    async def scenario() -> tuple[Clock, str]:
        assert getattr(asyncio.get_running_loop(), "_ready", None) is None
        async with InMemoryEngine(start_time=T0) as engine:
            clock = await KitSleeper.client(engine).nap(3600)
            from tests.kit_workflows import KitGate

            with pytest.raises(WorkflowFailedError) as caught:
                await KitGate.client(engine).wait_forever()
            return clock, caught.value.root_cause_type or ""

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        clock, blocked = runner.run(scenario())
    assert clock.after - clock.before == timedelta(hours=1)
    assert blocked == "WorkflowBlocked"
