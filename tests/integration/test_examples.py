"""The seed 002 examples, run as written against the real dev server."""

from __future__ import annotations

from examples import approval, data_pipeline, orders
from temporal_runtime import TemporalEngine


async def test_data_pipeline_three_ways(engine: TemporalEngine) -> None:
    outputs = await data_pipeline.run(engine)
    assert [o.result for o in outputs] == [
        "processed 123 in fast mode",
        "processed 456 in batch mode",
        "processed 789 in scheduled mode",
    ]
    assert all(isinstance(o, data_pipeline.ProcessDataOutput) for o in outputs)


async def test_orders_pause_resume_cancel(engine: TemporalEngine) -> None:
    completed, cancelled = await orders.run(engine)
    assert completed == orders.OrderResult(status="completed", items=2)
    assert cancelled.status == "cancelled: Customer request"
    assert cancelled.items < 50


async def test_approval(engine: TemporalEngine) -> None:
    result = await approval.run(engine)
    assert result == approval.Result(status="approved", approver="alice")
