"""A workflow whose handlers take one text and results have a size the caller picks (payload tests),
and one whose `__init__` takes its entry's input (so temporalio decodes that input for `__init__`)."""

from __future__ import annotations

from temporal_runtime import Workflow, activity_def, wf_query, wf_signal, wf_update


@activity_def("tests_big_result")
async def big_result(size: int) -> str:
    return "x" * size


class PayloadWorkflow(Workflow):
    def __init__(self) -> None:
        self._received: list[int] = []
        self._done = False

    async def activity_result(self, size: int) -> int:
        return len(await self.exec(big_result, size, timeout=30))

    async def own_result(self, size: int) -> str:
        return "y" * size

    async def serve(self) -> list[int]:
        await self.wait_until(lambda: self._done)
        return self._received

    @wf_signal("feed")
    async def feed(self, text: str) -> None:
        self._received.append(len(text))

    @wf_signal("finish")
    async def finish(self) -> None:
        self._done = True

    @wf_update("big_answer")
    async def big_answer(self, size: int) -> str:
        return "z" * size

    @wf_update("take")
    async def take(self, text: str) -> int:
        self._received.append(len(text))
        return len(text)

    @wf_query("received")
    def received(self) -> list[int]:
        return self._received

    @wf_query("echo")
    def echo(self, text: str) -> int:
        return len(text)


class InitEcho(Workflow):
    def __init__(self, text: str) -> None:
        self._text = text

    async def echo(self, text: str) -> str:
        return self._text
