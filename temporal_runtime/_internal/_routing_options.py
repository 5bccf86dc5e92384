"""The routing and user-metadata options: priority, fairness, summary and details.

They belong to every option family (`temporal_runtime.options`): a start, a child and an
activity call each take ``priority``, ``fairness_key`` and ``fairness_weight`` (Temporal's task
`Priority`), and a ``summary`` that the Web UI and the CLI show; starts also take ``details``.
Here are their converters (checked once, when the options are built) and their translation
to temporalio's `Priority`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

import temporalio.client
import temporalio.common

from temporal_runtime._internal._codec import readable
from temporal_runtime.errors import OptionError

# Temporal's own limits: a fairness key is at most 64 bytes; weights are clamped to this range.
_FAIRNESS_KEY_BYTES = 64
_WEIGHTS = (0.001, 1000.0)


def _priority(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise OptionError(
            f"option {name!r} must be an int of 1 or more (1 runs first; the server's default "
            f"range is 1 to 5, default 3), got {value!r}"
        )
    return value


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise OptionError(f"option {name!r} must be a non-empty string, got {value!r}")
    return value


def _fairness_key(name: str, value: Any) -> str:
    text = _text(name, value)
    if len(text.encode()) > _FAIRNESS_KEY_BYTES:
        raise OptionError(
            f"option {name!r} must be at most {_FAIRNESS_KEY_BYTES} bytes (a tenant id, say), got {value!r}"
        )
    return text


def _fairness_weight(name: str, value: Any) -> float:
    low, high = _WEIGHTS
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise OptionError(f"option {name!r} must be a number from {low:g} to {high:g}, got {value!r}")
    return float(value)


def _summary(name: str, value: Any) -> str:
    text = _text(name, value)
    if "\n" in text:
        raise OptionError(f"option {name!r} is one line of text; put longer text in 'details'")
    return text


ROUTING_CONVERTERS: Mapping[str, Callable[[str, Any], Any]] = {
    "priority": _priority,
    "fairness_key": _fairness_key,
    "fairness_weight": _fairness_weight,
    "summary": _summary,
    "details": _text,
}


class HasPriority(Protocol):
    """Options that carry the three priority fields (every option family does)."""

    @property
    def priority(self) -> int | None: ...
    @property
    def fairness_key(self) -> str | None: ...
    @property
    def fairness_weight(self) -> float | None: ...


def temporal_priority(options: HasPriority) -> temporalio.common.Priority | None:
    """temporalio's `Priority` for `options`, or None when they set none of its fields."""
    if options.priority is None and options.fairness_key is None and options.fairness_weight is None:
        return None
    return temporalio.common.Priority(
        priority_key=options.priority,
        fairness_key=options.fairness_key,
        fairness_weight=options.fairness_weight,
    )


async def routing_fields(description: temporalio.client.WorkflowExecutionDescription) -> dict[str, Any]:
    """`WorkflowStatus`'s routing and metadata fields from a server's description."""
    info = description.raw_info
    weight = info.priority.fairness_weight
    version = info.versioning_info.deployment_version
    return {
        # Encoded with the starter's payload codec, which may not be this engine's.
        "summary": await readable(description.static_summary(), None),
        "details": await readable(description.static_details(), None),
        "priority": info.priority.priority_key or None,
        "fairness_key": info.priority.fairness_key or None,
        # The server keeps a 32-bit float: 0.3 comes back as 0.30000001192...
        "fairness_weight": float(f"{weight:.6g}") if weight else None,
        "deployment_version": f"{version.deployment_name}.{version.build_id}" if version.build_id else None,
    }


def timer_summary(summary: str | None) -> str | None:
    """A `sleep` / `wait_until` timer's summary, checked like the option (None: no summary)."""
    return None if summary is None else _summary("summary", summary)


def details_text(details: Any) -> str:
    """The text of ``set_current_details`` (an empty string clears it)."""
    if not isinstance(details, str):
        raise OptionError(f"set_current_details takes a string (Temporal markdown), got {details!r}")
    return details
