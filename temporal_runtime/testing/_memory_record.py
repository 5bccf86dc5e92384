"""The commands of an `InMemoryEngine` run, as its `Recording` keeps them and its replay compares them.

A command's key is what Temporal's history would hold for it, inputs as their JSON bytes
(encoded once, compared as bytes); `describe` renders one for a `ReplayError`. The first run
(`_memory_runtime`) and the replay (`_memory_replay`) both build their keys here, so the two
sides cannot disagree on what a command is.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import temporalio.common
import temporalio.exceptions

from temporal_runtime._internal._runtime import ContinueAsNew
from temporal_runtime.client import ExecutionStatus
from temporal_runtime.testing import _memory_state
from temporal_runtime.testing._memory_driver import BLOCKED
from temporal_runtime.testing._memory_state import Execution, json_bytes, shown
from temporal_runtime.testing._task_timeout import TASK_TIMED_OUT

Key = tuple[Any, ...]


def activity_key(name: str, args: Any, takes_args: bool, local: bool) -> Key:
    """An activity command: its name and its input."""
    data = json_bytes(args, f"the input of activity '{name}'") if takes_args else None
    return ("local activity" if local else "activity", name, data)


def timer_key(purpose: str, seconds: float) -> Key:
    """A timer: what it is for (``sleep``, ``wait_until``) and its duration."""
    return ("timer", purpose, seconds)


def child_key(workflow: str, envelope: Mapping[str, Any], workflow_id: str | None) -> Key:
    """A child workflow start: its type, input and id."""
    data = json_bytes(dict(envelope), f"the input of child workflow {workflow}")
    return ("child", workflow, data, workflow_id)


def child_signal_key(child_id: str, name: str, args: Sequence[Any]) -> Key:
    """A signal sent to a child."""
    return ("signal child", child_id, name, json_bytes(list(args), f"the arguments of signal '{name}'"))


def child_cancel_key(child_id: str) -> Key:
    """A child's cancellation request."""
    return ("cancel child", child_id)


def continue_key(request: ContinueAsNew) -> Key:
    """Continue-as-new: the next run's workflow and input."""
    what = f"the continue-as-new input of {request.workflow}"
    return ("continue as new", request.workflow, json_bytes(dict(request.envelope), what))


def patch_key(patch_id: str, *, deprecated: bool) -> Key:
    """A patch marker (`patched`, or `deprecate_patch`)."""
    return ("patch", patch_id, deprecated)


def search_key(attributes: Sequence[tuple[temporalio.common.SearchAttributeKey[Any], Any]]) -> Key:
    """A search attribute upsert."""
    pairs = {key.name: value for key, value in attributes}
    return ("search attributes", json_bytes(pairs, "the search attributes"))


def _value(data: bytes | None) -> Any:
    return None if data is None else json.loads(data)


def external_signal_key(workflow_id: str, name: str, args: Sequence[Any]) -> Key:
    """A signal to another workflow, by id: its name and arguments."""
    return ("external signal", workflow_id, name, json_bytes(list(args), f"the arguments of signal '{name}'"))


def external_cancel_key(workflow_id: str) -> Key:
    """A cancellation request to another workflow, by id."""
    return ("external cancel", workflow_id)


def describe(key: Key) -> str:
    """A command as a `ReplayError` shows it: ``activity 'charge' with input {'amount': 5}``."""
    kind = key[0]
    if kind in ("activity", "local activity"):
        _, name, data = key
        return f"{kind} '{name}'" + ("" if data is None else f" with input {shown(_value(data))}")
    if kind == "timer":
        return f"a {key[1]} timer of {key[2]:g}s"
    if kind in ("child", "continue as new"):
        value = _value(key[2])
        target = f"{key[1]}.{value.get('method')}"
        if kind == "child":
            return f"child workflow {target} (id {key[3]!r}) with {shown(value.get('kwargs'))}"
        return f"continue-as-new into {target} with {shown(value.get('kwargs'))}"
    if kind == "signal child":
        return f"signal '{key[2]}' to child {key[1]!r} with {shown(_value(key[3]))}"
    if kind == "cancel child":
        return f"cancellation of child {key[1]!r}"
    if kind == "external signal":
        return f"signal '{key[2]}' to workflow {key[1]!r} with {shown(_value(key[3]))}"
    if kind == "external cancel":
        return f"cancellation of workflow {key[1]!r}"
    if kind == "patch":
        return f"{'deprecate_patch' if key[2] else 'patched'}({key[1]!r})"
    return f"upsert_search_attributes({shown(_value(key[1]))})"


Outcome = tuple[tuple[Any, ...], str]


def failure_label(err: BaseException) -> str:
    """A failure's type as `Scheduler.fail` reports it (else the exception's class name)."""
    if isinstance(err, temporalio.exceptions.ApplicationError):
        return err.type or "ApplicationError"
    return type(err).__name__


def first_outcome(execution: Execution) -> Outcome | None:
    """How the first run ended, or None for an end the workflow code did not choose."""
    status = execution.status
    if status is ExecutionStatus.COMPLETED:
        return ("completed", execution.result), f"completed with {shown(execution.result)}"
    if status is ExecutionStatus.CONTINUED_AS_NEW:
        return ("continued as new",), "continued as new"
    if status is ExecutionStatus.CANCELED:
        return ("cancelled",), "was cancelled"
    failure = execution.failure
    if status is ExecutionStatus.FAILED and failure is not None:
        label = failure_label(failure)
        if label not in (BLOCKED, TASK_TIMED_OUT):
            return ("failed", label), f"failed with {_memory_state.describe(failure)}"
    return None  # terminated, timed out, blocked: the engine ended it, not its code
