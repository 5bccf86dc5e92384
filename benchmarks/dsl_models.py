"""The DSL benchmark's model and activity, in a module of their own (it defines no workflow).

The same layout as every raw side (`benchmarks.raw_models`): the workflow module imports
these plainly; the runtime decides what the workflow sandbox re-imports.
"""

from __future__ import annotations

from pydantic import BaseModel

from temporal_runtime import activity_def


class Ping(BaseModel):
    n: int
    text: str = "ping"


@activity_def("bench_dsl_echo")
async def dsl_echo(ping: Ping) -> Ping:
    return Ping(n=ping.n + 1, text=ping.text)
