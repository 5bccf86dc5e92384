"""A helper in a module of its own that reads the wall clock: the definition-time check of the
workflows that call it does not read this module, so only the replay can catch it."""

from __future__ import annotations

from datetime import UTC, datetime


def order_reference(order_id: str) -> str:
    return f"{order_id}@{datetime.now(UTC).isoformat()}"
