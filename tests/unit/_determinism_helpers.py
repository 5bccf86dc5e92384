"""Helpers that tests/unit/test_determinism.py's workflows call from another module.

The definition-time check reads a workflow's own module only: what these functions do is
for the replay and the sandbox to find.
"""

from __future__ import annotations

import time


def elapsed_since(started: float) -> float:
    return time.monotonic() - started


class Mixin:
    """A mixin of another module: not read by the check of a workflow that uses it."""

    def _stamp(self) -> float:
        return time.time()
