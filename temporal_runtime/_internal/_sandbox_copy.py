"""Inside the workflow sandbox, the definitions built outside it, reused where the code is the same.

The sandbox re-imports a workflow's module for every run, so each class and activity in it is
created again, and would be read again: signatures, annotations, adapters, temporalio's checks.
The process already read and validated them when it imported the module, and the registries
(shared with the sandbox) hold those definitions. A re-created class whose print (`class_print`:
each member's code, its annotations as written, defaults, handler markers, the class options)
equals the registered one's gets a copy of that definition bound to the re-created class.

The copy never lets an object of the host process stand in for one of the sandbox's: an entry
method or handler is taken over as it is only when every type its annotations name is the very
object the sandbox sees (builtins, modules passed through); any other is read again from the
re-created class, on first use, so its inputs are validated into the sandbox's own classes. An
update validator is always the re-created class's. A class whose code changed since the process
imported it (a new file on disk) has another print and is read in full, as before.
"""

from __future__ import annotations

import dataclasses
import inspect
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

from temporal_runtime._internal import _registry
from temporal_runtime._internal._activity_defn import ActivityDefinition
from temporal_runtime._internal._adapter import copy_adapter
from temporal_runtime._internal._annotations import written_annotations
from temporal_runtime._internal._type_refs import named_objects
from temporal_runtime._internal._workflow_defn import (
    HANDLER_ATTR,
    HandlerDefinition,
    HandlerMarker,
    MethodDefinition,
    WorkflowDefinition,
    read_handler,
    read_method,
)
from temporal_runtime.errors import RegistrationError

_T = TypeVar("_T")
_MAX_WRAPPERS = 8


def _written(annotation: Any) -> str | None:
    if annotation is None or isinstance(annotation, str):
        return annotation
    return inspect.formatannotation(annotation)


def _function_print(fn: Any) -> tuple[Any, ...]:
    """What a definition reads from a function: code, annotations, defaults, handler marker."""
    parts: list[Any] = []
    while fn is not None and len(parts) < _MAX_WRAPPERS:
        if not inspect.isfunction(fn):
            return (object(),)  # a callable object: nothing to compare it by, never equal
        marker: HandlerMarker | None = getattr(fn, HANDLER_ATTR, None)
        parts.append(
            (
                fn.__code__,
                len(fn.__defaults__ or ()),
                tuple(fn.__kwdefaults__ or ()),
                tuple(written_annotations(fn).items()),
                None
                if marker is None
                else (marker.kind, marker.name, marker.validator and _function_print(marker.validator)),
            )
        )
        fn = getattr(fn, "__wrapped__", None)
    return tuple(parts)


def _member_print(value: Any) -> Any:
    if inspect.isfunction(value):
        return _function_print(value)
    wrapped: Any = getattr(value, "__func__", None)
    if wrapped is not None and isinstance(value, staticmethod | classmethod):
        return ("static" if isinstance(value, staticmethod) else "class", _member_print(wrapped))
    if inspect.iscoroutinefunction(value) or getattr(value, HANDLER_ATTR, None) is not None:
        return object()  # an async callable that is not a function: always read in full
    return None  # an attribute the builder does not read


def class_print(cls: type, base: type, options: tuple[Any, ...]) -> tuple[Any, ...]:
    """Everything `build_workflow_definition` reads from `cls` and its class `options`, comparable."""
    parts: list[Any] = [options]
    for klass in reversed(cls.__mro__):
        if klass is object or issubclass(base, klass):
            continue
        parts.append(klass.__qualname__)
        parts.extend((name, _member_print(value)) for name, value in vars(klass).items())
    return tuple(parts)


def activity_print(
    fn: Callable[..., Any], args_type: Any, result_type: Any, defaults: Any
) -> tuple[Any, ...]:
    """Everything `build_activity_definition` reads, as a comparable value."""
    return (_function_print(fn), _written(args_type), _written(result_type), defaults)


def _seen_as_is(obj: Any) -> bool:
    """Whether the current sandbox sees this very object under its module and name."""
    module, qualname = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
    if module == "builtins":
        return True
    if not isinstance(module, str) or not isinstance(qualname, str) or "<locals>" in qualname:
        return False
    found: Any = sys.modules.get(module)  # inside the sandbox: the sandbox's own modules
    for part in qualname.split("."):
        found = getattr(found, part, None)
    return found is obj


def _shared(annotations: list[Any]) -> bool:
    for annotation in annotations:
        named = named_objects(annotation)
        if named is None or not all(_seen_as_is(obj) for obj in named):
            return False
    return True


class _Copies(Mapping[str, _T]):
    """A registered definition's table (methods, handlers), each entry resolved on first use."""

    __slots__ = ("_outside", "_resolve")

    def __init__(self, outside: Mapping[str, _T], resolve: Callable[[_T], _T]) -> None:
        self._outside = outside
        self._resolve = resolve

    def __getitem__(self, key: str) -> _T:
        return self._resolve(self._outside[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._outside)

    def __len__(self) -> int:
        return len(self._outside)


def _read_again(cls: type, attr: str, read: Callable[[list[str]], _T]) -> _T:
    problems: list[str] = []
    found = read(problems)
    if problems:  # the same code read outside had none: only a changed environment gets here
        raise RegistrationError(
            f"{cls.__qualname__}.{attr} ({cls.__module__}) cannot be read inside the workflow "
            "sandbox:\n- " + "\n- ".join(problems)
        )
    return found


def reuse_workflow(
    cls: type, base: type, fingerprint: tuple[Any, ...], name: str
) -> WorkflowDefinition | None:
    """A copy of the registered definition of `cls` bound to `cls`, or None to read it in full."""
    outside = _registry.workflows.get(name)
    origin = f"{cls.__module__}.{cls.__qualname__}"
    if outside is None or outside.adapter is None or outside.origin != origin:
        return None
    if outside.fingerprint != fingerprint:
        return None
    # What the sandbox shares is decided now, while this thread sees the sandbox's modules;
    # the others are read again from `cls` on first use (in the sandbox's own namespace).
    methods: dict[str, MethodDefinition] = {
        name: found
        for name, found in outside.methods.items()
        # The return type too: a child's result is converted into it inside the workflow.
        if _shared([*(p.annotation for p in found.params), found.return_annotation])
    }
    handlers: dict[str, HandlerDefinition] = {
        attr: found
        for attr, found in outside.handlers.items()
        # A handler's return type is only used by callers (a query's result), never inside;
        # an update validator is always the re-created class's own function.
        if found.validator is None and _shared([p.annotation for p in found.params])
    }

    def method(found: MethodDefinition) -> MethodDefinition:
        copy = methods.get(found.name)
        if copy is None:
            value = getattr(cls, found.name)
            copy = methods[found.name] = _read_again(
                cls, found.name, lambda problems: read_method(cls, found.name, value, problems)
            )
        return copy

    def handler(found: HandlerDefinition) -> HandlerDefinition:
        copy = handlers.get(found.attr)
        if copy is None:
            value = getattr(cls, found.attr)
            marker: HandlerMarker = getattr(value, HANDLER_ATTR)
            copy = handlers[found.attr] = _read_again(
                cls, found.attr, lambda problems: read_handler(cls, found.attr, value, marker, problems)
            )
        return copy

    # Every other field (options, init parameters, the print) is the registered one's; the
    # proxy classes are made again for the copy, as they close over its methods.
    copy = dataclasses.replace(
        outside,
        cls=cls,
        methods=_Copies(outside.methods, method),
        handlers=_Copies(outside.handlers, handler),
        signals=_Copies(outside.signals, handler),
        queries=_Copies(outside.queries, handler),
        updates=_Copies(outside.updates, handler),
        adapter=None,
        proxy_classes={},
    )
    object.__setattr__(copy, "adapter", copy_adapter(outside.adapter, copy))
    return copy


def reuse_activity(
    name: str, fn: Callable[..., Any], fingerprint: tuple[Any, ...]
) -> ActivityDefinition | None:
    """The registered definition of activity `name` over `fn`, or None to read `fn` in full.

    Only when its input and result types are the sandbox's own objects: a result is converted
    into its `Result` inside the workflow.
    """
    outside = _registry.activities.get(name)
    origin = f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"
    if outside is None or outside.origin != origin or outside.fingerprint != fingerprint:
        return None
    if not _shared([outside.args_type, outside.result_type]):
        return None
    return dataclasses.replace(outside, fn=fn)
