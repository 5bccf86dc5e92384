"""A workflow class outside a worker: a plain object, its proxy, and the unit-test path."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any
from unittest.mock import AsyncMock, patch

import pytest
import temporalio.common
from pydantic import BaseModel

from temporal_runtime import (
    NotInWorkflowError,
    RetryPolicy,
    TemporalEngine,
    Workflow,
    activity_def,
    wf_signal,
)
from temporal_runtime._internal._activity_defn import ActivityDefinition
from temporal_runtime._internal._runtime import RUNTIME_ATTR
from temporal_runtime.client import WorkflowClient, WorkflowStarter
from temporal_runtime.config import RuntimeConfig
from temporal_runtime.options import ActivityOptions
from tests.integration.workflows_for_tests import FIXED_QUEUE, EngineOpsWorkflow


class Charge(BaseModel):
    amount: int


class Receipt(BaseModel):
    charged: int


@activity_def("unit_charge")
async def charge(args: Charge) -> Receipt:
    return Receipt(charged=args.amount)


@activity_def("unit_ping")
def ping() -> str:
    return "pong"


class Checkout(Workflow):
    def __init__(self) -> None:
        self.paused = False

    @wf_signal
    async def pause(self) -> None:
        self.paused = True

    async def pay(self, amount: int, note: str = "") -> Receipt:
        receipt = await self.exec(charge, Charge(amount=amount), timeout=30)
        await self.sleep(5)
        return receipt

    async def wait(self) -> bool:
        await self.wait_until(lambda: not self.paused, timeout=10)
        return True


# -- the unit-test path of the seed -------------------------------------------------------


async def test_patch_exec_then_await_the_method() -> None:
    wf = Checkout()
    with (
        patch.object(wf, "exec", new_callable=AsyncMock) as exec_mock,
        patch.object(wf, "sleep", new_callable=AsyncMock) as sleep_mock,
    ):
        exec_mock.return_value = Receipt(charged=7)
        result = await wf.pay(7)
    assert result == Receipt(charged=7)
    exec_mock.assert_awaited_once_with(charge, Charge(amount=7), timeout=30)
    sleep_mock.assert_awaited_once_with(5)


async def test_signal_handlers_are_plain_methods() -> None:
    wf = Checkout()
    await wf.pause()
    assert wf.paused
    with patch.object(wf, "wait_until", new_callable=AsyncMock) as wait_mock:
        assert await wf.wait() is True
    wait_mock.assert_awaited_once()


@pytest.mark.parametrize(
    ("helper", "call"),
    [
        ("exec", lambda wf: wf.exec(charge, Charge(amount=1))),
        ("exec_local", lambda wf: wf.exec_local(charge, Charge(amount=1))),
        ("sleep", lambda wf: wf.sleep(1)),
        ("wait_until", lambda wf: wf.wait_until(lambda: True)),
    ],
)
async def test_unpatched_async_helpers_raise_not_in_workflow(helper: str, call: Any) -> None:
    with pytest.raises(NotInWorkflowError) as info:
        await call(Checkout())
    message = str(info.value)
    assert f"Checkout.{helper}() was called outside a running workflow" in message
    assert f"patch.object(wf, '{helper}', new_callable=AsyncMock)" in message
    assert "temporal_runtime.testing" in message


@pytest.mark.parametrize("helper", ["now", "uuid4", "random"])
def test_unpatched_sync_helpers_raise_not_in_workflow(helper: str) -> None:
    with pytest.raises(NotInWorkflowError, match=f"Checkout.{helper}"):
        getattr(Checkout(), helper)()
    with pytest.raises(NotInWorkflowError, match=r"Checkout.info\(\)"):
        _ = Checkout().info


def test_logger_outside_a_workflow_is_a_plain_logger() -> None:
    logger = Checkout().logger
    assert isinstance(logger, logging.Logger)
    assert logger.name == "temporal_runtime.workflow.Checkout"


async def test_direct_unpatched_method_fails_at_its_first_helper() -> None:
    with pytest.raises(NotInWorkflowError, match="exec"):
        await Checkout().pay(3)


# -- exec through a runtime seam (what a worker attaches) ---------------------------------


class RecordingRuntime:
    """A `WorkflowRuntime` that records what `exec` asked for."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any, ActivityOptions, bool]] = []
        self.config = RuntimeConfig()

    async def execute_activity(
        self, defn: ActivityDefinition, args: Any, options: ActivityOptions, *, local: bool
    ) -> Any:
        self.calls.append((defn.name, args, options, local))
        return Receipt(charged=1)


def _attach(wf: Workflow) -> RecordingRuntime:
    runtime = RecordingRuntime()
    setattr(wf, RUNTIME_ATTR, runtime)
    return runtime


async def test_exec_accepts_temporalio_and_our_retry_policy() -> None:
    wf = Checkout()
    runtime = _attach(wf)
    temporal_policy = temporalio.common.RetryPolicy(maximum_attempts=2)
    await wf.exec(charge, Charge(amount=1), timeout=timedelta(seconds=3), retry_policy=temporal_policy)
    await wf.exec(
        charge, Charge(amount=2), retry_policy=RetryPolicy(maximum_attempts=4, initial_interval=0.5)
    )
    await wf.exec_local("unit_charge", {"amount": 3}, timeout=1)
    (n1, a1, o1, l1), (_, _, o2, _), (n3, a3, o3, l3) = runtime.calls
    assert (n1, a1, l1) == ("unit_charge", Charge(amount=1), False)
    assert o1.retry_policy is temporal_policy
    assert o1.timeout == timedelta(seconds=3)
    assert o2.retry_policy is not None
    assert o2.retry_policy.maximum_attempts == 4
    assert o2.retry_policy.initial_interval == timedelta(seconds=0.5)
    assert o2.timeout == timedelta(minutes=5)  # the configuration's default
    assert (n3, a3, l3) == ("unit_charge", {"amount": 3}, True)
    assert o3.timeout == timedelta(seconds=1)


async def test_exec_argument_count_and_unknown_name() -> None:
    wf = Checkout()
    _attach(wf)
    with pytest.raises(TypeError, match="takes one argument"):
        await wf.exec(charge)  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="takes no argument"):
        await wf.exec(ping, "extra")  # type: ignore[call-overload]
    with pytest.raises(LookupError, match="no activity named 'nope'"):
        await wf.exec("nope")


# -- the client proxy ----------------------------------------------------------------------


def test_proxy_lists_entry_methods_on_unknown_names() -> None:
    proxy = Checkout.client(TemporalEngine(start_worker=False))
    assert isinstance(proxy, WorkflowClient)
    with pytest.raises(AttributeError) as info:
        _ = proxy.refund  # type: ignore[attr-defined]
    assert "Checkout has no entry method 'refund'" in str(info.value)
    assert "pay(amount, note), wait()" in str(info.value)
    with pytest.raises(AttributeError, match="no entry method 'pause'"):
        _ = proxy.async_.pause
    assert {"pay", "wait"} <= set(dir(proxy))
    assert isinstance(proxy.async_, WorkflowStarter)
    assert isinstance(proxy.after(10), WorkflowStarter)


def test_proxy_methods_keep_the_signature() -> None:
    proxy = Checkout.client(TemporalEngine(start_worker=False))
    import inspect

    assert str(inspect.signature(proxy.pay)) == "(amount: 'int', note: 'str' = '') -> 'Receipt'"
    assert proxy.pay.__name__ == "pay"
    # One method per entry method, made once per workflow class and shared by every proxy.
    assert type(proxy).pay is type(Checkout.client(TemporalEngine(start_worker=False))).pay


async def test_proxy_argument_binding_errors() -> None:
    proxy = Checkout.client(TemporalEngine(start_worker=False))
    with pytest.raises(TypeError, match=r"Checkout.pay\(amount: 'int'.*too many positional"):
        await proxy.pay(1, "n", "extra")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword argument 'tip'"):
        await proxy.pay(1, tip=2)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="missing a required argument: 'amount'"):
        await proxy.async_.pay()


def test_method_definition_bind() -> None:
    method = Checkout.__temporal_runtime__.methods["pay"]
    assert method.bind((5,), {}) == {"amount": 5}
    assert method.bind((5, "x"), {}) == {"amount": 5, "note": "x"}
    assert method.bind((), {"note": "y", "amount": 1}) == {"note": "y", "amount": 1}


def test_engine_plan_covers_class_task_queues_and_skips_local_classes() -> None:
    class UnitLocal(Workflow):
        async def run(self) -> None: ...

    engine = TemporalEngine(task_queue="unit-main", start_worker=True)
    plan = engine.plan_workers()
    assert FIXED_QUEUE in plan
    served = {wf.name for wfs, _ in plan.values() for wf in wfs}
    assert "EngineOpsWorkflow" in served
    assert "UnitLocal" not in served  # not importable by the sandbox: left out, with a warning
    assert "unit_charge" in {a.name for a in plan["unit-main"][1]}

    only = TemporalEngine(task_queue="unit-main", workflows=[EngineOpsWorkflow], activities=[charge])
    assert {
        q: ([w.name for w in wfs], [a.name for a in acts]) for q, (wfs, acts) in only.plan_workers().items()
    } == {"unit-main": (["EngineOpsWorkflow"], ["unit_charge"])}
