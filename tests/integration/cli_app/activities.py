from __future__ import annotations

from pydantic import BaseModel

from temporal_runtime import activity_def


class Greeting(BaseModel):
    name: str
    times: int = 1


@activity_def("cli_app.compose_greeting")
async def compose_greeting(args: Greeting) -> str:
    return " ".join([f"hello {args.name}"] * args.times)
