"""The OLD code of workflow "PatchShipment", run in a subprocess to record a history.

It cannot live in the test process: the new code registers the same workflow name there.
"""

from __future__ import annotations

import sys
from pathlib import Path

from temporal_runtime import TemporalEngine, Workflow
from tests.integration._versioning_activities import label_ground


class Shipment(Workflow, name="PatchShipment"):
    async def ship(self, order: str) -> str:
        return await self.exec(label_ground, order)


async def record(address: str, task_queue: str, out: str) -> None:
    """Run the old code once and write the history JSON to `out`."""
    async with TemporalEngine(url=address, task_queue=task_queue, workflows=[Shipment]) as engine:
        handle = await Shipment.client(engine).async_.ship("o-1")
        assert await handle.result(timeout=60) == "ground:o-1"
        history = await handle.raw.fetch_history()
        Path(out).write_text(history.to_json())
        sys.stdout.write(handle.id)
