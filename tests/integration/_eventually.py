"""Waiting, bounded, for what a server shows a moment later (visibility, schedules, retries)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable


async def eventually(check: Callable[[], Awaitable[bool]], what: str, *, seconds: float = 20.0) -> None:
    """Return once `check()` is true; fail naming `what` after `seconds`."""
    for _ in range(int(seconds * 10)):
        if await check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"never happened within {seconds}s: {what}")
