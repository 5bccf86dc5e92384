"""Structured helpers over the workflow's asyncio loop: shield and gather.

They use only asyncio, which Temporal's workflow event loop runs deterministically, so they
behave the same on any executor.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

T = TypeVar("T")


async def shield(awaitable: Awaitable[T]) -> T:
    """Run `awaitable` to its end even if the workflow is cancelled meanwhile.

    Unlike a bare `asyncio.shield`, the caller keeps waiting for the inner work; a
    cancellation that arrived meanwhile is raised afterwards, so nothing is left running
    when the workflow closes.
    """
    task = asyncio.ensure_future(awaitable)
    cancelled = False
    while True:
        try:
            result = await asyncio.shield(task)
            break
        except asyncio.CancelledError:
            if task.done():
                raise
            cancelled = True
    if cancelled:
        raise asyncio.CancelledError
    return result


async def gather(awaitables: tuple[Awaitable[Any], ...], return_exceptions: bool) -> list[Any]:
    """Results in argument order; on the first failure cancel the rest, let them settle, raise it."""
    tasks = [asyncio.ensure_future(a) for a in awaitables]
    if return_exceptions:
        return list(await asyncio.gather(*tasks, return_exceptions=True))
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            if not task.done():
                task.cancel()
        # Wait for the siblings so no activity or child is abandoned half-cancelled.
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
