"""The seed examples, run as written, on InMemoryEngine (no server)."""

from __future__ import annotations

from examples import approval, data_pipeline, orders
from temporal_runtime.testing import InMemoryEngine


async def test_orders_pause_resume_cancel() -> None:
    async with InMemoryEngine() as engine:
        completed, cancelled = await orders.run(engine)  # type: ignore[arg-type]
    assert completed == orders.OrderResult(status="completed", items=2)
    assert cancelled.status == "cancelled: Customer request"
    assert cancelled.items < 50
    assert [c.args for c in engine.calls(orders.process_item)][:2] == [
        orders.Item(sku="apple", quantity=3),
        orders.Item(sku="pear"),
    ]


async def test_orders_with_a_fake_activity() -> None:
    async def fake(item: orders.Item) -> str:
        return f"fake {item.sku}"

    async with InMemoryEngine(activities={orders.process_item: fake}) as engine:
        result = await orders.OrderProcessingWorkflow.client(engine).process_order(
            orders.Order(order_id="X", items=[orders.Item(sku="a"), orders.Item(sku="b")])
        )
    assert result == orders.OrderResult(status="completed", items=2)
    assert [c.result for c in engine.calls(orders.process_item)] == ["fake a", "fake b"]


async def test_approval() -> None:
    async with InMemoryEngine() as engine:
        assert await approval.run(engine) == approval.Result(status="approved", approver="alice")  # type: ignore[arg-type]


async def test_approval_expires_after_a_virtual_day() -> None:
    async with InMemoryEngine() as engine:
        result = await approval.ApprovalWorkflow.client(engine).process(
            approval.Request(request_id="r", amount=1)
        )
    assert result == approval.Result(status="expired")


async def test_data_pipeline_three_ways() -> None:
    async with InMemoryEngine() as engine:
        outputs = await data_pipeline.run(engine)  # type: ignore[arg-type]
    assert [o.result for o in outputs] == [
        "processed 123 in fast mode",
        "processed 456 in batch mode",
        "processed 789 in scheduled mode",
    ]
