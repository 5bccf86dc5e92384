"""The typed call forms run against the real dev server exactly as the checkers describe them."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from examples.approval import ApprovalWorkflow, Request, Result
from examples.data_pipeline import DataPipelineWorkflow, ProcessDataInput, ProcessDataOutput
from temporal_runtime import MethodHandle, TemporalEngine, Workflow, wf_query, wf_signal, wf_update


class Snapshot(BaseModel):
    stage: str


class TypedSnapshotWorkflow(Workflow):
    def __init__(self) -> None:
        self._stage = "started"
        self._done = False

    @wf_query("snapshot")
    def snapshot(self) -> Snapshot:
        return Snapshot(stage=self._stage)

    @wf_update("advance")
    async def advance(self, stage: str) -> Snapshot:
        self._stage = stage
        return Snapshot(stage=stage)

    @wf_signal("finish")
    def finish(self) -> None:
        self._done = True

    async def run(self) -> Snapshot:
        await self.wait_until(lambda: self._done)
        return Snapshot(stage=self._stage)


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


async def test_handle_by_id_converts_when_given_the_handler_method(engine: TemporalEngine) -> None:
    started = await TypedSnapshotWorkflow.client(engine).start(TypedSnapshotWorkflow.run)
    by_id = engine.get_handle(started.id)  # no workflow class: a MethodHandle[Any]
    assert await by_id.query(TypedSnapshotWorkflow.snapshot) == Snapshot(stage="started")
    assert await by_id.update(TypedSnapshotWorkflow.advance, stage="packed") == Snapshot(stage="packed")
    assert await by_id.query("snapshot") == {"stage": "packed"}  # by name: the raw JSON value
    await by_id.signal(TypedSnapshotWorkflow.finish)
    assert await started.result(timeout=60) == Snapshot(stage="packed")
