"""Frozen workflow definitions and the one builder that reads a user class.

The metaclass only calls `build_workflow_definition`; everything that can be wrong with a
class is found here, at import time, and reported in one `RegistrationError`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from pydantic import TypeAdapter, ValidationError
from temporalio.common import VersioningBehavior

from temporal_runtime._internal._determinism import SILENCE_NOTE, check_workflow_class
from temporal_runtime._internal._init_args import init_params
from temporal_runtime._internal._signatures import ParamInfo, read_signature
from temporal_runtime._internal._validation import describe_validation_error
from temporal_runtime.errors import RegistrationError, UnknownMethodError

HandlerKind = Literal["signal", "query", "update"]
HANDLER_ATTR = "__temporal_runtime_handler__"
# Where the metaclass stores each class's definition.
DEFINITION_ATTR = "__temporal_runtime__"

# Names `Workflow` adds to user classes; a user attribute with one of these names would
# silently break the runtime, so defining one is a registration error.
RESERVED_NAMES = frozenset(
    {
        "exec",
        "exec_local",
        "child",
        "sleep",
        "wait_until",
        "now",
        "uuid4",
        "random",
        "logger",
        "info",
        "continue_as_new",
        "patched",
        "deprecate_patch",
        "client",
        "async_",
        "after",
        "with_options",
        "start",
        "with_start",
        "shield",
        "gather",
        "saga",
        "upsert_search_attributes",
        "all_handlers_finished",
        "external",
        "set_current_details",
    }
)

# Appended to the problems of a public `async def` that reads like a helper (no annotations,
# *args, ...): the rule that made it an entry method is the likely surprise.
_HELPER_HINT = (
    "(every public 'async def' of a workflow is an entry method that clients can start; if "
    "{name} is a helper coroutine shared by entry methods, make it private: _{name})"
)


@dataclass(frozen=True, slots=True)
class HandlerMarker:
    """What `@wf_signal`/`@wf_query`/`@wf_update` leave on a function; nothing else."""

    kind: HandlerKind
    name: str | None
    validator: Callable[..., Any] | None = None


class InputError(Exception):
    """Raised by the definitions when an input does not fit; the message says what to fix."""


def _check_kwargs_names(where: str, params: tuple[ParamInfo, ...], kwargs: Mapping[str, Any]) -> None:
    names = [p.name for p in params]
    extra = [k for k in kwargs if k not in names]
    missing = [p.name for p in params if p.required and p.name not in kwargs]
    if extra or missing:
        bits: list[str] = []
        if missing:
            bits.append("missing kwarg(s) " + ", ".join(repr(m) for m in missing))
        if extra:
            bits.append("unexpected kwarg(s) " + ", ".join(repr(e) for e in extra))
        raise InputError(f"{where}: {'; '.join(bits)}; it takes ({', '.join(names)})")


def _validate_param(where: str, param: ParamInfo, value: Any) -> Any:
    try:
        return param.adapter.validate_python(value)
    except ValidationError as err:
        raise InputError(
            f"{where}: kwarg '{param.name}' is invalid: " + describe_validation_error(err, prefix=param.name)
        ) from None


@dataclass(frozen=True, slots=True)
class MethodDefinition:
    """One entry method: its parameters with validators, and its return type."""

    name: str
    qualname: str
    params: tuple[ParamInfo, ...]
    signature: inspect.Signature  # without self, for binding proxy calls
    return_annotation: Any
    return_adapter: TypeAdapter[Any] | None
    positional_names: tuple[str, ...]

    def bind(self, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> dict[str, Any]:
        """Map a proxy call's arguments to names, as the method itself would."""
        if not kwargs and len(args) == len(self.positional_names):
            return dict(zip(self.positional_names, args, strict=True))
        try:
            return dict(self.signature.bind(*args, **kwargs).arguments)
        except TypeError as err:
            raise TypeError(f"{self.qualname}{self.signature}: {err}") from None

    def validate_kwargs(self, kwargs: Mapping[str, Any]) -> dict[str, Any]:
        """Check names, then convert each kwarg to its annotated type (raises `InputError`)."""
        _check_kwargs_names(self.qualname, self.params, kwargs)
        return {
            p.name: _validate_param(self.qualname, p, kwargs[p.name]) for p in self.params if p.name in kwargs
        }

    def convert_result(self, value: Any) -> Any:
        """Turn the JSON result into the return annotation (the caller gets a model)."""
        if self.return_adapter is None:
            return value
        return self.return_adapter.validate_python(value)


@dataclass(frozen=True, slots=True)
class HandlerDefinition:
    """A signal, query or update handler of a workflow class."""

    kind: HandlerKind
    name: str
    attr: str
    qualname: str
    params: tuple[ParamInfo, ...]
    return_adapter: TypeAdapter[Any] | None
    is_async: bool
    validator: Callable[..., Any] | None

    def validate_args(self, args: tuple[Any, ...]) -> list[Any]:
        """Convert positional handler arguments to their annotated types (raises `InputError`)."""
        required = sum(1 for p in self.params if p.required)
        if not required <= len(args) <= len(self.params):
            names = ", ".join(p.name for p in self.params)
            raise InputError(
                f"{self.kind} '{self.name}' ({self.qualname}) takes ({names}); got {len(args)} argument(s)"
            )
        return [_validate_param(self.qualname, p, a) for p, a in zip(self.params, args, strict=False)]

    def convert_result(self, value: Any) -> Any:
        if self.return_adapter is None:
            return value
        return self.return_adapter.validate_python(value)


@dataclass(frozen=True, slots=True)
class WorkflowDefinition:
    """The frozen description of one workflow class, stored on it as `__temporal_runtime__`."""

    name: str
    cls: type
    origin: str
    task_queue: str | None
    abstract: bool
    methods: Mapping[str, MethodDefinition]
    handlers: Mapping[str, HandlerDefinition]  # by Python attribute name
    signals: Mapping[str, HandlerDefinition]  # by Temporal name
    queries: Mapping[str, HandlerDefinition]
    updates: Mapping[str, HandlerDefinition]
    # The entry-method parameters `__init__` receives (see _init_args); empty: it takes none.
    init_params: tuple[str, ...] = ()
    # Whether continue-as-new first waits for running signal and update handlers to finish.
    wait_for_handlers: bool = True
    # How runs move between worker deployment versions (None: the worker's default).
    versioning: VersioningBehavior | None = None
    adapter: type | None = field(default=None, compare=False)
    # What the builder read from the class (see _sandbox_copy.class_print): a copy of the class
    # re-created inside the workflow sandbox with the same print reuses this definition.
    fingerprint: tuple[Any, ...] = field(default=(), compare=False, repr=False)
    # The proxy classes made for this workflow, by proxy kind (see _proxy.proxy_class).
    proxy_classes: dict[type, type] = field(default_factory=dict[type, type], compare=False, repr=False)

    @property
    def adapter_name(self) -> str:
        return (
            "_"
            + self.cls.__qualname__.replace(".", "_").replace("<", "").replace(">", "")
            + "__TemporalWorkflow"
        )

    def entry_list(self) -> str:
        """`process(order), cancel_all()`: the entry methods, for error messages."""
        return (
            ", ".join(f"{m.name}({', '.join(p.name for p in m.params)})" for m in self.methods.values())
            or "(none)"
        )

    def method(self, name: str) -> MethodDefinition:
        """The entry method `name`, or an `UnknownMethodError` that lists the ones that exist."""
        found = self.methods.get(name)
        if found is None:
            why = self.explain_unknown(name)
            detail = "" if why.endswith("is not an entry method") else f" ({why})"
            raise UnknownMethodError(
                f"{self.cls.__name__} has no entry method '{name}'{detail}; "
                f"entry methods: {self.entry_list()}",
                name=name,
                obj=self.cls,
            )
        return found

    def explain_unknown(self, name: str) -> str:
        """Why `name` cannot be started as an entry method, for a dispatch error."""
        if name in self.handlers:
            h = self.handlers[name]
            return f"'{name}' is a {h.kind} handler, not an entry method; send it as a {h.kind}"
        for table in (self.signals, self.queries, self.updates):
            if name in table:
                h = table[name]
                return f"'{name}' is a {h.kind} handler, not an entry method; send it as a {h.kind}"
        if name.startswith("__") and name.endswith("__"):
            return f"'{name}' is a special (dunder) method; only public async methods can be started"
        if name.startswith("_"):
            return f"'{name}' is private; only public async methods can be started"
        return f"'{name}' is not an entry method"


def _owned_attributes(cls: type, stop: type) -> dict[str, Any]:
    """Attributes defined by `cls` and its bases up to (not including) the runtime's base."""
    found: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        if klass is object or (isinstance(klass, type) and issubclass(stop, klass)):  # pyright: ignore[reportUnnecessaryIsInstance]
            continue
        found.update(vars(klass))
    return found


def read_handler(
    cls: type, attr: str, value: Callable[..., Any], marker: HandlerMarker, problems: list[str]
) -> HandlerDefinition:
    """The definition of handler `attr` of `cls` (its problems appended to `problems`)."""
    qualname = f"{cls.__name__}.{attr}"
    sig = read_signature(value, where=qualname, skip_self=True, allow_positional_only=True)
    problems.extend(sig.problems)
    return HandlerDefinition(
        kind=marker.kind,
        name=marker.name or attr,
        attr=attr,
        qualname=qualname,
        params=sig.params,
        return_adapter=sig.return_adapter,
        is_async=inspect.iscoroutinefunction(value),
        validator=marker.validator,
    )


def read_method(cls: type, attr: str, value: Callable[..., Any], problems: list[str]) -> MethodDefinition:
    """The definition of entry method `attr` of `cls` (its problems appended to `problems`)."""
    qualname = f"{cls.__name__}.{attr}"
    sig = read_signature(value, where=qualname, skip_self=True)
    params = list(sig.signature.parameters.values())[1:]
    found = list(sig.problems)
    if found and _looks_like_helper(params):
        found[-1] += " " + _HELPER_HINT.format(name=attr)
    problems.extend(found)
    return MethodDefinition(
        name=attr,
        qualname=qualname,
        params=sig.params,
        signature=sig.signature.replace(parameters=params),
        return_annotation=sig.return_annotation,
        return_adapter=sig.return_adapter,
        positional_names=tuple(p.name for p in params),
    )


def build_workflow_definition(
    cls: type,
    *,
    base: type,
    name: str | None,
    task_queue: str | None,
    abstract: bool,
    wait_for_handlers: bool = True,
    versioning: Any = None,
) -> WorkflowDefinition:
    """Read every method of `cls` once and return its frozen definition (or raise)."""
    wf_name = name or cls.__name__
    problems: list[str] = []
    if versioning is not None and not isinstance(versioning, VersioningBehavior):
        problems.append(
            f"class {cls.__name__}(Workflow, versioning={versioning!r}): give "
            "VersioningBehavior.PINNED or VersioningBehavior.AUTO_UPGRADE (from temporal_runtime)"
        )
    own = vars(cls)
    for attr in sorted(RESERVED_NAMES & own.keys()):
        problems.append(
            f"{cls.__name__}.{attr}: '{attr}' is a Workflow helper and cannot be redefined; "
            "rename your method"
        )
    methods: dict[str, MethodDefinition] = {}
    handlers: dict[str, HandlerDefinition] = {}
    for attr, value in _owned_attributes(cls, base).items():
        if attr in RESERVED_NAMES:
            continue
        marker: HandlerMarker | None = getattr(value, HANDLER_ATTR, None)
        if marker is not None and inspect.isfunction(value):
            handlers[attr] = read_handler(cls, attr, value, marker, problems)
        elif not attr.startswith("_") and inspect.iscoroutinefunction(value):
            methods[attr] = read_method(cls, attr, value, problems)
    by_kind: dict[HandlerKind, dict[str, HandlerDefinition]] = {"signal": {}, "query": {}, "update": {}}
    for handler in handlers.values():
        table = by_kind[handler.kind]
        if handler.name in table:
            problems.append(
                f"{handler.qualname}: {handler.kind} name '{handler.name}' is also used by "
                f"{table[handler.name].qualname}; give each handler its own name"
            )
        table[handler.name] = handler
    validators = [h.validator for h in handlers.values() if h.validator is not None]
    nondeterministic = check_workflow_class(cls, base=base, validators=validators)
    problems.extend(nondeterministic)
    if not methods and not abstract:
        problems.append(
            f"{cls.__name__} has no entry method; add a public 'async def' method, or declare "
            f"a base class with class {cls.__name__}(Workflow, abstract=True)"
        )
    taken, init_problems = init_params(cls, {m.name: m.params for m in methods.values()})
    problems.extend(init_problems)
    if problems:
        raise RegistrationError(
            f"Invalid workflow class {cls.__qualname__} ({cls.__module__}) for "
            f"{len(problems)} reason(s):\n- "
            + "\n- ".join(problems)
            + (f"\n{SILENCE_NOTE}" if nondeterministic else "")
        )
    return WorkflowDefinition(
        name=wf_name,
        cls=cls,
        origin=f"{cls.__module__}.{cls.__qualname__}",
        task_queue=task_queue,
        abstract=abstract,
        methods=MappingProxyType(methods),
        handlers=MappingProxyType(handlers),
        signals=MappingProxyType(by_kind["signal"]),
        queries=MappingProxyType(by_kind["query"]),
        updates=MappingProxyType(by_kind["update"]),
        init_params=taken,
        wait_for_handlers=wait_for_handlers,
        versioning=versioning or None,  # UNSPECIFIED (0) is "not set"
    )


def _looks_like_helper(params: list[inspect.Parameter]) -> bool:
    """A signature no entry method would have: *args/**kwargs, '/', or a bare parameter."""
    named = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    return any(p.kind not in named or p.annotation is inspect.Parameter.empty for p in params)
