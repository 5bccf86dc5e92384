"""Record the examples' workflow histories for the replay tests (tests/fixtures/histories/).

Run after changing an example on purpose (then commit the new JSON files):

    python -m scripts.record_histories
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from examples import approval, data_pipeline, orders
from temporal_runtime.testing import export_history, local_engine

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "histories"


async def record() -> list[Path]:
    """Run the examples on a fresh dev server and save each history; returns the files."""
    saved: list[Path] = []
    async with local_engine() as engine:
        order_client = orders.OrderProcessingWorkflow.client(engine).with_options(
            workflow_id="orders-completed"
        )
        await order_client.process_order(
            orders.Order(
                order_id="A-1", items=[orders.Item(sku="apple", quantity=3), orders.Item(sku="pear")]
            )
        )
        saved.append(await export_history(engine, "orders-completed", OUT / "orders_completed.json"))

        handle = (
            await orders.OrderProcessingWorkflow.client(engine)
            .with_options(workflow_id="orders-cancelled")
            .async_.process_order(
                orders.Order(order_id="A-2", items=[orders.Item(sku=f"sku-{i}") for i in range(5)])
            )
        )
        await handle.signal("pause")
        await handle.signal("cancel", "Customer request")
        await handle.signal("resume")
        await handle.result(timeout=60)
        saved.append(await export_history(engine, "orders-cancelled", OUT / "orders_cancelled.json"))

        approvals = approval.ApprovalWorkflow.client(engine).with_options(workflow_id="approval-approved")
        pending = await approvals.async_.process(approval.Request(request_id="r-1", amount=250))
        await pending.signal(approval.ApprovalWorkflow.approve, "alice")
        await pending.result(timeout=60)
        saved.append(await export_history(engine, "approval-approved", OUT / "approval_approved.json"))

        pipeline = data_pipeline.DataPipelineWorkflow.client(engine).with_options(workflow_id="pipeline-fast")
        await pipeline.run_pipeline(
            data_pipeline.ProcessDataInput(data_id="123", parameters={"mode": "fast"})
        )
        saved.append(await export_history(engine, "pipeline-fast", OUT / "data_pipeline.json"))
    return saved


def main() -> None:
    """Record every history and print where it went."""
    for path in asyncio.run(record()):
        print("recorded", path.relative_to(OUT.parent.parent.parent))


if __name__ == "__main__":
    main()
