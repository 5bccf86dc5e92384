"""The wire format: the ``{"method", "kwargs"}`` start input and the memo keys beside it.

Every workflow type this library defines takes one input, ``{"method": "<entry method>",
"kwargs": {...}}``, so any Temporal client (the ``temporal`` CLI included) can start any entry
method. A start made here also records the method in the memo, so `get_status` can say which
method a run is without reading its history. Nothing else builds or parses either.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any, cast

import temporalio.api.common.v1
import temporalio.converter
from temporalio.exceptions import ApplicationError

from temporal_runtime._internal._payloads import read_raw
from temporal_runtime._internal._workflow_defn import InputError, MethodDefinition, WorkflowDefinition

METHOD_MEMO_KEY = "temporal_runtime.method"
INVALID_INPUT = "InvalidWorkflowInput"
_KEYS = frozenset({"method", "kwargs"})
_OWN_MEMO_KEYS = frozenset({METHOD_MEMO_KEY})


def encode(method: str, kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """The start input of entry method `method` called with bound `kwargs`."""
    return {"method": method, "kwargs": kwargs}


def start_memo(method: str, memo: Mapping[str, Any] | None) -> dict[str, Any]:
    """The memo of a start: the caller's entries, and the method key (which always wins)."""
    return {**memo, METHOD_MEMO_KEY: method} if memo else {METHOD_MEMO_KEY: method}


def user_memo(memo: Mapping[str, Any]) -> dict[str, Any]:
    """A run's memo without the library's own keys, as users see it."""
    return {k: v for k, v in memo.items() if k not in _OWN_MEMO_KEYS}


def recorded_method(memo: Mapping[str, Any]) -> str | None:
    """The entry method a start recorded in the memo (None for starts made elsewhere)."""
    method = memo.get(METHOD_MEMO_KEY)
    return method if isinstance(method, str) else None


def default_workflow_id(workflow: str, method: str, unique: object) -> str:
    """``<type>-<method>-<unique>``: readable in the Web UI, unique per start."""
    return f"{workflow}-{method}-{unique}"


def unique_suffix() -> str:
    """A random version-4 UUID as text, as ``str(uuid.uuid4())`` gives it, in a third of the time."""
    # Every default id makes one; building a `uuid.UUID` was a start's largest own cost.
    h = os.urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


def method_of(value: Any) -> str | None:
    """The entry method named by a decoded start input (None if it is not an envelope)."""
    if not isinstance(value, dict):
        return None
    method = cast(dict[str, Any], value).get("method")
    return method if isinstance(method, str) else None


def method_in_payloads(
    payloads: Sequence[temporalio.api.common.v1.Payload], converter: temporalio.converter.PayloadConverter
) -> str | None:
    """The entry method in a recorded start input (its history's first event), if readable.

    The `temporal` CLI and raw clients set no method memo; the history still has the input.
    """
    if len(payloads) != 1:
        return None
    try:
        value = converter.from_payloads(list(payloads))[0]
    except Exception:
        return None
    return method_of(value)


def invalid(defn: WorkflowDefinition, message: str) -> ApplicationError:
    """The non-retryable failure of a run whose input does not fit `defn`."""
    return ApplicationError(
        f"{defn.name}: {message}. Start it with input "
        '{"method": "<entry method>", "kwargs": {...}}; entry methods: ' + defn.entry_list(),
        type=INVALID_INPUT,
        non_retryable=True,
    )


def decode(
    defn: WorkflowDefinition,
    args: Sequence[Any],
    converter: temporalio.converter.PayloadConverter | None = None,
) -> tuple[MethodDefinition, dict[str, Any]]:
    """Check a run's inputs and return the entry method with its validated kwargs.

    `args` are the run's inputs, each a `RawValue` (decoded here with `converter`) or an
    already decoded value. Every problem raises `invalid(...)`, so it fails that one run.
    """
    if len(args) != 1:
        raise invalid(defn, f"expected exactly one input, got {len(args)}")
    try:
        value = read_raw(args[0], converter, "the input")
    except InputError as err:
        raise invalid(defn, str(err)) from None
    if not isinstance(value, dict):
        raise invalid(defn, f"the input must be a JSON object, got {type(value).__name__}")
    envelope = cast(dict[str, Any], value)
    extra = set(envelope) - _KEYS
    if extra:
        raise invalid(defn, f"unexpected key(s) {sorted(extra)} in the input")
    if "method" not in envelope:
        raise invalid(defn, "the input has no 'method' key naming the entry method to run")
    method_name = envelope["method"]
    if not isinstance(method_name, str):
        raise invalid(defn, f"the input's 'method' must be a string, got {method_name!r}")
    method = defn.methods.get(method_name)
    if method is None:
        raise invalid(defn, f"cannot start {method_name!r}: {defn.explain_unknown(method_name)}")
    kwargs = envelope.get("kwargs", {})
    if not isinstance(kwargs, dict):
        raise invalid(defn, f"the input's 'kwargs' must be a JSON object, got {type(kwargs).__name__}")
    try:
        return method, method.validate_kwargs(cast(dict[str, Any], kwargs))
    except InputError as err:
        raise invalid(defn, str(err)) from None
