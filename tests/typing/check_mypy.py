"""With the package's mypy plugin, ``.async_.method(x)`` / ``.after(n).method(x)`` are exact (mypy only)."""

from __future__ import annotations

from typing import assert_type

from examples.approval import ApprovalWorkflow, Request, Result
from examples.data_pipeline import DataPipelineWorkflow, ProcessDataInput, ProcessDataOutput
from examples.orders import Order as SeedOrder
from examples.orders import OrderProcessingWorkflow
from examples.orders import OrderResult as SeedOrderResult
from temporal_runtime import ChildHandle, MethodHandle, TemporalEngine, Workflow
from tests.typing._defs import Order, OrderResult, OrderWorkflow, Other


async def starters(engine: TemporalEngine) -> None:
    wf = OrderWorkflow.client(engine)
    order = Order(order_id="1")
    assert_type(await wf.async_.process(order), MethodHandle[OrderResult])
    assert_type(await wf.async_.process(order, priority=2), MethodHandle[OrderResult])
    assert_type(await wf.after(3600).process(order=order), MethodHandle[OrderResult])
    assert_type(await wf.with_options(workflow_id="order-1").async_.count(), MethodHandle[int])
    handle = await wf.async_.process(order)
    assert_type(await handle.result(timeout=60), OrderResult)


async def starter_errors(engine: TemporalEngine) -> None:
    wf = OrderWorkflow.client(engine)
    await wf.async_.process(Other(x=1))  # type: ignore[arg-type]
    await wf.async_.process()  # type: ignore[call-arg]
    await wf.after(60).process(Order(order_id="1"), bogus=1)  # type: ignore[call-arg]
    await wf.async_.nope(1)  # type: ignore[attr-defined]
    await wf.async_.approve("alice")  # type: ignore[attr-defined]
    await wf.async_.status()  # type: ignore[attr-defined]
    await wf.async_._status()  # type: ignore[attr-defined]
    await wf.async_.process(Order(order_id="1"), workflow_id="x")  # type: ignore[call-arg]
    result: OrderResult = await wf.async_.process(Order(order_id="1"))  # type: ignore[assignment]
    assert result


class ChildCalls(Workflow):
    async def run(self) -> None:
        child = self.child(OrderWorkflow)
        assert_type(await child.process(Order(order_id="1")), OrderResult)
        assert_type(await child.async_.process(Order(order_id="1")), ChildHandle[OrderResult])
        assert_type(await child.with_options(workflow_id="c").count(), int)
        await child.process(Other(x=1))  # type: ignore[arg-type]
        await child.nope()  # type: ignore[attr-defined]
        await child.async_.approve("alice")  # type: ignore[attr-defined]


async def seed_examples(engine: TemporalEngine) -> None:
    pipeline = DataPipelineWorkflow.client(engine)
    data = ProcessDataInput(data_id="456", parameters={"mode": "batch"})
    handle = await pipeline.async_.run_pipeline(data)
    assert_type(handle, MethodHandle[ProcessDataOutput])
    assert_type(await handle.result(timeout=60.0), ProcessDataOutput)
    assert_type(await pipeline.after(3600).run_pipeline(data), MethodHandle[ProcessDataOutput])
    orders = OrderProcessingWorkflow.client(engine)
    order_handle = await orders.async_.process_order(SeedOrder(order_id="A-2", items=[]))
    assert_type(order_handle, MethodHandle[SeedOrderResult])
    approval = await ApprovalWorkflow.client(engine).async_.process(Request(request_id="r-1", amount=250))
    assert_type(await approval.result(), Result)
