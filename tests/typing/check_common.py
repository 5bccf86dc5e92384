"""Calls that must keep their exact types in pyright and in mypy (both run on this file)."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any, NoReturn, TypeVar, assert_type

from examples.approval import ApprovalWorkflow, Request, Result
from examples.data_pipeline import DataPipelineWorkflow, ProcessDataInput, ProcessDataOutput, process_data
from examples.orders import Order as SeedOrder
from examples.orders import OrderProcessingWorkflow
from examples.orders import OrderResult as SeedOrderResult
from temporal_runtime import (
    AsyncActivityHandle,
    ChildHandle,
    ExternalWorkflowHandle,
    MethodHandle,
    ParentInfo,
    TemporalEngine,
    UpdateHandle,
    WithStartWorkflowOperation,
    Workflow,
)
from temporal_runtime.child import ChildClient
from tests.typing._defs import (
    ChargeArgs,
    ChargeResult,
    Order,
    OrderResult,
    OrderWorkflow,
    args_only,
    charge,
    charge_sync,
    ping,
    refund,
    refuse,
    tagged,
)


async def client_proxy(engine: TemporalEngine) -> None:
    wf = OrderWorkflow.client(engine)
    assert_type(wf, OrderWorkflow)
    assert_type(await wf.process(Order(order_id="1")), OrderResult)
    assert_type(await wf.process(Order(order_id="1"), priority=2), OrderResult)
    assert_type(await wf.process(order=Order(order_id="1")), OrderResult)
    assert_type(await wf.count(), int)
    assert_type(await wf.with_options(workflow_id="order-1").process(Order(order_id="1")), OrderResult)


async def start_forms(engine: TemporalEngine) -> None:
    wf = OrderWorkflow.client(engine)
    order = Order(order_id="1")
    assert_type(await wf.start(OrderWorkflow.process, order), MethodHandle[OrderResult])
    assert_type(await wf.start(OrderWorkflow.process, order, priority=3), MethodHandle[OrderResult])
    assert_type(await wf.after(60).start(OrderWorkflow.process, order), MethodHandle[OrderResult])
    assert_type(await wf.async_.start(OrderWorkflow.count), MethodHandle[int])
    assert_type(
        await wf.with_options(workflow_id="order-1").async_.start(OrderWorkflow.process, order),
        MethodHandle[OrderResult],
    )
    assert_type(await wf.start("process", order), MethodHandle[Any])
    assert_type(await wf.async_.start("process", order), MethodHandle[Any])


async def handles(engine: TemporalEngine) -> None:
    handle = await OrderWorkflow.client(engine).start(OrderWorkflow.process, Order(order_id="1"))
    assert_type(await handle.result(), OrderResult)
    assert_type(await handle.result(timeout=60.0), OrderResult)
    await handle.signal(OrderWorkflow.approve, "alice")
    await handle.signal(OrderWorkflow.approve, "alice", note="ok")
    await handle.signal(OrderWorkflow.pause)
    await handle.signal("approve", "alice")
    assert_type(await handle.query(OrderWorkflow.status), str)
    assert_type(await handle.query(OrderWorkflow.progress, True), dict[str, int])
    assert_type(await handle.query(OrderWorkflow.progress, detail=True), dict[str, int])
    assert_type(await handle.query("status"), Any)
    assert_type(await handle.update(OrderWorkflow.set_priority, 3), int)
    assert_type(await handle.update(OrderWorkflow.rename, "x"), str)  # a plain `def` update
    assert_type(await handle.update("set_priority", 3), Any)
    assert_type(handle.id, str)


async def messages_with_a_start(engine: TemporalEngine) -> None:
    order = Order(order_id="1")
    wf = OrderWorkflow.client(engine).with_options(workflow_id="order-1")
    op = wf.with_start(OrderWorkflow.process, order, priority=2)
    assert_type(op, WithStartWorkflowOperation[OrderResult])
    assert_type(await op.update(OrderWorkflow.set_priority, 3), int)
    assert_type(await op.start_update(OrderWorkflow.set_priority, 3), UpdateHandle[int])
    assert_type(await op.signal(OrderWorkflow.approve, "alice", note="ok"), MethodHandle[OrderResult])
    assert_type(op.handle, MethodHandle[OrderResult])
    assert_type(await op.update("set_priority", 3), Any)
    assert_type(wf.with_start("process", order), WithStartWorkflowOperation[Any])
    assert_type(engine.with_start(OrderWorkflow, OrderWorkflow.count), WithStartWorkflowOperation[int])
    assert_type(
        engine.with_start("OrderWorkflow", "process", order, workflow_id="o"), WithStartWorkflowOperation[Any]
    )
    handle = await wf.start(OrderWorkflow.process, order)
    accepted = await handle.start_update(OrderWorkflow.set_priority, 3)
    assert_type(accepted, UpdateHandle[int])
    assert_type(await accepted.result(timeout=5), int)
    assert_type(await handle.start_update("set_priority", 3), UpdateHandle[Any])
    assert_type(await engine.start_update("order-1", "set_priority", 3), UpdateHandle[Any])
    assert_type(engine.activity_handle(task_token=b"t"), AsyncActivityHandle)


async def engine_calls(engine: TemporalEngine) -> None:
    order = Order(order_id="1")
    assert_type(
        await engine.start_method(OrderWorkflow, OrderWorkflow.process, order), MethodHandle[OrderResult]
    )
    assert_type(
        await engine.execute_method(OrderWorkflow, OrderWorkflow.process, order, priority=2), OrderResult
    )
    assert_type(
        await engine.start_method(OrderWorkflow, "process", order, workflow_id="order-1"), MethodHandle[Any]
    )
    assert_type(await engine.execute_method("OrderWorkflow", "process", order), Any)
    assert_type(engine.get_handle("order-1"), MethodHandle[Any])
    assert_type(await engine.query("order-1", "status"), Any)


class ActivityUser(Workflow):
    async def run(self) -> None:
        args = ChargeArgs(amount=1)
        assert_type(await self.exec(charge, args), ChargeResult)
        assert_type(await self.exec(charge, args, timeout=30, task_queue="payments"), ChargeResult)
        assert_type(await self.exec(charge_sync, args), str)
        assert_type(await self.exec(ping), int)
        assert_type(await self.exec(refund, args), ChargeResult)
        assert_type(await self.exec(tagged, args), ChargeResult)
        assert_type(await self.exec(args_only, args), int)
        assert_type(await self.exec("typing_charge", {"amount": 1}), Any)
        assert_type(await self.exec_local(charge, args), ChargeResult)
        assert_type(await self.exec_local(ping, timeout=5), int)


class RefusingUser(Workflow):
    async def run(self) -> None:
        assert_type(await self.exec(refuse, ChargeArgs(amount=1)), NoReturn)


class ChildUser(Workflow):
    async def run(self) -> None:
        order = Order(order_id="1")
        child = self.child(OrderWorkflow, execution_timeout=60)
        assert_type(child, ChildClient[OrderWorkflow])
        assert_type(await child.start(OrderWorkflow.process, order), ChildHandle[OrderResult])
        assert_type(await child.async_.start(OrderWorkflow.count), ChildHandle[int])
        handle = await child.with_options(workflow_id="c-1").start(OrderWorkflow.process, order, priority=2)
        assert_type(await handle, OrderResult)
        assert_type(await handle.result(), OrderResult)
        assert_type(await child.start("process", order), ChildHandle[Any])


class MessagesUser(Workflow):
    async def run(self) -> None:
        other = self.external("order-1", run_id=None)
        assert_type(other, ExternalWorkflowHandle)
        await other.signal(OrderWorkflow.approve, "alice", note="ok")
        await other.signal("pause")
        await other.cancel()
        assert_type(self.info.parent, ParentInfo | None)
        assert_type(self.info.history_length, int)
        assert_type(self.info.continue_as_new_suggested, bool)
        assert_type(self.all_handlers_finished(), bool)
        await self.wait_until(self.all_handlers_finished)
        # Called directly (as the workflow's own code would): a value, and a coroutine.
        assert_type(OrderWorkflow().rename("x"), str)
        assert_type(await OrderWorkflow().set_priority(3), int)


async def direct_activity_calls() -> None:
    args = ChargeArgs(amount=1)
    coroutine = assert_type(charge(args), Coroutine[Any, Any, ChargeResult])
    assert_type(await coroutine, ChargeResult)
    assert_type(await charge(args=args), ChargeResult)
    assert_type(charge_sync(args), str)
    assert_type(await ping(), int)
    assert_type(await refund(args), dict[str, str])
    assert_type(await tagged(args, note="x"), dict[str, str])
    assert_type(args_only(args), int)


async def seed_examples(engine: TemporalEngine) -> None:
    # The seed's calls, as written there (examples/ is checked whole as well).
    pipeline = DataPipelineWorkflow.client(engine)
    data = ProcessDataInput(data_id="123", parameters={"mode": "fast"})
    assert_type(await pipeline.run_pipeline(data), ProcessDataOutput)
    assert_type(
        await pipeline.start(DataPipelineWorkflow.run_pipeline, data), MethodHandle[ProcessDataOutput]
    )
    assert_type(await process_data(data), ProcessDataOutput)
    orders = OrderProcessingWorkflow.client(engine)
    seed_order = SeedOrder(order_id="A-1", items=[])
    assert_type(await orders.process_order(seed_order), SeedOrderResult)
    handle = await orders.start(OrderProcessingWorkflow.process_order, seed_order)
    await handle.signal("pause")
    await handle.signal(OrderProcessingWorkflow.cancel, "Customer request")
    assert_type(await handle.query(OrderProcessingWorkflow.progress), dict[str, int | str])
    assert_type(await handle.query("progress"), Any)
    await engine.signal(handle.id, "cancel", "Customer request")
    approval = await ApprovalWorkflow.client(engine).start(
        ApprovalWorkflow.process, Request(request_id="r", amount=1)
    )
    assert_type(await approval.query(ApprovalWorkflow.is_approved), bool)
    assert_type(await approval.result(timeout=60), Result)


WorkflowT = TypeVar("WorkflowT")


class StructuralEngine:
    """Any engine with ``workflow_client`` (a test engine, say) builds typed proxies."""

    def workflow_client(self, workflow: type[WorkflowT]) -> WorkflowT:
        raise NotImplementedError


async def other_engines(engine: StructuralEngine) -> None:
    assert_type(await OrderWorkflow.client(engine).process(Order(order_id="1")), OrderResult)
