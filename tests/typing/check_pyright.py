"""Under pyright, ``.async_.m(x)`` and ``.after(n).m(x)`` are `MethodHandle[Any]`, never the result."""

from __future__ import annotations

from typing import Any, assert_type

from examples.data_pipeline import DataPipelineWorkflow, ProcessDataInput
from temporal_runtime import MethodHandle, TemporalEngine
from tests.typing._defs import Order, OrderResult, OrderWorkflow


async def starters(engine: TemporalEngine) -> None:
    wf = OrderWorkflow.client(engine)
    order = Order(order_id="1")
    assert_type(await wf.async_.process(order), MethodHandle[Any])
    assert_type(await wf.after(3600).process(order), MethodHandle[Any])
    assert_type(await wf.with_options(workflow_id="order-1").async_.count(), MethodHandle[Any])
    pipeline = DataPipelineWorkflow.client(engine)
    data = ProcessDataInput(data_id="456", parameters={"mode": "batch"})
    assert_type(await pipeline.async_.run_pipeline(data), MethodHandle[Any])


async def not_the_result(engine: TemporalEngine) -> None:
    wf = OrderWorkflow.client(engine)
    handle = await wf.async_.process(Order(order_id="1"))
    # A handle is not the method's result: using it as one is an error.
    result: OrderResult = handle  # pyright: ignore[reportAssignmentType]
    assert result
