"""InMemoryEngine: the same calling surface as TemporalEngine, in-process on virtual time."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from temporal_runtime import ExecutionStatus, MethodHandle, WorkflowIDConflictPolicy
from temporal_runtime.errors import (
    ApplicationError,
    EngineNotStartedError,
    QueryFailedError,
    UpdateFailedError,
    WorkflowAlreadyStartedError,
    WorkflowCancelledError,
    WorkflowFailedError,
    WorkflowNotFoundError,
    WorkflowTerminatedError,
    WorkflowTimedOutError,
)
from temporal_runtime.testing import InMemoryEngine
from tests.kit_workflows import Clock, Email, KitGate, KitMailer, KitSleeper, Sent, charge, send_email

T0 = datetime(2030, 1, 1, tzinfo=UTC)


async def test_sleep_an_hour_returns_at_once_and_now_moves() -> None:
    async with InMemoryEngine(start_time=T0) as engine:
        clock = await KitSleeper.client(engine).nap(3600)
    assert isinstance(clock, Clock)
    assert clock.before == T0
    assert clock.after - clock.before == timedelta(hours=1)
    assert engine.now == T0 + timedelta(hours=1)


async def test_after_delays_the_start_in_virtual_time() -> None:
    async with InMemoryEngine(start_time=T0) as engine:
        handle = await KitSleeper.client(engine).after(86400).stamp()
        assert isinstance(handle, MethodHandle)
        assert (await handle.status()).is_running
        started = await handle.result()
        status = await engine.get_status(handle.id)
    assert started == T0 + timedelta(days=1)
    assert status.status is ExecutionStatus.COMPLETED
    assert status.method == "stamp"
    assert status.workflow_type == "KitSleeper"


async def test_real_activity_runs_and_is_recorded() -> None:
    async with InMemoryEngine() as engine:
        sent = await KitMailer.client(engine).notify("ada@example.com")
    assert sent == Sent(message_id="real-ada@example.com", attempt=1)
    [call] = engine.calls(send_email)
    assert call.args == Email(to="ada@example.com", subject="hi")
    assert call.attempt == 1 and not call.fake and call.succeeded
    assert call.result == sent


async def test_fake_failing_twice_then_succeeding_shows_three_attempts() -> None:
    attempts: list[Email] = []

    async def flaky(args: Email) -> Sent:
        attempts.append(args)
        if len(attempts) < 3:
            raise ConnectionError("smtp down")
        return Sent(message_id="fake-1", attempt=len(attempts))

    async with InMemoryEngine(activities={send_email: flaky}, start_time=T0) as engine:
        sent = await KitMailer.client(engine).notify("bob@example.com", attempts=5)
    assert sent.message_id == "fake-1"
    calls = engine.calls("kit_send_email")
    assert [c.attempt for c in calls] == [1, 2, 3]
    assert [c.error for c in calls] == ["ConnectionError: smtp down", "ConnectionError: smtp down", None]
    assert all(c.fake for c in calls)
    # Backoff of 1s then 2s passed on the virtual clock, not the wall clock.
    assert engine.now == T0 + timedelta(seconds=3)


async def test_maximum_attempts_is_respected_and_root_cause_reported() -> None:
    def always_down(args: Email) -> Sent:
        raise ConnectionError("smtp down")

    async with InMemoryEngine(activities={"kit_send_email": always_down}) as engine:
        with pytest.raises(WorkflowFailedError) as caught:
            await KitMailer.client(engine).notify("c@example.com", attempts=2)
    assert len(engine.calls(send_email)) == 2
    assert caught.value.root_cause_type == "ConnectionError"
    assert "smtp down" in str(caught.value)
    assert "KitMailer.notify" in str(caught.value)


async def test_non_retryable_application_error_stops_retries() -> None:
    async def reject(args: Email) -> Sent:
        raise ApplicationError("bad address", type="BadAddress", non_retryable=True)

    async with InMemoryEngine(activities={send_email: reject}) as engine:
        with pytest.raises(WorkflowFailedError) as caught:
            await KitMailer.client(engine).notify("d@example.com", attempts=5)
    assert len(engine.calls(send_email)) == 1
    assert caught.value.root_cause_type == "BadAddress"


async def test_start_to_close_timeout_is_honoured() -> None:
    async def hang(args: Email) -> Sent:
        await asyncio.sleep(30)
        raise AssertionError("not reached")

    async with InMemoryEngine(activities={send_email: hang}) as engine:
        with pytest.raises(WorkflowFailedError) as caught:
            await KitMailer.client(engine).notify_fast_timeout("e@example.com")
    assert [c.attempt for c in engine.calls(send_email)] == [1, 2]
    assert caught.value.root_cause_type == "TimeoutError"
    assert "StartToClose" in str(caught.value)


async def test_unlimited_retries_stop_with_a_clear_error() -> None:
    async def down(args: Email) -> Sent:
        raise ConnectionError("down")

    async with InMemoryEngine(activities={send_email: down}, max_activity_attempts=4) as engine:
        with pytest.raises(WorkflowFailedError) as caught:
            await KitMailer.client(engine).notify_unlimited("f@example.com")
    assert len(engine.calls(send_email)) == 4
    assert caught.value.root_cause_type == "TooManyActivityAttempts"
    assert "maximum_attempts" in str(caught.value)


async def test_sync_activity_in_a_thread_and_its_errors() -> None:
    async with InMemoryEngine() as engine:
        client = KitMailer.client(engine)
        assert await client.pay(5) == "charged 5"
        assert await client.pay_by_name(7) == "charged 7"
        with pytest.raises(WorkflowFailedError) as caught:
            await client.pay(-1)
    assert caught.value.root_cause_type == "ValueError"
    assert "cannot charge -1" in str(caught.value)
    assert [c.attempt for c in engine.calls(charge) if c.args == -1] == [1, 2]


async def test_fake_result_is_validated_like_the_worker() -> None:
    async def wrong(args: Email) -> Any:
        return {"message": "no id"}

    async with InMemoryEngine(activities={send_email: wrong}) as engine:
        with pytest.raises(WorkflowFailedError) as caught:
            await KitMailer.client(engine).notify("g@example.com")
    assert caught.value.root_cause_type == "InvalidActivityResult"
    assert "message_id" in str(caught.value)


async def test_wait_until_wakes_on_signal() -> None:
    async with InMemoryEngine() as engine:
        handle = await KitGate.client(engine).async_.wait()
        assert await handle.query("state") == {"open": False, "priority": 1}
        await handle.signal(KitGate.open_gate, "alice")
        assert await handle.result() == "opened by alice"


async def test_wait_until_timeout_runs_on_virtual_time() -> None:
    async with InMemoryEngine(start_time=T0) as engine:
        assert await KitGate.client(engine).wait(timeout=24 * 3600) == "timed out"
    assert engine.now == T0 + timedelta(days=1)


async def test_a_workflow_waiting_for_nothing_fails_with_what_it_waits_for() -> None:
    async with InMemoryEngine() as engine:
        with pytest.raises(WorkflowFailedError) as caught:
            await KitGate.client(engine).wait_forever()
        message = str(caught.value)
        assert caught.value.root_cause_type == "WorkflowBlocked"
        assert "wait_until(KitGate.wait_forever.<locals>.<lambda> at kit_workflows.py:" in message
        assert "KitGate.wait_forever" in message
        [workflow_id] = engine.workflow_ids()
        assert (await engine.get_status(workflow_id)).status is ExecutionStatus.FAILED


async def test_signal_then_sleep_by_id_and_get_result() -> None:
    async with InMemoryEngine(start_time=T0) as engine:
        handle = await KitGate.client(engine).with_options(workflow_id="gate-1").async_.wait_then_sleep()
        await engine.signal("gate-1", "open", "bob")
        assert await engine.get_result("gate-1") == "slept"
        assert engine.now == T0 + timedelta(hours=2)
        assert handle.id == "gate-1"


async def test_updates_return_converted_results_and_failures_map() -> None:
    async with InMemoryEngine() as engine:
        handle = await KitGate.client(engine).async_.wait()
        assert await handle.update(KitGate.set_priority, 3) == 1
        assert await engine.update(handle.id, "set_priority", 4) == 3
        assert await engine.query(handle.id, "state") == {"open": False, "priority": 4}
        with pytest.raises(UpdateFailedError, match="BadPriority: priority must be 1..5"):
            await handle.update("set_priority", 9)
        with pytest.raises(UpdateFailedError, match="set_priority"):
            await handle.update("set_priority", "not a number")
        with pytest.raises(QueryFailedError, match="known queries: \\['state'\\]"):
            await handle.query("statuz")
        waiting = asyncio.ensure_future(handle.update("wait_open"))
        await asyncio.sleep(0)
        await handle.signal("open", "carol")
        assert await waiting == "opened by carol"
        assert await handle.result() == "opened by carol"


async def test_cancel_and_terminate_map_to_our_errors() -> None:
    async with InMemoryEngine() as engine:
        client = KitGate.client(engine)
        cancelled = await client.async_.wait_forever()
        await engine.cancel(cancelled.id)
        with pytest.raises(WorkflowCancelledError):
            await cancelled.result()
        assert (await cancelled.status()).status is ExecutionStatus.CANCELED

        terminated = await client.async_.wait_forever()
        await terminated.terminate("duplicate")
        with pytest.raises(WorkflowTerminatedError, match="duplicate"):
            await terminated.result()

        timed = await engine.start_method(KitGate, "wait_forever", execution_timeout=60)
        with pytest.raises(WorkflowTimedOutError):
            await timed.result()


async def test_id_conflicts_and_not_found() -> None:
    async with InMemoryEngine() as engine:
        client = KitGate.client(engine)
        first = await client.with_options(workflow_id="same").async_.wait_forever()
        with pytest.raises(WorkflowAlreadyStartedError):
            await client.with_options(workflow_id="same").async_.wait_forever()
        again = await client.with_options(
            workflow_id="same", id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING
        ).async_.wait_forever()
        assert again.run_id == first.run_id
        with pytest.raises(WorkflowNotFoundError):
            await engine.get_status("nobody")


async def test_inputs_and_results_make_the_json_round_trip() -> None:
    async with InMemoryEngine() as engine:
        client = KitMailer.client(engine)
        with pytest.raises(WorkflowFailedError) as caught:
            await engine.execute_method(KitMailer, "notify", to="x", attempts="many")
        assert caught.value.root_cause_type == "InvalidWorkflowInput"
        assert "attempts" in str(caught.value)
        with pytest.raises(TypeError, match="cannot be serialized"):
            await client.notify(object())  # type: ignore[arg-type]
        with pytest.raises(WorkflowFailedError, match="cannot be serialized"):
            await KitSleeper.client(engine).bad_result()


async def test_workflow_exceptions_fail_like_on_a_worker() -> None:
    async with InMemoryEngine() as engine:
        client = KitSleeper.client(engine)
        with pytest.raises(WorkflowFailedError) as refused:
            await client.refuse()
        assert refused.value.root_cause_type == "Refused"
        with pytest.raises(WorkflowFailedError, match="fails the workflow task") as crashed:
            await client.crash()
        assert crashed.value.root_cause_type == "KeyError"


async def test_info_and_deterministic_helpers() -> None:
    async with InMemoryEngine() as engine:
        ident = await engine.execute_method(KitSleeper, "identity", workflow_id="who")
    assert ident["id"] == "who" and ident["method"] == "identity"
    assert len(ident["uuid"]) == 36


async def test_unknown_fake_name_is_a_registration_error() -> None:
    from temporal_runtime.errors import RegistrationError

    with pytest.raises(RegistrationError, match="no activity named 'nope'"):
        InMemoryEngine(activities={"nope": lambda: None})


async def test_advance_fires_timers_without_awaiting_a_result() -> None:
    async with InMemoryEngine(start_time=T0) as engine:
        handle = await KitSleeper.client(engine).async_.nap(600)
        await engine.advance(599)
        assert (await handle.status()).is_running
        await engine.advance(1)
        assert not (await handle.status()).is_running
        clock = await handle.result()
    assert clock.after == T0 + timedelta(minutes=10)


async def test_local_activities_are_recorded_as_local() -> None:
    from tests.kit_workflows import KitLocal

    async with InMemoryEngine() as engine:
        assert await KitLocal.client(engine).local_pay(3) == "charged 3"
    [call] = engine.calls(charge)
    assert call.local and call.args == 3


async def test_signals_to_a_delayed_workflow_are_delivered_when_it_starts() -> None:
    async with InMemoryEngine() as engine:
        handle = await KitGate.client(engine).after(3600).wait()
        with pytest.raises(QueryFailedError, match="has not started yet"):
            await handle.query("state")
        await handle.signal("open", "early bird")
        assert await handle.result() == "opened by early bird"


async def test_closed_workflows_answer_queries_but_refuse_signals() -> None:
    async with InMemoryEngine() as engine:
        handle = await KitGate.client(engine).async_.wait(timeout=10)
        assert await handle.result() == "timed out"
        assert await handle.query(KitGate.state) == {"open": False, "priority": 1}
        with pytest.raises(WorkflowNotFoundError, match="already completed"):
            await handle.signal("open", "late")


async def test_stop_terminates_running_workflows() -> None:
    engine = InMemoryEngine()
    await engine.start()
    handle = await KitGate.client(engine).async_.wait_forever()
    waiting = asyncio.ensure_future(handle.result())
    await asyncio.sleep(0)
    await engine.stop()
    with pytest.raises(WorkflowTerminatedError, match="engine stopped"):
        await waiting
    # As a TemporalEngine, a stopped engine refuses further calls.
    with pytest.raises(EngineNotStartedError, match="stopped"):
        await engine.get_status(handle.id)


async def test_typed_handle_by_id_converts_results() -> None:
    async with InMemoryEngine(start_time=T0) as engine:
        handle = await KitSleeper.client(engine).async_.nap(5)
        clock = await engine.get_result(handle.id)
        typed = await engine.get_handle(handle.id, workflow=KitSleeper, method="nap").result()
        # A handle made from an id alone is untyped, as on a server.
        plain = await engine.get_handle(handle.id).result()
    assert isinstance(clock, Clock) and typed == clock
    assert plain == clock.model_dump(mode="json")
    assert clock.after == T0 + timedelta(seconds=5)


async def test_failing_signal_handler_fails_the_workflow_and_handlers_can_wait() -> None:
    from tests.kit_workflows import KitFragile

    async with InMemoryEngine(start_time=T0) as engine:
        client = KitFragile.client(engine)
        fragile = await client.async_.run()
        await fragile.signal("explode", "boom")
        with pytest.raises(WorkflowFailedError) as caught:
            await fragile.result()
        assert caught.value.root_cause_type == "Exploded"

        patient = await client.async_.run()
        await patient.signal("finish")
        assert await patient.result() == "finished"
        assert engine.now == T0 + timedelta(seconds=10)
