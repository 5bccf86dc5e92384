"""Human approval: the workflow waits for an `approve` signal, and can be asked if it has one.

Run: python -m examples.approval
"""

from __future__ import annotations

from pydantic import BaseModel

from examples._server import example_engine, run_example
from temporal_runtime import TemporalEngine, Workflow, wf_query, wf_signal


class Request(BaseModel):
    request_id: str
    amount: int


class Result(BaseModel):
    status: str
    approver: str | None = None


class ApprovalWorkflow(Workflow):
    def __init__(self) -> None:
        self._approved = False
        self._approver: str | None = None

    @wf_signal("approve")
    async def approve(self, approver: str = "anonymous") -> None:
        self._approved = True
        self._approver = approver

    @wf_query("is_approved")
    async def is_approved(self) -> bool:
        return self._approved

    async def process(self, request: Request) -> Result:
        try:
            await self.wait_until(lambda: self._approved, timeout=24 * 3600)
        except TimeoutError:
            return Result(status="expired")
        return Result(status="approved", approver=self._approver)


async def run(engine: TemporalEngine) -> Result:
    handle = await ApprovalWorkflow.client(engine).async_.process(Request(request_id="r-1", amount=250))
    print("approved yet?", await handle.query("is_approved"))
    await handle.signal(ApprovalWorkflow.approve, "alice")
    result: Result = await handle.result(timeout=60)
    return result


async def main() -> None:
    async with example_engine("approvals") as engine:
        print(await run(engine))


if __name__ == "__main__":
    run_example(main)
