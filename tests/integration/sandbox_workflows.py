"""Workflows whose helpers reach calls the workflow sandbox refuses at run time."""

from __future__ import annotations

from temporal_runtime import Workflow, wf_query, wf_update
from tests.integration import _sandbox_helpers


class StampingWorkflow(Workflow):
    def __init__(self) -> None:
        self.stamped = ""

    async def stamp_it(self, order_id: str) -> str:
        return f"{order_id} at {_sandbox_helpers.stamp()}"

    @wf_query
    def where(self) -> str:
        return _sandbox_helpers.region()

    @wf_update
    async def restamp(self) -> str:
        self.stamped = _sandbox_helpers.stamp()
        return self.stamped

    async def wait(self) -> None:
        await self.wait_until(lambda: bool(self.stamped))
