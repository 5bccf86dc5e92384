"""Log setup for the commands: readable lines, or one JSON object per line for collectors."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

# temporalio's workflow.logger / activity.logger put their context dicts on the record under
# these names; ours adds the entry method under "temporal_runtime".
CONTEXT_ATTRS = ("temporal_workflow", "temporal_activity", "temporal_runtime")


class JsonFormatter(logging.Formatter):
    """One JSON object per record, with the workflow/activity context as fields.

    Example:
        >>> rec = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
        >>> json.loads(JsonFormatter().format(rec))["message"]
        'hello'
    """

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for attr in CONTEXT_ATTRS:
            value = getattr(record, attr, None)
            if isinstance(value, dict):
                data.update(value)  # pyright: ignore[reportUnknownArgumentType]
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str)


def configure_logging(level: str, fmt: str) -> None:
    """Send logs to stderr at `level`, as text or JSON (``--log-level``, ``--log-format``)."""
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
