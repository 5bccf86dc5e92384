"""A handle on one in-memory run: the slice of temporalio's `WorkflowHandle` that `MethodHandle` uses.

It raises temporalio's client errors, so `MethodHandle` translates failures exactly as it
does for a real server.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import temporalio.client
import temporalio.exceptions
import temporalio.service

from temporal_runtime.client import ExecutionStatus
from temporal_runtime.testing._memory import Scheduler
from temporal_runtime.testing._memory_handlers import InMemoryUpdateHandle
from temporal_runtime.testing._memory_replay import divergence
from temporal_runtime.testing._memory_state import Execution, json_round_trip


def not_found(workflow_id: str) -> temporalio.service.RPCError:
    return temporalio.service.RPCError(
        f"workflow not found for ID: {workflow_id}", temporalio.service.RPCStatusCode.NOT_FOUND, b""
    )


class InMemoryWorkflowHandle:
    """The slice of temporalio's `WorkflowHandle` that `MethodHandle` uses, kept in memory.

    It raises temporalio's client errors, so `MethodHandle` translates failures exactly as
    it does for a real server.
    """

    def __init__(self, scheduler: Scheduler, workflow_id: str, run_id: str | None) -> None:
        self._scheduler = scheduler
        self.id = workflow_id
        self.run_id = run_id
        self.first_execution_run_id = run_id

    def _execution(self) -> Execution:
        if self.run_id is not None:
            run = self._scheduler.runs.get(self.run_id)
            if run is None or run.workflow_id != self.id:
                raise not_found(self.id)
            # A started run's handle follows its continue-as-new runs, as temporalio's does.
            return run.latest
        found = self._scheduler.executions.get(self.id)
        if found is None:
            raise not_found(self.id)
        return found

    async def result(self, *, patient: bool = False) -> Any:
        # A patient caller has its own deadline: a run that cannot progress is left running
        # for it, as on a server, rather than failed as blocked.
        execution = self._execution()
        # The run this handle started from: its replay, and those of the runs after it, count.
        first = self._scheduler.runs.get(self.run_id) if self.run_id is not None else None
        while True:
            await self._scheduler.wait_for(execution, execution.done, patient=patient)
            if execution.next_run is None:
                break
            execution = execution.next_run
        diverged = divergence([first or execution])
        if diverged is not None:
            raise diverged
        if execution.failure is not None:
            raise temporalio.client.WorkflowFailureError(cause=execution.failure)
        return execution.result

    async def signal(self, name: str, /, *, args: Sequence[Any]) -> None:
        execution = self._execution()
        if not execution.running:
            raise temporalio.service.RPCError(
                "workflow execution already completed", temporalio.service.RPCStatusCode.NOT_FOUND, b""
            )
        payload = json_round_trip(list(args), f"the arguments of signal '{name}'", self._scheduler.codec)
        self._scheduler.deliver_signal(execution, name, payload)
        # Let the handler start, so a query right after the signal sees its first effects.
        await asyncio.sleep(0)

    async def query(self, name: str, /, *, args: Sequence[Any]) -> Any:
        execution = self._execution()
        return self._scheduler.query(
            execution,
            name,
            json_round_trip(list(args), f"the arguments of query '{name}'", self._scheduler.codec),
        )

    async def execute_update(self, name: str, /, *, args: Sequence[Any]) -> Any:
        execution = self._execution()
        return await self._scheduler.update(
            execution,
            name,
            json_round_trip(list(args), f"the arguments of update '{name}'", self._scheduler.codec),
        )

    async def start_update(
        self, name: str, /, *, args: Sequence[Any], wait_for_stage: temporalio.client.WorkflowUpdateStage
    ) -> InMemoryUpdateHandle:
        # Accepted once validated and started; a COMPLETED wait is the caller's `result()`.
        payload = json_round_trip(list(args), f"the arguments of update '{name}'", self._scheduler.codec)
        handle = self._scheduler.start_update(self._execution(), name, payload)
        await asyncio.sleep(0)
        return handle

    async def cancel(self) -> None:
        self._scheduler.request_cancel(self._execution())
        await asyncio.sleep(0)

    async def terminate(self, *, reason: str | None = None) -> None:
        execution = self._execution()
        if not execution.running:
            raise temporalio.service.RPCError(
                "workflow execution already completed", temporalio.service.RPCStatusCode.NOT_FOUND, b""
            )
        self._scheduler.terminate(
            execution,
            temporalio.exceptions.TerminatedError(reason or "Workflow terminated"),
            ExecutionStatus.TERMINATED,
        )
        await asyncio.sleep(0)
