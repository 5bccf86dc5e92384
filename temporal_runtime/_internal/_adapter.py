"""The hidden `@workflow.defn` class generated for each user workflow class.

Its single run input is the envelope (`_envelope`). The run method is declared to take one
`RawValue`, so temporalio does not decode a single input itself; any other count it decodes,
and the engines' converter (`_payloads`) hands over an unreadable one as a `RawValue`.
Decoding and validation happen in `_envelope.decode`, and every problem with the input fails
the workflow with a non-retryable `ApplicationError` (type ``InvalidWorkflowInput``) instead
of failing workflow tasks forever. A call the workflow sandbox refuses fails the workflow too,
with a message that names the method and the helper to use (`_sandbox_errors`). Handlers are
thin: `_dispatch` holds the rules both runtimes share. They are declared the same way as run,
so an unreadable argument is reported by the handler's name. Results (of the run and of
updates) are encoded here, once, so that one over the payload limit fails at once.

The generated functions read the definition from the class they are called on (`ADAPTED_ATTR`),
never from a closure, so a class re-created inside the workflow sandbox gets its adapter by
`copy_adapter`: the same functions and temporalio definition over the copy's own definition.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from typing import Any

import temporalio.workflow as twf
from temporalio.common import RawValue, VersioningBehavior
from temporalio.exceptions import ApplicationError

from temporal_runtime._internal import _dispatch, _envelope
from temporal_runtime._internal._payloads import encode_checked
from temporal_runtime._internal._sandbox_errors import refusing
from temporal_runtime._internal._temporal_runtime import TemporalWorkflowRuntime, workflow_fake
from temporal_runtime._internal._workflow_defn import HandlerDefinition, MethodDefinition, WorkflowDefinition

# Where each generated class keeps the `WorkflowDefinition` it serves, and temporalio its own.
ADAPTED_ATTR = "__temporal_runtime_adapted__"
_TEMPORAL_ATTR = "__temporal_workflow_definition"
# temporalio reads hints through inspect.signature/get_type_hints: with one RawValue parameter
# it hands a single input over undecoded (and none as no arguments).
_POSITIONAL = inspect.Parameter.POSITIONAL_OR_KEYWORD
_RAW_INPUT = inspect.Signature(
    [
        inspect.Parameter("self", _POSITIONAL),
        inspect.Parameter("payload", _POSITIONAL, annotation=RawValue, default=None),
    ]
)


def _one_raw_input(fn: Callable[..., Any]) -> Callable[..., Any]:
    setattr(fn, "__signature__", _RAW_INPUT)  # noqa: B010  # not a declared attribute of functions
    fn.__annotations__ = {"payload": RawValue, "return": Any}
    return fn


def _make_signal(handler: HandlerDefinition) -> Callable[..., Any]:
    attr = handler.attr

    async def on_signal(self: Any, *args: Any) -> None:
        if self.input_error is not None:
            return
        found: HandlerDefinition = self.definition.handlers[attr]
        with refusing(found.qualname):
            result = _dispatch.signal(self.instance, found, args, twf.logger, twf.payload_converter())
            if inspect.isawaitable(result):
                await result

    return twf.signal(name=handler.name)(_one_raw_input(on_signal))


def _make_query(handler: HandlerDefinition) -> Callable[..., Any]:
    attr = handler.attr

    def on_query(self: Any, *args: Any) -> Any:
        if self.input_error is not None:
            raise self.input_error
        found: HandlerDefinition = self.definition.handlers[attr]
        with refusing(found.qualname):
            return _dispatch.query(self.instance, found, args, twf.payload_converter())

    return twf.query(name=handler.name)(_one_raw_input(on_query))


def _make_update(handler: HandlerDefinition) -> Callable[..., Any]:
    attr = handler.attr

    # temporalio runs the validator first (but not on replay) and hands the handler the same
    # raw arguments, so the handler decodes and validates them again: one path for both runtimes.
    async def on_update(self: Any, *args: Any) -> Any:
        found: HandlerDefinition = self.definition.handlers[attr]
        converter = twf.payload_converter()
        with refusing(found.qualname):
            result = await _dispatch.update(self.instance, found, _dispatch.call_args(found, args, converter))
        return encode_checked(converter, result, f"the result of update '{found.name}'")

    def validate(self: Any, *args: Any) -> None:
        if self.input_error is not None:
            raise self.input_error
        found: HandlerDefinition = self.definition.handlers[attr]
        with refusing(found.qualname):
            _dispatch.validate_update(self.instance, found, args, twf.payload_converter())

    update = twf.update(name=handler.name)(_one_raw_input(on_update))
    update.validator(_one_raw_input(validate))
    return update


def _belong(fn: Callable[..., Any], defn: WorkflowDefinition, attr: str) -> Callable[..., Any]:
    # temporalio accepts handlers only if they look defined on the class, in its module.
    fn.__module__ = defn.cls.__module__
    fn.__name__ = attr
    fn.__qualname__ = f"{defn.adapter_name}.{attr}"
    return fn


def build_adapter(defn: WorkflowDefinition) -> type:
    """Generate the Temporal workflow class for `defn` (named `defn.adapter_name`)."""

    def __init__(self: Any, *args: Any) -> None:
        # With `@workflow.init` (an `__init__` taking entry arguments) temporalio passes the
        # run's input here too; it is decoded once, and a bad one fails the run, not the task.
        defn: WorkflowDefinition = getattr(self.__class__, ADAPTED_ATTR)
        self.definition = defn
        self.runtime = TemporalWorkflowRuntime()
        input_error: ApplicationError | None = None
        entry: tuple[MethodDefinition, dict[str, Any]] | None = None
        if args:
            try:
                entry = _envelope.decode(defn, args, twf.payload_converter())
            except ApplicationError as err:
                input_error = err
        # A run whose input is invalid fails with that error; until it does, its object was never
        # initialised (its `__init__` takes the input), so its handlers must not touch it.
        self.input_error, self.entry = input_error, entry
        with refusing(f"{defn.cls.__name__}.__init__"):
            self.instance = _dispatch.new_instance(defn, self.runtime, entry[1] if entry else None)

    async def run(self: Any, *args: Any) -> Any:
        if self.input_error is not None:
            raise self.input_error
        defn: WorkflowDefinition = self.definition
        method, kwargs = self.entry or _envelope.decode(defn, args, twf.payload_converter())
        self.runtime.method = method.name
        fake = workflow_fake(defn.name, method.name)
        with refusing(method.qualname):
            result = await _dispatch.run_entry(self.instance, defn, method, kwargs, fake)
        return encode_checked(twf.payload_converter(), result, f"the result of {defn.name}.{method.name}")

    # `@workflow.init` requires `__init__` to take exactly what run takes.
    _belong(_one_raw_input(run), defn, "run")
    _belong(_one_raw_input(__init__), defn, "__init__")

    namespace: dict[str, Any] = {
        "__init__": twf.init(__init__) if defn.init_params else __init__,
        "run": twf.run(run),
        "__module__": defn.cls.__module__,
        "__qualname__": defn.adapter_name,
        "__doc__": f"Temporal workflow {defn.name!r} generated by temporal_runtime for {defn.origin}.",
        ADAPTED_ATTR: defn,
    }
    makers = {"signal": _make_signal, "query": _make_query, "update": _make_update}
    for handler in defn.handlers.values():
        attr = f"_{handler.kind}_{handler.attr}"
        namespace[attr] = _belong(makers[handler.kind](handler), defn, attr)
    adapter = type(defn.adapter_name, (), namespace)
    versioning = defn.versioning or VersioningBehavior.UNSPECIFIED
    return twf.defn(name=defn.name, versioning_behavior=versioning)(adapter)


def copy_adapter(adapter: type, defn: WorkflowDefinition) -> type:
    """`adapter` again, serving `defn` (a copy of its definition for a re-created class).

    Nothing is read or checked again: the new class has the same functions, and temporalio's
    definition of it is the adapter's own with the class replaced.
    """
    namespace = {k: v for k, v in vars(adapter).items() if k not in _PER_CLASS}
    namespace[ADAPTED_ATTR] = defn
    copy = type(adapter.__name__, (), namespace)
    temporal = twf._Definition.must_from_class(adapter)
    setattr(copy, _TEMPORAL_ATTR, dataclasses.replace(temporal, cls=copy))
    return copy


_PER_CLASS = frozenset({"__dict__", "__weakref__", ADAPTED_ATTR, _TEMPORAL_ATTR})
