"""What a type annotation refers to: every class and function named anywhere inside it.

The workflow sandbox can share an object with the host process only if the object is the very
one the sandbox would see itself; both the reuse of definitions inside the sandbox and the choice
of modules to pass through ask that of every class an annotation names. The walk is
conservative: anything it does not understand makes the whole annotation unknown (`None`), and
the callers then treat it as not shared.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from typing import Any

from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

_PLAIN = (str, bytes, int, float, complex, bool, type(None), type(Ellipsis))
_NAMED = (type, types.FunctionType, types.BuiltinFunctionType, types.MethodType)
# Deeper than any annotation written by hand; a cycle (a self-referencing alias) stops here.
_MAX_DEPTH = 24


def named_objects(annotation: Any) -> list[Any] | None:
    """The classes and functions `annotation` names (its own type included), or None if unknown.

    Example:
        >>> named_objects(dict[str, list[int]])
        [<class 'dict'>, <class 'str'>, <class 'list'>, <class 'int'>]
    """
    found: list[Any] = []
    return found if _walk(annotation, found, 0) else None


def _walk(obj: Any, found: list[Any], depth: int) -> bool:
    if depth > _MAX_DEPTH:
        return False
    if isinstance(obj, enum.Enum):
        found.append(type(obj))  # a Literal member: its class decides what it is
        return True
    if obj is None or obj is PydanticUndefined or isinstance(obj, _PLAIN):
        return True  # Literal values, None, Ellipsis, a field without a default
    if isinstance(obj, _NAMED):
        found.append(obj)
        return True
    if isinstance(obj, typing.TypeVar | typing.ParamSpec | typing.ForwardRef):
        return False  # its meaning is decided elsewhere (a bound, a scope, a later definition)
    origin = typing.get_origin(obj)
    if origin is not None:
        parts: list[Any] = [origin, *typing.get_args(obj)]
        return all(_walk(part, found, depth + 1) for part in parts)
    if type(obj).__module__ in ("typing", "typing_extensions"):
        return True  # a special form (Union, Optional, Any, ...): structure, no user object
    if isinstance(obj, FieldInfo):
        extra = obj.json_schema_extra
        parts = [obj.annotation, obj.default, obj.default_factory, *obj.metadata]
        return (extra is None or callable(extra)) and all(
            _walk(part, found, depth + 1) for part in [*parts, extra]
        )
    if isinstance(obj, list | tuple):
        items: list[Any] = list(obj)  # pyright: ignore[reportUnknownArgumentType]
        return all(_walk(item, found, depth + 1) for item in items)
    if dataclasses.is_dataclass(obj):
        # Constraint and validator markers (annotated_types, pydantic.functional_validators).
        found.append(type(obj))
        values = [getattr(obj, f.name) for f in dataclasses.fields(obj)]
        return all(_walk(value, found, depth + 1) for value in values)
    return False
