"""Workflows whose payloads go through a codec: an input, an activity, a signal, a query, a result."""

from __future__ import annotations

from pydantic import BaseModel

from temporal_runtime import Workflow, activity_def, wf_query, wf_signal

SECRET = "card 4242-4242-4242-4242"


class Note(BaseModel):
    text: str


@activity_def("codec_stamp")
async def stamp(note: Note) -> Note:
    return Note(text=f"{note.text} [stamped]")


class CodecVault(Workflow):
    def __init__(self) -> None:
        self.words: list[str] = []

    async def keep(self, note: Note) -> Note:
        stamped = await self.exec(stamp, note, timeout=10)
        return Note(text=f"{stamped.text} {' '.join(self.words)}".rstrip())

    async def collect(self, count: int) -> list[str]:
        await self.wait_until(lambda: len(self.words) >= count)
        return self.words

    async def echo(self, text: str) -> str:
        return text

    @wf_signal("add")
    async def add(self, word: str) -> None:
        self.words.append(word)

    @wf_query("seen")
    def seen(self) -> list[str]:
        return self.words
