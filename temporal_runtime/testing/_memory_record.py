"""The commands of an `InMemoryEngine` run, as its `Recording` keeps them and its replay compares them.

Each function gives a command's key (compared between the first run and the replay: what
Temporal's history would hold, inputs as JSON) and its text (shown in a `ReplayError`). The
first run (`_memory_runtime`) and the replay (`_memory_replay`) both build their commands here,
so the two sides cannot disagree on what a command is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import temporalio.common

from temporal_runtime._internal._runtime import ContinueAsNew
from temporal_runtime.testing._memory_state import json_round_trip, shown

# A command's key (compared) and its text (shown).
Keyed = tuple[tuple[Any, ...], str]


def activity_key(name: str, args: Any, takes_args: bool, local: bool) -> Keyed:
    """The key and text of an activity command: its name and its input, as JSON."""
    value = json_round_trip(args, f"the input of activity '{name}'") if takes_args else None
    kind = "local activity" if local else "activity"
    what = f" with input {shown(value)}" if takes_args else ""
    return (kind, name, value), f"{kind} '{name}'{what}"


def timer_key(purpose: str, seconds: float) -> Keyed:
    """The key and text of a timer: what it is for and its duration."""
    return ("timer", purpose, seconds), f"a {purpose} timer of {seconds:g}s"


def child_key(workflow: str, envelope: Any, workflow_id: str | None) -> Keyed:
    """The key and text of a child workflow start: its type, input and id."""
    value = json_round_trip(dict(envelope), f"the input of child workflow {workflow}")
    method, kwargs = value.get("method"), value.get("kwargs")
    return (
        ("child", workflow, value, workflow_id),
        f"child workflow {workflow}.{method} (id {workflow_id!r}) with {shown(kwargs)}",
    )


def child_signal_key(child_id: str, name: str, args: Sequence[Any]) -> Keyed:
    """The key and text of a signal sent to a child."""
    value = json_round_trip(list(args), f"the arguments of signal '{name}'")
    return (
        "signal child",
        child_id,
        name,
        value,
    ), f"signal '{name}' to child {child_id!r} with {shown(value)}"


def child_cancel_key(child_id: str) -> Keyed:
    """The key and text of a child's cancellation request."""
    return ("cancel child", child_id), f"cancellation of child {child_id!r}"


def continue_key(request: ContinueAsNew) -> Keyed:
    """The key and text of continue-as-new: the next run's workflow and input."""
    value = json_round_trip(dict(request.envelope), f"the continue-as-new input of {request.workflow}")
    return (
        ("continue as new", request.workflow, value),
        f"continue-as-new into {request.workflow}.{value.get('method')} with {shown(value.get('kwargs'))}",
    )


def patch_key(patch_id: str, *, deprecated: bool) -> Keyed:
    """The key and text of a patch marker (`patched` or `deprecate_patch`)."""
    helper = "deprecate_patch" if deprecated else "patched"
    return ("patch", patch_id, deprecated), f"{helper}({patch_id!r})"


def search_key(
    attributes: Sequence[tuple[temporalio.common.SearchAttributeKey[Any], Any]],
) -> Keyed:
    """The key and text of a search attribute upsert."""
    pairs = [
        (key.name, None if value is None else json_round_trip(value, f"search attribute {key.name}"))
        for key, value in attributes
    ]
    return ("search attributes", pairs), f"upsert_search_attributes({shown(dict(pairs))})"
