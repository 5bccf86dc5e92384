"""The pattern examples (saga, batch, approval with timeout, reminder) on InMemoryEngine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from examples import approval_timeout, batch, reminder, saga_booking
from temporal_runtime import ApplicationError, ExecutionStatus
from temporal_runtime.errors import WorkflowFailedError
from temporal_runtime.testing import InMemoryEngine

T0 = datetime(2030, 1, 1, tzinfo=UTC)

# What the saga example journals when the step named by `fail_at` fails.
SAGA_JOURNAL = {
    None: ["reserve hotel ritz", "reserve flight LH400", "charge u-7 1250.0"],
    "hotel": [],
    "flight": ["reserve hotel ritz", "cancel hotel H-ritz"],
    "payment": [
        "reserve hotel ritz",
        "reserve flight LH400",
        "cancel flight F-LH400",
        "cancel hotel H-ritz",
    ],
}


@pytest.mark.parametrize("fail_at", [None, "hotel", "flight", "payment"])
async def test_saga_booking_example_as_written(fail_at: str | None) -> None:
    saga_booking.journal.clear()
    async with InMemoryEngine() as engine:
        outcome = await saga_booking.run(engine, fail_at)  # type: ignore[arg-type]
    if fail_at is None:
        booked = saga_booking.Booking(status="success", hotel="H-ritz", flight="F-LH400", payment="P-u-7")
        assert outcome == booked
    else:
        assert outcome == f"failed: {fail_at} unavailable"
    assert saga_booking.journal == SAGA_JOURNAL[fail_at]


@pytest.mark.parametrize("step", ["hotel", "flight", "payment"])
async def test_saga_booking_with_a_failing_fake_at_each_step(step: str) -> None:
    activity = {
        "hotel": saga_booking.reserve_hotel,
        "flight": saga_booking.reserve_flight,
        "payment": saga_booking.charge_payment,
    }[step]

    async def down(trip: saga_booking.Trip) -> saga_booking.Reservation:
        raise ApplicationError(f"{step} service down", non_retryable=True)

    saga_booking.journal.clear()
    trip = saga_booking.Trip(user_id="u", hotel_id="h", flight_id="f", total=1.0)
    async with InMemoryEngine(activities={activity: down}) as engine:
        with pytest.raises(WorkflowFailedError) as caught:
            await saga_booking.BookingSagaWorkflow.client(engine).book(trip)
        undone = [c.activity for c in engine.calls() if c.activity.startswith("saga_cancel")]
    assert caught.value.root_cause_message == f"{step} service down"
    expected = {
        "hotel": [],
        "flight": ["saga_cancel_hotel"],
        "payment": ["saga_cancel_flight", "saga_cancel_hotel"],
    }
    assert undone == expected[step]


async def test_batch_example_continues_as_new_across_runs() -> None:
    async with InMemoryEngine() as engine:
        handle, progress = await batch.run(engine)  # type: ignore[arg-type]
        runs = engine.run_ids(handle.id)
        statuses = [(await engine.get_status(handle.id, run)).status for run in runs]
    total = 10_000  # the example's full size: 40 chunk activities over 10 runs, well under a second
    runs_needed = total // batch.PER_RUN
    assert progress == batch.Progress(processed=total, checksum=sum(range(total)), runs=runs_needed)
    assert len(runs) == runs_needed
    assert statuses == [ExecutionStatus.CONTINUED_AS_NEW] * (len(runs) - 1) + [ExecutionStatus.COMPLETED]
    assert len(engine.calls(batch.process_chunk)) == total // batch.CHUNK


async def test_approval_timeout_example() -> None:
    approval_timeout.notified.clear()
    async with InMemoryEngine(start_time=T0) as engine:
        decisions = await approval_timeout.run(engine)  # type: ignore[arg-type]
    assert decisions == [
        approval_timeout.Decision(status="approved", by="alice"),
        approval_timeout.Decision(status="rejected", by="bob", reason="over budget"),
        approval_timeout.Decision(status="expired"),
    ]
    assert approval_timeout.notified == ["r-1", "r-2", "r-3"]


async def test_approval_expires_after_a_virtual_day() -> None:
    async with InMemoryEngine(start_time=T0) as engine:
        wf = approval_timeout.ApprovalWithTimeout.client(engine)
        decision = await wf.request(approval_timeout.ApprovalRequest(request_id="r", amount=1))
        assert decision == approval_timeout.Decision(status="expired")
        assert engine.now - T0 >= timedelta(days=1)


async def test_reminder_example_on_virtual_time() -> None:
    reminder.sent.clear()
    async with InMemoryEngine(start_time=T0) as engine:
        assert await reminder.run(engine, delay_s=86400) == ["sent to ana", "sent to ben"]  # type: ignore[arg-type]
        assert engine.now - T0 >= timedelta(days=1)
        times = await reminder.ReminderWorkflow.client(engine).nag(
            reminder.Reminder(to="cy", text="timesheet"), 3, 3600
        )
        assert times == 3
        assert engine.now - T0 >= timedelta(days=1, hours=3)
    assert sorted(reminder.sent) == ["ana: standup", "ben: invoice"] + ["cy: timesheet"] * 3
