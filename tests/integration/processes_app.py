"""The workflows `worker --processes N` serves in tests: they report which process ran them."""

from __future__ import annotations

import os

from temporal_runtime import Workflow, activity_def


@activity_def("processes_pid")
async def worker_pid() -> int:
    return os.getpid()


class WhichProcess(Workflow):
    async def run(self) -> int:
        return await self.exec(worker_pid, timeout=30)
