"""`WorkflowRuntime` for `InMemoryEngine`: the workflow helpers, run in-process on virtual time.

Each method is one small, self-contained helper over two collaborators: the `Execution`
being run (its state, its waits) and the engine's `Scheduler` (virtual clock, activities,
conditions). A new helper on the `WorkflowRuntime` protocol (child workflows,
continue-as-new, patches...) is one more method here plus, when it needs engine support,
one more method on `Scheduler`. A helper not written yet fails with a clear message
rather than an `AttributeError` deep inside the workflow.

For example, a child-workflow helper would build the child's envelope with
`json_round_trip`, call ``scheduler.start(...)`` for the child execution, and await
``scheduler.outcome(child)`` inside ``with self._execution.waiting("child ...")``, so
that a parent stuck on a stuck child is reported with both waits.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from random import Random
from typing import TYPE_CHECKING, Any, NoReturn
from uuid import UUID

from temporal_runtime._internal._activity_defn import ActivityDefinition, ActivityOptions
from temporal_runtime._internal._runtime import WorkflowInfo

if TYPE_CHECKING:
    from temporal_runtime.testing._memory import Execution, Scheduler

_log = logging.getLogger("temporal_runtime.testing.workflow")


def describe_predicate(predicate: Callable[[], bool]) -> str:
    """`<lambda> at orders.py:67`: where a wait_until predicate was written."""
    code = getattr(predicate, "__code__", None)
    name = getattr(predicate, "__qualname__", repr(predicate))
    if code is None:
        return name
    filename = code.co_filename.rsplit("/", 1)[-1]
    return f"{name} at {filename}:{code.co_firstlineno}"


class InMemoryWorkflowRuntime:
    """Runs one workflow instance's helpers against an `InMemoryEngine`."""

    def __init__(self, scheduler: Scheduler, execution: Execution) -> None:
        self.method = execution.method.name
        self._scheduler = scheduler
        self._execution = execution
        # Seeded from the run id, so a run's "random" values are the same each time it runs.
        self._random = Random(execution.run_id)
        self._logger = logging.LoggerAdapter(
            _log, {"workflow_id": execution.workflow_id, "run_id": execution.run_id}
        )

    async def execute_activity(
        self, defn: ActivityDefinition, args: Any, options: ActivityOptions, *, local: bool
    ) -> Any:
        with self._execution.waiting(f"activity '{defn.name}'"):
            return await self._scheduler.run_activity(self._execution, defn, args, options, local=local)

    async def sleep(self, duration: timedelta) -> None:
        with self._execution.waiting(f"sleep({duration.total_seconds():g}s)"):
            await self._scheduler.clock.timer(duration, f"{self._execution.label} sleep")

    async def wait_until(self, predicate: Callable[[], bool], timeout: timedelta | None) -> None:  # noqa: ASYNC109
        if predicate():
            return
        what = f"wait_until({describe_predicate(predicate)})"
        condition = self._scheduler.condition(self._execution, predicate)
        timer = (
            self._scheduler.clock.timer(timeout, f"{self._execution.label} {what} timeout")
            if timeout is not None
            else None
        )
        with self._execution.waiting(what):
            try:
                if timer is None:
                    await condition
                    return
                await asyncio.wait((condition, timer), return_when=asyncio.FIRST_COMPLETED)
                if not condition.done():
                    raise TimeoutError(f"{what} timed out after {timeout}")
                condition.result()
            finally:
                condition.cancel()
                if timer is not None:
                    timer.cancel()

    def now(self) -> datetime:
        return self._scheduler.clock.now

    def uuid4(self) -> UUID:
        return uuid.UUID(int=self._random.getrandbits(128), version=4)

    def random(self) -> Random:
        return self._random

    def logger(self) -> logging.LoggerAdapter[logging.Logger]:
        return self._logger

    def info(self) -> WorkflowInfo:
        ex = self._execution
        return WorkflowInfo(
            workflow_id=ex.workflow_id,
            run_id=ex.run_id,
            workflow_type=ex.definition.name,
            method=self.method,
            attempt=1,
            task_queue=ex.task_queue,
            namespace="default",
            start_time=ex.start_time,
        )

    def __getattr__(self, name: str) -> NoReturn:
        # A helper added to WorkflowRuntime but not (yet) to this in-memory runtime.
        if name.startswith("_"):
            raise AttributeError(name)
        raise NotImplementedError(
            f"the workflow helper '{name}' is not supported by InMemoryEngine yet; test this "
            "workflow with temporal_runtime.testing.local_engine (a real server) instead"
        )
