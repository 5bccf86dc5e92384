"""How a run's workflow object is made and how each kind of handler is called.

Both runtimes (the Temporal adapter and `InMemoryEngine`) call these, so a signal, query or
update is validated and delivered by one set of rules: arguments are converted to the
handler's annotations first; a signal whose arguments do not fit is logged and dropped (as
Temporal drops signals it cannot decode); a query or update whose arguments do not fit is
rejected with a non-retryable `ApplicationError` naming the handler.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Coroutine, Sequence
from typing import Any

import temporalio.converter
from temporalio.exceptions import ApplicationError

from temporal_runtime._internal._payloads import read_raw
from temporal_runtime._internal._runtime import RUNTIME_ATTR, WorkflowRuntime
from temporal_runtime._internal._workflow_defn import (
    HandlerDefinition,
    InputError,
    MethodDefinition,
    WorkflowDefinition,
)

INVALID_QUERY_INPUT = "InvalidQueryInput"
INVALID_UPDATE_INPUT = "InvalidUpdateInput"


def new_instance(defn: WorkflowDefinition, runtime: WorkflowRuntime) -> Any:
    """A fresh object of the user's class, with `runtime` attached before its ``__init__`` runs."""
    cls: Any = defn.cls
    instance = cls.__new__(cls)
    setattr(instance, RUNTIME_ATTR, runtime)
    instance.__init__()
    return instance


def run_entry(instance: Any, method: MethodDefinition, kwargs: dict[str, Any]) -> Coroutine[Any, Any, Any]:
    """The coroutine of entry method `method` on `instance`, with validated `kwargs`."""
    coro: Coroutine[Any, Any, Any] = getattr(instance, method.name)(**kwargs)
    return coro


def call_args(
    handler: HandlerDefinition,
    args: Sequence[Any],
    converter: temporalio.converter.PayloadConverter | None = None,
) -> list[Any]:
    """`args` converted to `handler`'s annotations (raises `InputError`).

    An argument temporalio handed over undecoded (a `RawValue`) is decoded with `converter`
    first, so an unreadable one is reported by the handler's name and its position.
    """
    where = f"{handler.kind} '{handler.name}' ({handler.qualname})"
    values = [
        read_raw(arg, converter, f"{where}: argument {i + 1} of {len(args)}") for i, arg in enumerate(args)
    ]
    return handler.validate_args(tuple(values))


def signal(
    instance: Any,
    handler: HandlerDefinition,
    args: Sequence[Any],
    log: logging.Logger | logging.LoggerAdapter[Any],
    converter: temporalio.converter.PayloadConverter | None = None,
) -> Any:
    """Call signal `handler`; its result (a coroutine for ``async def``), or None if dropped."""
    try:
        converted = call_args(handler, args, converter)
    except InputError as err:
        log.warning("dropping signal: %s", err)
        return None
    return getattr(instance, handler.attr)(*converted)


def query(
    instance: Any,
    handler: HandlerDefinition,
    args: Sequence[Any],
    converter: temporalio.converter.PayloadConverter | None = None,
) -> Any:
    """Answer query `handler`; an ``async def`` query is run to completion (it must not wait)."""
    try:
        converted = call_args(handler, args, converter)
    except InputError as err:
        raise ApplicationError(str(err), type=INVALID_QUERY_INPUT, non_retryable=True) from None
    result = getattr(instance, handler.attr)(*converted)
    if inspect.iscoroutine(result):
        return run_to_completion(result, handler.qualname)  # pyright: ignore[reportUnknownArgumentType]
    return result


def validate_update(
    instance: Any,
    handler: HandlerDefinition,
    args: Sequence[Any],
    converter: temporalio.converter.PayloadConverter | None = None,
) -> list[Any]:
    """Convert an update's arguments and run its validator; raise to reject the update."""
    try:
        converted = call_args(handler, args, converter)
    except InputError as err:
        raise ApplicationError(str(err), type=INVALID_UPDATE_INPUT, non_retryable=True) from None
    if handler.validator is not None:
        handler.validator(instance, *converted)
    return converted


def update(instance: Any, handler: HandlerDefinition, call_args: Sequence[Any]) -> Coroutine[Any, Any, Any]:
    """The coroutine of an accepted update, with the arguments `validate_update` returned."""
    coro: Coroutine[Any, Any, Any] = getattr(instance, handler.attr)(*call_args)
    return coro


def run_to_completion(coro: Coroutine[Any, Any, Any], where: str) -> Any:
    """Drive an ``async def`` query handler that never suspends, as queries must not wait."""
    try:
        coro.send(None)
    except StopIteration as stop:
        return stop.value
    coro.close()
    raise RuntimeError(f"{where} awaited something; a query must only read state and return")
