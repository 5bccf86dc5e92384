"""A worker module with one slow activity, for the drain test: it runs until the test releases it.

Each workflow gets its own folder; one ``release`` file beside the folders releases them all.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from pydantic import BaseModel

from temporal_runtime import Workflow, activity_def


class SlowArgs(BaseModel):
    folder: str


@activity_def("drain_app.slow_step")
async def slow_step(args: SlowArgs) -> str:
    folder = Path(args.folder)
    with (folder / "started").open("a") as fh:
        fh.write("x")
    while not (folder.parent / "release").exists():
        await asyncio.sleep(0.05)
    (folder / "finished").write_text("yes")
    return "finished"


class DrainWorkflow(Workflow):
    async def run(self, folder: str) -> str:
        return await self.exec(slow_step, SlowArgs(folder=folder), timeout=300)
