"""Read a callable's annotations at definition time, under eager and lazy annotation semantics.

Up to Python 3.13 an annotation is evaluated when its function is defined, or kept as a string
(written in quotes, or everywhere under `from __future__ import annotations`). From 3.14 it is
evaluated lazily (PEP 649/749): reading `__annotations__`, or `inspect.signature` by default,
evaluates it then, and raises `NameError` for a name that is not defined yet. Every
definition-time reader goes through this module, so one place decides how annotations are read.
"""

from __future__ import annotations

import inspect
import sys
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, cast

if sys.version_info >= (3, 14):
    import annotationlib

    # FORWARDREF evaluates what it can and keeps a name that is not defined yet as a
    # `ForwardRef`, so the other annotations are still read and the missing name is reported.
    def _raw_annotations(fn: Callable[..., Any]) -> dict[str, Any]:
        return annotationlib.get_annotations(fn, format=annotationlib.Format.FORWARDREF)

    def plain_signature(fn: Callable[..., Any]) -> inspect.Signature:
        return inspect.signature(fn, annotation_format=annotationlib.Format.FORWARDREF)

    def written_annotations(fn: Callable[..., Any]) -> dict[str, str]:
        """`fn`'s annotations as written, evaluating nothing (a fingerprint of its signature)."""
        return annotationlib.get_annotations(fn, format=annotationlib.Format.STRING)

else:

    def _raw_annotations(fn: Callable[..., Any]) -> dict[str, Any]:
        return inspect.get_annotations(fn)

    # Before 3.14 `inspect.signature` never evaluates annotations.
    def plain_signature(fn: Callable[..., Any]) -> inspect.Signature:
        return inspect.signature(fn)

    def written_annotations(fn: Callable[..., Any]) -> dict[str, str]:
        """`fn`'s annotations as written, evaluating nothing (a fingerprint of its signature)."""
        return {
            key: value if isinstance(value, str) else inspect.formatannotation(value)
            for key, value in inspect.get_annotations(fn).items()
        }


@dataclass(frozen=True, slots=True)
class Unresolved:
    """One annotation that could not be resolved: as written, and why (with the fix)."""

    written: str
    reason: str


@dataclass(frozen=True, slots=True)
class Annotations:
    """A callable's annotations by parameter name (`"return"` for the return annotation)."""

    resolved: Mapping[str, Any]
    unresolved: Mapping[str, Unresolved]


def _namespace_of(fn: Callable[..., Any]) -> dict[str, Any]:
    # The module the function was written in, past decorators (as `get_type_hints` looks).
    namespace = getattr(inspect.unwrap(fn), "__globals__", None)
    if isinstance(namespace, dict):
        return cast("dict[str, Any]", namespace)
    module = sys.modules.get(getattr(fn, "__module__", None) or "")
    return vars(module) if module is not None else {}


def _evaluate(raw: dict[str, Any], globalns: dict[str, Any], type_params: tuple[Any, ...]) -> dict[str, Any]:
    # `get_type_hints` evaluates strings and forward references nested anywhere (`list["Item"]`)
    # the same way on every version; the holder hands it annotations already read.
    holder = SimpleNamespace(__annotations__=raw, __type_params__=type_params)
    return typing.get_type_hints(holder, globalns, include_extras=True)


def _why(err: Exception, raw: Any, module: str) -> str:
    if isinstance(err, NameError) and err.name:
        reason = (
            f"'{err.name}' is not defined in module '{module}' when the definition is read; "
            f"define or import '{err.name}' at module level, before this definition"
        )
        if isinstance(raw, str):
            # The case met most: a type local to a function, under `from __future__ import annotations`.
            reason += " (a string annotation is looked up there, not in an enclosing function)"
        return reason
    return f"{type(err).__name__}: {err}; write a type that can be evaluated in module '{module}'"


def read_annotations(fn: Callable[..., Any]) -> Annotations:
    """Resolve `fn`'s annotations to objects; report each one that cannot be, by name."""
    raw = _raw_annotations(fn)
    globalns = _namespace_of(fn)
    type_params: tuple[Any, ...] = getattr(fn, "__type_params__", ())
    try:
        return Annotations(_evaluate(raw, globalns, type_params), {})
    except Exception:  # one by one below, to name each annotation that fails
        pass
    module = getattr(fn, "__module__", None) or "?"
    resolved: dict[str, Any] = {}
    unresolved: dict[str, Unresolved] = {}
    for key, value in raw.items():
        try:
            resolved[key] = _evaluate({key: value}, globalns, type_params)[key]
        except Exception as err:
            written = value if isinstance(value, str) else inspect.formatannotation(value)
            unresolved[key] = Unresolved(written, _why(err, value, module))
    return Annotations(resolved, unresolved)
