"""Workflow logging: temporalio's workflow logger, plus the entry method on every record.

temporalio's `workflow.logger` already appends the workflow id, run id, type, task queue,
namespace and attempt to the message and puts them on the record as ``temporal_workflow``; it
also stays quiet during replay. Our hidden adapter runs every entry method under one Temporal
type, so the method is the one thing missing: this adapter adds ``[method]`` in front of the
message and ``temporal_runtime={"method": ...}`` on the record.
"""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from typing import Any

METHOD_EXTRA = "temporal_runtime"


class MethodLoggerAdapter(logging.LoggerAdapter[Any]):
    """Wraps temporalio's workflow logger (so replay suppression still applies)."""

    def __init__(self, inner: logging.LoggerAdapter[logging.Logger], method: str) -> None:
        super().__init__(inner, {METHOD_EXTRA: {"method": method}})
        self.method = method

    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, MutableMapping[str, Any]]:
        kwargs["extra"] = {METHOD_EXTRA: {"method": self.method}, **(kwargs.get("extra") or {})}
        return (f"[{self.method}] {msg}" if self.method else msg), kwargs
