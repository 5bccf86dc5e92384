"""Human approval with a deadline: approve or reject by signal, expire when time runs out.

The workflow notifies an approver, then waits for a decision for up to `timeout_s`
seconds (a day in production; a durable timer, so restarts do not reset it). A query
tells a UI where the request stands.

Run: python -m examples.approval_timeout
"""

from __future__ import annotations

from pydantic import BaseModel

from examples._server import example_engine, run_example
from temporal_runtime import TemporalEngine, Workflow, activity_def, wf_query, wf_signal


class ApprovalRequest(BaseModel):
    request_id: str
    amount: int
    timeout_s: float = 24 * 3600


class Decision(BaseModel):
    status: str  # "approved", "rejected" or "expired"
    by: str | None = None
    reason: str | None = None


notified: list[str] = []


@activity_def("approval_notify", timeout=30)
async def notify_approver(request: ApprovalRequest) -> None:
    notified.append(request.request_id)  # a real system would send an email or a chat message


class ApprovalWithTimeout(Workflow):
    def __init__(self) -> None:
        self._decision: Decision | None = None

    @wf_signal
    async def approve(self, by: str) -> None:
        self._decision = Decision(status="approved", by=by)

    @wf_signal
    async def reject(self, by: str, reason: str) -> None:
        self._decision = Decision(status="rejected", by=by, reason=reason)

    @wf_query
    def state(self) -> str:
        return self._decision.status if self._decision else "pending"

    async def request(self, request: ApprovalRequest) -> Decision:
        await self.exec(notify_approver, request)
        try:
            await self.wait_until(lambda: self._decision is not None, timeout=request.timeout_s)
        except TimeoutError:
            return Decision(status="expired")
        assert self._decision is not None
        return self._decision


async def run(engine: TemporalEngine) -> list[Decision]:
    wf = ApprovalWithTimeout.client(engine)
    approved = await wf.async_.request(ApprovalRequest(request_id="r-1", amount=250))
    rejected = await wf.async_.request(ApprovalRequest(request_id="r-2", amount=9000))
    await approved.signal(ApprovalWithTimeout.approve, "alice")
    await rejected.signal(ApprovalWithTimeout.reject, "bob", "over budget")
    expired = await wf.request(ApprovalRequest(request_id="r-3", amount=10, timeout_s=2))
    return [await approved.result(timeout=60), await rejected.result(timeout=60), expired]


async def main() -> None:
    async with example_engine("approvals-timeout") as engine:
        for decision in await run(engine):
            print(decision)


if __name__ == "__main__":
    run_example(main)
