"""A worker process for the durability test: serves examples.approval until it is killed.

Usage: python -m tests.integration.approval_worker <address> <task queue>
Prints "ready" once the worker polls, so the test knows when it may proceed.
"""

from __future__ import annotations

import asyncio
import sys

from examples import approval
from temporal_runtime import TemporalEngine


async def serve(address: str, task_queue: str) -> None:
    async with TemporalEngine(
        url=address, task_queue=task_queue, workflows=[approval.ApprovalWorkflow], activities=[]
    ):
        print("ready", flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1], sys.argv[2]))
