"""The raw benchmark's model and activity, in a module of their own (it defines no workflow).

`benchmarks.raw_workflows` imports them plainly. The "models passed through" side hands this
module to the sandbox as temporalio's documentation advises; the plain side lets the sandbox
re-import it for every run.
"""

from __future__ import annotations

from pydantic import BaseModel
from temporalio import activity


class RawPing(BaseModel):
    n: int
    text: str = "ping"


@activity.defn(name="bench_raw_echo")
async def raw_echo(ping: RawPing) -> RawPing:
    return RawPing(n=ping.n + 1, text=ping.text)
