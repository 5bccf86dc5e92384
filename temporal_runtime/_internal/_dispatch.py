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
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

import temporalio.converter
from temporalio.exceptions import ApplicationError, FailureError

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


def new_instance(defn: WorkflowDefinition, runtime: WorkflowRuntime, kwargs: dict[str, Any] | None) -> Any:
    """A fresh object of the user's class, with `runtime` attached before its ``__init__`` runs.

    An ``__init__`` that takes entry-method parameters (`defn.init_params`) gets those of the
    entry method's validated `kwargs`. With `kwargs` None (the input was invalid, and the run
    fails with that error) such an ``__init__`` is not called at all.
    """
    cls: Any = defn.cls
    instance = cls.__new__(cls)
    setattr(instance, RUNTIME_ATTR, runtime)
    if not defn.init_params:
        instance.__init__()
    elif kwargs is not None:
        instance.__init__(**{name: kwargs[name] for name in defn.init_params if name in kwargs})
    return instance


async def run_entry(
    instance: Any,
    defn: WorkflowDefinition,
    method: MethodDefinition,
    kwargs: dict[str, Any],
    fake: Callable[..., Any] | None = None,
) -> Any:
    """Run entry method `method` on `instance` with validated `kwargs`, and return its result.

    When it continues as new, the running signal and update handlers finish first (unless
    the class says ``wait_for_handlers=False``), so none is cut off by the new run. A test
    engine's `fake` for this method runs in its place (with the same kwargs).
    """
    try:
        if fake is not None:
            return await _run_fake(fake, defn, method, kwargs)
        return await getattr(instance, method.name)(**kwargs)
    except BaseException as err:
        runtime: WorkflowRuntime = getattr(instance, RUNTIME_ATTR)
        if defn.wait_for_handlers and runtime.is_continue_as_new(err) and not runtime.all_handlers_finished():
            await runtime.wait_until(runtime.all_handlers_finished, None, None)
        raise


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


async def update(instance: Any, handler: HandlerDefinition, converted: Sequence[Any]) -> Any:
    """Run an accepted update (``async def`` or plain ``def``) with the arguments
    `validate_update` (or `call_args`) returned, and return its result."""
    result = getattr(instance, handler.attr)(*converted)
    if handler.is_async:
        result = await result
    return result


async def _run_fake(
    fake: Callable[..., Any], defn: WorkflowDefinition, method: MethodDefinition, kwargs: dict[str, Any]
) -> Any:
    try:
        result = fake(**kwargs)
        if inspect.isawaitable(result):
            result = await result
    except FailureError:
        raise
    except Exception as err:
        # Workflow code raising any other exception would fail the workflow task for ever.
        raise ApplicationError(
            f"the fake of {defn.name}.{method.name} raised {type(err).__name__}: {err}",
            type=type(err).__name__,
            non_retryable=True,
        ) from err
    return result


def run_to_completion(coro: Coroutine[Any, Any, Any], where: str) -> Any:
    """Drive an ``async def`` query handler that never suspends, as queries must not wait."""
    try:
        coro.send(None)
    except StopIteration as stop:
        return stop.value
    coro.close()
    raise RuntimeError(f"{where} awaited something; a query must only read state and return")
