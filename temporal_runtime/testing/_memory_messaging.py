"""`MessagingSurface`'s backend in memory: update waits on virtual time, activities completed from outside.

Starts that carry a message use the surface's own start-then-send, which is one step here:
nothing runs between the two. `InMemoryEngine` derives from `InMemoryMessaging`. The start
options memory cannot honour are refused here too.
"""

from __future__ import annotations

import asyncio
from typing import Any

from temporal_runtime._internal._handles import RawAsyncActivityHandle, RawUpdateHandle
from temporal_runtime._internal._messaging import MessagingSurface
from temporal_runtime._internal._workflow_defn import WorkflowDefinition
from temporal_runtime.errors import OptionError
from temporal_runtime.options import StartOptions
from temporal_runtime.testing._memory import Scheduler
from temporal_runtime.testing._memory_handlers import InMemoryUpdateHandle


class InMemoryMessaging(MessagingSurface):
    """Update handles and async activity completion in memory (a base class of `InMemoryEngine`)."""

    _scheduler: Scheduler

    def _async_activity(
        self, task_token: bytes | None, workflow_id: str | None, run_id: str | None, activity_id: str | None
    ) -> RawAsyncActivityHandle:
        return self._scheduler.async_activity(task_token, workflow_id, run_id, activity_id)

    async def _wait_update(self, handle: RawUpdateHandle, timeout: float | None) -> Any:
        if not isinstance(handle, InMemoryUpdateHandle):
            raise TypeError(f"{handle!r} is not an update handle of this engine")
        # A caller with its own deadline is patient: the handler is not failed as blocked for it.
        return await asyncio.wait_for(handle.result(patient=timeout is not None), timeout)


def refuse_unhonoured(workflow: WorkflowDefinition, options: StartOptions) -> None:
    """Refuse a start option this engine cannot honour, saying where it can be tested.

    ``request_eager_start`` is honoured as it stands: a run here always starts at once.
    """
    if options.cron_schedule is not None:
        raise OptionError(
            f"InMemoryEngine cannot run {workflow.name} on cron_schedule={options.cron_schedule!r}: "
            "it has no cron scheduler. Test the cron start with temporal_runtime.testing.local_engine, "
            "and start the workflow here without cron_schedule to test one run"
        )
