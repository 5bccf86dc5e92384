"""The sides of every server scenario, behind one small interface.

`DslSide` drives temporal_runtime (a `TemporalEngine` serving `BenchDsl`); `RawSide` drives
temporalio directly (a `Client` plus a `Worker` serving the raw classes). All use the pydantic
data converter and the same worker options. The raw side comes in three variants that differ
only in the worker's workflow runner (`RAW_VARIANTS`):

- ``raw``: the default sandbox, which re-imports `benchmarks.raw_models` for every run;
- ``raw_pt``: the default sandbox with `benchmarks.raw_models` passed through, as temporalio's
  documentation advises for models and activities;
- ``raw_bare``: no sandbox at all (`UnsandboxedWorkflowRunner`), the floor of what a run costs.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import temporalio.api.workflowservice.v1 as wsv1
import temporalio.client
import temporalio.service
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer, UnsandboxedWorkflowRunner, Worker, WorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from benchmarks.dsl_workflows import BenchDsl, Ping, dsl_echo
from benchmarks.raw_workflows import RAW_WORKFLOWS, RawNoActivity, RawOneActivity, RawPing, RawWait, raw_echo
from temporal_runtime import TemporalEngine
from temporal_runtime.config import current_config

# The pair every scenario compares, and the extra raw baselines of the CPU scenario.
SIDES = ("dsl", "raw")
BASELINES = ("raw_pt", "raw_bare")


def _passthrough_models() -> WorkflowRunner:
    restrictions = SandboxRestrictions.default.with_passthrough_modules("benchmarks.raw_models")
    return SandboxedWorkflowRunner(restrictions=restrictions)


RAW_VARIANTS: dict[str, Any] = {
    "raw": SandboxedWorkflowRunner,
    "raw_pt": _passthrough_models,
    "raw_bare": UnsandboxedWorkflowRunner,
}


def worker_options() -> dict[str, Any]:
    """The options both sides' workers get: the runtime's defaults, stated explicitly for raw."""
    worker = current_config().worker
    options: dict[str, Any] = {"graceful_shutdown_timeout": worker.drain_timeout}
    if worker.max_concurrent_activities:
        options["max_concurrent_activities"] = worker.max_concurrent_activities
    if worker.max_concurrent_workflow_tasks:
        options["max_concurrent_workflow_tasks"] = worker.max_concurrent_workflow_tasks
    return options


class DslSide:
    name = "dsl"

    def __init__(self, address: str, task_queue: str) -> None:
        self.engine = TemporalEngine(
            url=address, task_queue=task_queue, workflows=[BenchDsl], activities=[dsl_echo]
        )

    async def start(self) -> None:
        await self.engine.start()
        self.client = BenchDsl.client(self.engine)
        self.starter = self.client.async_

    def replayer(self) -> Replayer:
        """A replayer of `BenchDsl` with the very runner (sandbox settings) the engine's worker uses."""
        adapter = BenchDsl.__temporal_runtime__.adapter
        assert adapter is not None
        (worker,) = self.engine._workers.values()
        return Replayer(
            workflows=[adapter],
            data_converter=self.engine.client.data_converter,
            workflow_runner=worker.config()["workflow_runner"],
        )

    def history_source(self) -> tuple[temporalio.client.Client, str, str]:
        return self.engine.client, self.engine.task_queue, "BenchDsl"

    async def stop(self) -> None:
        await self.engine.stop()

    async def one_activity(self, i: int) -> Any:
        return await self.client.one_activity(Ping(n=i))

    async def no_activity(self, i: int) -> Any:
        return await self.client.no_activity(Ping(n=i))

    async def start_waiting(self, i: int) -> Any:
        return await self.starter.wait(Ping(n=i))

    async def signal(self, handle: Any, n: int) -> None:
        await handle.signal(BenchDsl.poke, n)

    async def query(self, handle: Any) -> Any:
        return await handle.query(BenchDsl.count)

    async def finish(self, handle: Any) -> Any:
        await handle.signal(BenchDsl.finish)
        return await handle.result()


class RawSide:
    def __init__(self, address: str, task_queue: str, variant: str = "raw") -> None:
        self.name = variant
        self.address = address
        self.task_queue = task_queue
        self.runner: WorkflowRunner = RAW_VARIANTS[variant]()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.client = await temporalio.client.Client.connect(
            self.address, data_converter=pydantic_data_converter
        )
        self.worker = Worker(
            self.client,
            task_queue=self.task_queue,
            workflows=RAW_WORKFLOWS,
            activities=[raw_echo],
            workflow_runner=self.runner,
            **worker_options(),
        )
        self._task = asyncio.create_task(self.worker.run())

    def replayer(self) -> Replayer:
        return Replayer(
            workflows=[RawOneActivity], data_converter=self.client.data_converter, workflow_runner=self.runner
        )

    def history_source(self) -> tuple[temporalio.client.Client, str, str]:
        return self.client, self.task_queue, "BenchRawOneActivity"

    async def stop(self) -> None:
        await self.worker.shutdown()
        if self._task is not None:
            await self._task

    def _id(self, kind: str) -> str:
        return f"{kind}-{uuid.uuid4()}"

    async def one_activity(self, i: int) -> Any:
        return await self.client.execute_workflow(
            RawOneActivity.run, RawPing(n=i), id=self._id("raw-one"), task_queue=self.task_queue
        )

    async def no_activity(self, i: int) -> Any:
        return await self.client.execute_workflow(
            RawNoActivity.run, RawPing(n=i), id=self._id("raw-none"), task_queue=self.task_queue
        )

    async def start_waiting(self, i: int) -> Any:
        return await self.client.start_workflow(
            RawWait.run, RawPing(n=i), id=self._id("raw-wait"), task_queue=self.task_queue
        )

    async def signal(self, handle: Any, n: int) -> None:
        await handle.signal(RawWait.poke, n)

    async def query(self, handle: Any) -> Any:
        return await handle.query(RawWait.count)

    async def finish(self, handle: Any) -> Any:
        await handle.signal(RawWait.finish)
        return await handle.result()


def make_side(name: str, address: str, task_queue: str) -> DslSide | RawSide:
    return DslSide(address, task_queue) if name == "dsl" else RawSide(address, task_queue, name)


# -- a client with no server, for the client-path scenario ------------------------------------


class _StubWorkflowService:
    """Answers StartWorkflowExecution at once, so only the client-side path is measured."""

    async def start_workflow_execution(self, req: Any, **_: Any) -> wsv1.StartWorkflowExecutionResponse:
        return wsv1.StartWorkflowExecutionResponse(run_id="stub-run")


class _StubServiceClient:
    def __init__(self) -> None:
        self.config = temporalio.service.ConnectConfig(target_host="stub:7233", identity="bench@stub")
        self.workflow_service = _StubWorkflowService()


def stub_client() -> temporalio.client.Client:
    """A temporalio `Client` with the pydantic converter whose service never leaves the process."""
    return temporalio.client.Client(
        _StubServiceClient(),  # type: ignore[arg-type]
        namespace="default",
        data_converter=pydantic_data_converter,
    )
