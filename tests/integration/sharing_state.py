"""A helper with module state: the sandbox must re-import it for every run, never share it."""

from __future__ import annotations

SEEN: list[str] = []


def remember(item: str) -> int:
    SEEN.append(item)
    return len(SEEN)
