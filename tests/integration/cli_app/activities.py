from __future__ import annotations

import logging

from pydantic import BaseModel

from temporal_runtime import activity_def


class Greeting(BaseModel):
    name: str
    times: int = 1


@activity_def("cli_app.compose_greeting")
async def compose_greeting(args: Greeting) -> str:
    # A plain logger, as existing code has: the worker's log filter adds the activity context.
    logging.getLogger(__name__).info("composing for %s", args.name)
    return " ".join([f"hello {args.name}"] * args.times)
