"""Passed through the workflow sandbox by tests/unit/test_sandbox_copy.py: what the sandbox built."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

# Each import of a probed module (outside, then once per sandbox) appends what it defined.
SEEN: list[dict[str, Any]] = []


class Shared(BaseModel):
    """A model the sandbox shares with the process (this module is passed through)."""

    n: int
