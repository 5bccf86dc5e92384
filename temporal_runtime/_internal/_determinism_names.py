"""How the determinism check reads names: canonical names of objects, a function's own bindings.

`name_of` gives the dotted name users import an object by (``datetime.datetime.now`` for
``dt.now`` after ``from datetime import datetime as dt``); `scope_of` what a function body binds
itself (its imports, its locals); `suspect` says, from a code object's names alone, whether its
source is worth parsing at all (most workflow methods are not).
"""

from __future__ import annotations

import ast
import inspect
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import CodeType, FunctionType, ModuleType
from typing import Any

from temporal_runtime._internal._determinism_rules import ROOTS, canonical_module, may_apply

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
ENVIRON = {id(os.environ): "os.environ", id(os.environb): "os.environb"}
# The hidden `random.Random` behind the module-level functions (`random.randint`, ...).
_MODULE_RANDOM: object = vars(random)["_inst"]
_BUILTIN_RULES = frozenset({"builtins.open", "builtins.input"})
UNKNOWN: Any = object()


@dataclass(frozen=True, slots=True)
class Instance:
    """An object of class `cls` (``Path(x)``, a module-level ``requests.Session()``)."""

    cls: type


def name_of(obj: Any) -> str | None:
    """The canonical dotted name of a module, class or function (None for anything else)."""
    if isinstance(obj, ModuleType):
        return canonical_module(obj.__name__)
    if id(obj) in ENVIRON:
        return ENVIRON[id(obj)]
    owner = getattr(obj, "__self__", None)
    name = getattr(obj, "__name__", None)
    if owner is not None and isinstance(name, str) and not isinstance(obj, type):
        if owner is _MODULE_RANDOM:
            return f"random.{name}"
        base = name_of(owner) if isinstance(owner, type | ModuleType) else name_of(type(owner))
        return None if base is None else f"{base}.{name}"
    if isinstance(obj, type) or inspect.isroutine(obj):
        module, qualname = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
        if isinstance(module, str) and isinstance(qualname, str) and "<locals>" not in qualname:
            return f"{canonical_module(module)}.{qualname}"
    return None


@dataclass
class Scope:
    """What the names of one function's body refer to, as far as its own code says."""

    imports: dict[str, str] = field(default_factory=dict[str, str])
    instances: dict[str, str] = field(default_factory=dict[str, str])
    bound: set[str] = field(default_factory=set[str])


def scope_of(node: FunctionNode) -> Scope:
    scope = Scope()
    for inner in ast.walk(node):
        if isinstance(inner, ast.Import):
            for alias in inner.names:
                if alias.asname:
                    scope.imports[alias.asname] = alias.name
                else:
                    top = alias.name.partition(".")[0]
                    scope.imports[top] = top
        elif isinstance(inner, ast.ImportFrom) and inner.level == 0 and inner.module:
            for alias in inner.names:
                scope.imports[alias.asname or alias.name] = f"{inner.module}.{alias.name}"
        elif isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Store | ast.Del):
            scope.bound.add(inner.id)
        elif isinstance(inner, ast.arg):
            scope.bound.add(inner.arg)
        elif isinstance(inner, FunctionNode | ast.ClassDef | ast.ExceptHandler) and inner is not node:
            scope.bound.add(inner.name or "")
    return scope


def _code_names(code: CodeType) -> Iterator[str]:
    yield from code.co_names
    for const in code.co_consts:
        if isinstance(const, CodeType):
            yield from _code_names(const)


def suspect(fn: Any, module: str, seen: set[int]) -> bool:
    """Whether any name `fn`'s code uses could lead to a rule: most functions need no parsing.

    A global bound to something a rule starts with (``time``, ``dt``, a ``Path``), a module
    name (an import inside the function), ``open``, or a helper of `module` that is suspect.
    """
    seen.add(id(fn))
    namespace: dict[str, Any] = fn.__globals__
    for name in _code_names(fn.__code__):
        if name in ROOTS:
            return True
        if name not in namespace:
            if f"builtins.{name}" in _BUILTIN_RULES:
                return True
            continue
        obj = namespace[name]
        if isinstance(obj, FunctionType) and obj.__module__ == module:
            if id(obj) not in seen and suspect(obj, module, seen):
                return True
            continue
        if isinstance(obj, ModuleType | type) or inspect.isroutine(obj) or id(obj) in ENVIRON:
            target = name_of(obj)
        else:
            target = name_of(type(obj))
        if target is not None and may_apply(target):
            return True
    return False
