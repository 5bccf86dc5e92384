"""The two sides of every server scenario, behind one small interface.

`DslSide` drives temporal_runtime (a `TemporalEngine` serving `BenchDsl`); `RawSide` drives
temporalio directly (a `Client` plus a `Worker` serving the raw classes). Both use the
pydantic data converter, the default sandbox and the same worker options.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import temporalio.api.workflowservice.v1 as wsv1
import temporalio.client
import temporalio.service
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from benchmarks.dsl_workflows import BenchDsl, Ping, dsl_echo
from benchmarks.raw_workflows import RAW_WORKFLOWS, RawNoActivity, RawOneActivity, RawPing, RawWait, raw_echo
from temporal_runtime import TemporalEngine
from temporal_runtime.config import current_config

SIDES = ("dsl", "raw")


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
    name = "raw"

    def __init__(self, address: str, task_queue: str) -> None:
        self.address = address
        self.task_queue = task_queue
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
            workflow_runner=SandboxedWorkflowRunner(),
            **worker_options(),
        )
        self._task = asyncio.create_task(self.worker.run())

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
    return DslSide(address, task_queue) if name == "dsl" else RawSide(address, task_queue)


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
