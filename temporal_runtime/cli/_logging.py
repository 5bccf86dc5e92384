"""Log setup for the commands: readable lines, or one JSON object per line for collectors."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

import temporalio.activity

# temporalio's workflow.logger / activity.logger put their context dicts on the record under
# these names; ours adds the entry method under "temporal_runtime", and a ContextPropagator's
# logging filter the propagated values under "temporal_context".
CONTEXT_ATTRS = ("temporal_workflow", "temporal_activity", "temporal_runtime", "temporal_context")


class TemporalContextFilter(logging.Filter):
    """Adds the running activity's context to records from any logger.

    temporalio's ``activity.logger`` adds ``temporal_activity`` (activity id and type, workflow
    id and run id, attempt, task queue) itself; this filter gives the same fields to records
    from plain ``logging.getLogger(__name__)`` loggers used inside an activity, so existing
    code needs no change. Install it on a handler; the worker command does.

    Example:
        >>> handler = logging.StreamHandler()
        >>> handler.addFilter(TemporalContextFilter())
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Add the workflow or activity context to `record`; never drops a record."""
        if getattr(record, "temporal_activity", None) is None and temporalio.activity.in_activity():
            info = temporalio.activity.info()
            record.temporal_activity = {
                "activity_id": info.activity_id,
                "activity_type": info.activity_type,
                "attempt": info.attempt,
                "namespace": info.namespace,
                "task_queue": info.task_queue,
                "workflow_id": info.workflow_id,
                "workflow_run_id": info.workflow_run_id,
                "workflow_type": info.workflow_type,
            }
            record.temporal_context_added = True
        return True


class TextFormatter(logging.Formatter):
    """Readable lines; context that the filter added (not already in the message) goes at the end.

    Example:
        >>> rec = logging.LogRecord("x", logging.INFO, __file__, 1, "hi", None, None)
        >>> TextFormatter("%(message)s").format(rec)
        'hi'
    """

    def format(self, record: logging.LogRecord) -> str:
        """Render `record` with its Temporal context."""
        text = super().format(record)
        if getattr(record, "temporal_context_added", False):
            ctx: dict[str, Any] = getattr(record, "temporal_activity", {})
            text += " (" + ", ".join(f"{k}={v}" for k, v in ctx.items()) + ")"
        return text


class JsonFormatter(logging.Formatter):
    """One JSON object per record, with the workflow/activity context as fields.

    Example:
        >>> rec = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
        >>> json.loads(JsonFormatter().format(rec))["message"]
        'hello'
    """

    def format(self, record: logging.LogRecord) -> str:
        """Render `record` with its Temporal context."""
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
    handler.addFilter(TemporalContextFilter())
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
