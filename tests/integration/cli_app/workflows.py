from __future__ import annotations

from pydantic import BaseModel

from temporal_runtime import ApplicationError, Workflow, wf_query, wf_signal
from tests.integration.cli_app.activities import Greeting, compose_greeting


class GreetResult(BaseModel):
    text: str


class CliAppWorkflow(Workflow):
    def __init__(self) -> None:
        self._approved = False
        self._note = ""

    async def greet(self, greeting: Greeting) -> GreetResult:
        text = await self.exec(compose_greeting, greeting, timeout=30)
        self.logger.info("greeted %s", greeting.name)
        return GreetResult(text=text)

    async def wait_for_approval(self, request: str) -> str:
        await self.wait_until(lambda: self._approved)
        return f"{request} approved: {self._note}"

    async def fail(self, reason: str) -> str:
        raise ApplicationError(reason, type="CliAppRefused", non_retryable=True)

    @wf_signal("approve")
    async def approve(self, note: str) -> None:
        self._approved = True
        self._note = note

    @wf_query("state")
    def state(self) -> dict[str, object]:
        return {"approved": self._approved, "note": self._note}
