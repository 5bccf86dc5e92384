"""The saga booking example with a failure at each step, and the continue-as-new batch."""

from __future__ import annotations

import pytest

from examples import batch, saga_booking
from temporal_runtime import ExecutionStatus, TemporalEngine
from tests.integration._engines import engine_serving


@pytest.mark.parametrize(
    ("fail_at", "steps"),
    [
        (None, ["reserve hotel ritz", "reserve flight LH400", "charge u-7 1250.0"]),
        ("hotel", []),
        ("flight", ["reserve hotel ritz", "cancel hotel H-ritz"]),
        (
            "payment",
            ["reserve hotel ritz", "reserve flight LH400", "cancel flight F-LH400", "cancel hotel H-ritz"],
        ),
    ],
)
async def test_saga_compensates_in_reverse(
    engine: TemporalEngine, fail_at: str | None, steps: list[str]
) -> None:
    saga_booking.journal.clear()
    outcome = await saga_booking.run(engine, fail_at)
    if fail_at is None:
        assert outcome == saga_booking.Booking(
            status="success", hotel="H-ritz", flight="F-LH400", payment="P-u-7"
        )
    else:
        assert outcome == f"failed: {fail_at} unavailable"  # the original error, re-raised
    assert saga_booking.journal == steps


async def test_batch_continues_as_new_across_runs(engine: TemporalEngine) -> None:
    handle, progress = await batch.run(engine, total=10_000)
    assert progress == batch.Progress(processed=10_000, checksum=sum(range(10_000)), runs=10)
    first = await engine.get_status(handle.id, handle.run_id)
    assert first.status is ExecutionStatus.CONTINUED_AS_NEW
    final = await engine.get_status(handle.id)
    assert final.status is ExecutionStatus.COMPLETED
    assert final.run_id != first.run_id
    assert final.method == "process_batch"
    # Each run starts a fresh history: one run's 4 chunk activities, not all 40.
    assert final.history_length < 40


engine = engine_serving(saga_booking.BookingSagaWorkflow, batch.BatchWorkflow)
