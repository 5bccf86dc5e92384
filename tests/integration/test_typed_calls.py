"""The typed call forms run against the real dev server exactly as the checkers describe them."""

from __future__ import annotations

import pytest

from examples.approval import ApprovalWorkflow, Request, Result
from examples.data_pipeline import DataPipelineWorkflow, ProcessDataInput, ProcessDataOutput
from temporal_runtime import MethodHandle, TemporalEngine


async def test_start_with_method_object_and_keyword_handler_args(engine: TemporalEngine) -> None:
    wf = ApprovalWorkflow.client(engine)
    handle = await wf.start(ApprovalWorkflow.process, request=Request(request_id="typed-1", amount=5))
    assert isinstance(handle, MethodHandle)
    assert handle.method == "process"
    assert await handle.query(ApprovalWorkflow.is_approved) is False
    await handle.signal(
        ApprovalWorkflow.approve, approver="bob"
    )  # keyword, placed by the handler's signature
    result = await handle.result(timeout=60)
    assert result == Result(status="approved", approver="bob")


async def test_starter_start_and_engine_forms(engine: TemporalEngine) -> None:
    data = ProcessDataInput(data_id="t-1", parameters={"mode": "typed"})
    pipeline = DataPipelineWorkflow.client(engine)
    handle = await pipeline.async_.start(DataPipelineWorkflow.run_pipeline, data)
    delayed = await pipeline.after(0.1).start(DataPipelineWorkflow.run_pipeline, input_data=data)
    direct = await engine.execute_method(DataPipelineWorkflow, DataPipelineWorkflow.run_pipeline, data)
    started = await engine.start_method(DataPipelineWorkflow, DataPipelineWorkflow.run_pipeline, data)
    outputs = [await handle.result(timeout=60), await delayed.result(timeout=60), direct]
    outputs.append(await started.result(timeout=60))
    assert all(isinstance(o, ProcessDataOutput) for o in outputs)
    assert {o.result for o in outputs} == {"processed t-1 in typed mode"}


async def test_keyword_arguments_need_the_handler_method(engine: TemporalEngine) -> None:
    handle = await ApprovalWorkflow.client(engine).async_.process(Request(request_id="typed-2", amount=1))
    with pytest.raises(TypeError, match="need the handler method"):
        await handle.signal("approve", approver="carol")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue]
    await handle.signal("approve", "carol")
    assert (await handle.result(timeout=60)).approver == "carol"
