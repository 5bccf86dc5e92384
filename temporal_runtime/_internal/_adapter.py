"""The hidden `@workflow.defn` class generated for each user workflow class.

Its single run input is ``{"method": "<entry method>", "kwargs": {...}}``. The run method is
declared to take one `RawValue`, so temporalio never decodes the input itself: decoding
and validation happen here, and every problem with the input fails the workflow with a
non-retryable `ApplicationError` (type ``InvalidWorkflowInput``) instead of failing
workflow tasks forever.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from typing import Any, cast

import temporalio.workflow as twf
from temporalio.common import RawValue
from temporalio.exceptions import ApplicationError

from temporal_runtime._internal._runtime import RUNTIME_ATTR
from temporal_runtime._internal._temporal_runtime import TemporalWorkflowRuntime
from temporal_runtime._internal._workflow_defn import (
    HandlerDefinition,
    InputError,
    MethodDefinition,
    WorkflowDefinition,
)

INVALID_INPUT = "InvalidWorkflowInput"
_ENVELOPE_KEYS = frozenset({"method", "kwargs"})


def _invalid(defn: WorkflowDefinition, message: str) -> ApplicationError:
    return ApplicationError(
        f"{defn.name}: {message}. Start it with input "
        '{"method": "<entry method>", "kwargs": {...}}; entry methods: ' + defn.entry_list(),
        type=INVALID_INPUT,
        non_retryable=True,
    )


def decode_envelope(
    defn: WorkflowDefinition, args: tuple[Any, ...]
) -> tuple[MethodDefinition, dict[str, Any]]:
    """Check the run input and return the entry method with its validated kwargs."""
    if len(args) != 1:
        raise _invalid(defn, f"expected exactly one input, got {len(args)}")
    raw = args[0]
    if isinstance(raw, RawValue):
        try:
            value = twf.payload_converter().from_payload(raw.payload)
        except Exception as err:
            raise _invalid(defn, f"the input is not readable JSON ({type(err).__name__}: {err})") from None
    else:
        value = raw
    if not isinstance(value, dict):
        raise _invalid(defn, f"the input must be a JSON object, got {type(value).__name__}")
    envelope: dict[str, Any] = value  # pyright: ignore[reportUnknownVariableType]
    extra = set(envelope) - _ENVELOPE_KEYS
    if extra:
        raise _invalid(defn, f"unexpected key(s) {sorted(extra)} in the input")
    if "method" not in envelope:
        raise _invalid(defn, "the input has no 'method' key naming the entry method to run")
    method_name = envelope["method"]
    if not isinstance(method_name, str):
        raise _invalid(defn, f"the input's 'method' must be a string, got {method_name!r}")
    method = defn.methods.get(method_name)
    if method is None:
        raise _invalid(defn, f"cannot start {method_name!r}: {defn.explain_unknown(method_name)}")
    kwargs = envelope.get("kwargs", {})
    if not isinstance(kwargs, dict):
        raise _invalid(defn, f"the input's 'kwargs' must be a JSON object, got {type(kwargs).__name__}")
    try:
        return method, method.validate_kwargs(kwargs)  # pyright: ignore[reportUnknownArgumentType]
    except InputError as err:
        raise _invalid(defn, str(err)) from None


def run_to_completion(coro: Coroutine[Any, Any, Any], where: str) -> Any:
    """Drive an `async def` query handler that never suspends, as queries must not wait."""
    try:
        coro.send(None)
    except StopIteration as stop:
        return stop.value
    coro.close()
    raise RuntimeError(f"{where} awaited something; a query must only read state and return")


def _make_signal(handler: HandlerDefinition) -> Callable[..., Any]:
    async def on_signal(self: Any, *args: Any) -> None:
        try:
            call_args = handler.validate_args(args)
        except InputError as err:
            # Temporal drops signals it cannot decode; a signal that fails validation is
            # dropped the same way, loudly, rather than failing the whole workflow.
            twf.logger.warning("dropping signal: %s", err)
            return
        result = getattr(self.instance, handler.attr)(*call_args)
        if inspect.isawaitable(result):
            await result

    return twf.signal(name=handler.name)(on_signal)


def _make_query(handler: HandlerDefinition) -> Callable[..., Any]:
    def on_query(self: Any, *args: Any) -> Any:
        try:
            call_args = handler.validate_args(args)
        except InputError as err:
            raise ApplicationError(str(err), type="InvalidQueryInput", non_retryable=True) from None
        result = getattr(self.instance, handler.attr)(*call_args)
        if inspect.iscoroutine(result):
            result = run_to_completion(result, handler.qualname)  # pyright: ignore[reportUnknownArgumentType]
        return result

    return twf.query(name=handler.name)(on_query)


def _make_update(handler: HandlerDefinition) -> Callable[..., Any]:
    async def on_update(self: Any, *args: Any) -> Any:
        return await getattr(self.instance, handler.attr)(*handler.validate_args(args))

    def validate(self: Any, *args: Any) -> None:
        try:
            call_args = handler.validate_args(args)
        except InputError as err:
            raise ApplicationError(str(err), type="InvalidUpdateInput", non_retryable=True) from None
        if handler.validator is not None:
            handler.validator(self.instance, *call_args)

    update = twf.update(name=handler.name)(on_update)
    update.validator(validate)
    return update


def _belong(fn: Callable[..., Any], defn: WorkflowDefinition, attr: str) -> Callable[..., Any]:
    # temporalio accepts handlers only if they look defined on the class, in its module.
    fn.__module__ = defn.cls.__module__
    fn.__name__ = attr
    fn.__qualname__ = f"{defn.adapter_name}.{attr}"
    return fn


def build_adapter(defn: WorkflowDefinition) -> type:
    """Generate the Temporal workflow class for `defn` (named `defn.adapter_name`)."""
    user_cls = defn.cls

    def __init__(self: Any) -> None:
        runtime = TemporalWorkflowRuntime()
        instance: Any = cast(Any, user_cls).__new__(user_cls)
        setattr(instance, RUNTIME_ATTR, runtime)
        instance.__init__()
        self.runtime = runtime
        self.instance = instance

    async def run(self: Any, *args: Any) -> Any:
        method, kwargs = decode_envelope(defn, args)
        self.runtime.method = method.name
        return await getattr(self.instance, method.name)(**kwargs)

    # temporalio reads hints through inspect.signature/get_type_hints: one RawValue input.
    run.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD),
            inspect.Parameter("payload", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=RawValue),
        ]
    )
    run.__annotations__ = {"payload": RawValue, "return": Any}
    _belong(run, defn, "run")

    namespace: dict[str, Any] = {
        "__init__": __init__,
        "run": twf.run(run),
        "__module__": user_cls.__module__,
        "__qualname__": defn.adapter_name,
        "__doc__": f"Temporal workflow {defn.name!r} generated by temporal_runtime for {defn.origin}.",
    }
    makers = {"signal": _make_signal, "query": _make_query, "update": _make_update}
    for handler in defn.handlers.values():
        attr = f"_{handler.kind}_{handler.attr}"
        namespace[attr] = _belong(makers[handler.kind](handler), defn, attr)
    adapter = type(defn.adapter_name, (), namespace)
    return twf.defn(name=defn.name)(adapter)
