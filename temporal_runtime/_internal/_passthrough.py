"""Which of the user's modules the workflow sandbox may share with the host process.

temporalio's sandbox re-imports, for every workflow run, each module a workflow module imports
unless it is passed through; its documentation asks users to pass through their models and
activities. The runtime knows more than a raw worker: which modules define workflows (those are
always re-imported, so their state stays per run), and what the others contain. A module that
defines no workflow is passed through when nothing in it could let a run see module state or
a non-deterministic call the sandbox would otherwise catch:

- it is a plain module with readable source (not a package, whose submodules would pass through
  with it, and not an installed package, which users pass through by name);
- every name it defines is a class, a function, a module, an activity, a logger, a typing
  construct or an immutable constant, and no class keeps a mutable class attribute;
- no code in it (module body, functions, class bodies, methods, lambdas) assigns a global,
  imports at run time, or reaches a restricted member of a module it names (``datetime.now``,
  ``uuid.uuid4``, ``time.time``, ``random``, ``os``, ``open``, ... exactly what the sandbox's
  restrictions list);
- every module it refers to is passed through already, or passes the same test.

A module that fails any rule is re-imported for every run, as before; `decisions` says why.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import dis
import enum
import fractions
import functools
import inspect
import logging
import pathlib
import re
import sys
import types
import typing
import uuid
from collections.abc import Iterable, Mapping
from types import CodeType, ModuleType
from typing import Any, cast

from temporalio.worker.workflow_sandbox import SandboxMatcher, SandboxRestrictions

from temporal_runtime._internal._activity_defn import ActivityDefinition
from temporal_runtime._internal._type_refs import named_objects
from temporal_runtime._internal._workflow_defn import DEFINITION_ATTR

logger: logging.Logger = logging.getLogger("temporal_runtime.engine")

_EVERYTHING = frozenset({"*"})
# The instructions that name a global (or builtin), and those that name an attribute.
_GLOBALS = frozenset({"LOAD_GLOBAL", "LOAD_NAME", "LOAD_FROM_DICT_OR_GLOBALS"})
_ATTRIBUTES = frozenset({"LOAD_ATTR", "LOAD_METHOD", "LOAD_SUPER_ATTR", "IMPORT_FROM"})
_WRITES = frozenset({"STORE_GLOBAL", "DELETE_GLOBAL"})
_IMMUTABLE: tuple[type, ...] = (
    type(None),
    bool,
    int,
    float,
    complex,
    str,
    bytes,
    range,
    type(Ellipsis),
    enum.Enum,
    datetime.date,
    datetime.time,
    datetime.timedelta,
    datetime.tzinfo,
    decimal.Decimal,
    fractions.Fraction,
    uuid.UUID,
    re.Pattern,
    pathlib.PurePath,
)
# Module-level names that hold no state a run could change.
_HARMLESS: tuple[type, ...] = (logging.Logger, logging.LoggerAdapter, typing.TypeVar, typing.ParamSpec)
_DESCRIPTORS = (types.FunctionType, staticmethod, classmethod, property, functools.cached_property)
_INSTALLED = ("site-packages", "dist-packages")


def _leaves(matcher: SandboxMatcher) -> frozenset[str]:
    """The member names a matcher restricts (``*`` when it restricts every use)."""
    if matcher.match_self or "*" in matcher.use or "*" in matcher.access:
        return _EVERYTHING
    names = set(matcher.use) | set(matcher.access)
    for key, child in matcher.children.items():
        below = _leaves(child)
        # A child restricted as a whole, or when called (asyncio.wait), is itself the leaf.
        names |= {key} if below is _EVERYTHING or below == frozenset({"__call__"}) else below
    return frozenset(names)


def _restricted(matcher: SandboxMatcher, module: str) -> frozenset[str]:
    """The restricted member names of `module` (``*``: all of it), empty when none are."""
    found: SandboxMatcher | None = matcher
    for part in module.split("."):
        if found is None:
            return frozenset()
        if found is not matcher and _leaves(found) is _EVERYTHING:
            return _EVERYTHING
        found = found.children.get(part)
    return frozenset() if found is None else _leaves(found)


def _home(value: Any) -> str | None:
    """The module an object belongs to (a module is its own)."""
    if isinstance(value, ModuleType):
        return value.__name__
    module = getattr(value, "__module__", None)
    return module if isinstance(module, str) else None


def _inert(value: Any, depth: int = 0) -> bool:
    """A value no run can change: immutable, recursively."""
    if isinstance(value, _IMMUTABLE):
        return True
    if depth < 8 and isinstance(value, tuple | frozenset):
        items: Iterable[Any] = cast("Iterable[Any]", value)
        return all(_inert(item, depth + 1) for item in items)
    params = getattr(value.__class__, "__dataclass_params__", None)
    if depth < 8 and params is not None and params.frozen and dataclasses.is_dataclass(value):
        return all(_inert(getattr(value, f.name), depth + 1) for f in dataclasses.fields(value))
    return False


def _code_objects(code: CodeType) -> Iterable[tuple[CodeType, bool]]:
    """Every code object in `code`, with whether it is nested (not the module body)."""
    stack = [(code, False)]
    while stack:
        current, nested = stack.pop()
        yield current, nested
        stack.extend((const, True) for const in current.co_consts if isinstance(const, CodeType))


class _Judge:
    """Decides module by module, remembering each verdict and what it relied on."""

    def __init__(self, restrictions: SandboxRestrictions, workflow_modules: set[str]) -> None:
        self._restrictions = restrictions
        self._workflow_modules = workflow_modules
        self.verdicts: dict[str, str | None] = {}  # None: may be shared
        self._relies_on: dict[str, set[str]] = {}

    def configured(self, name: str) -> bool:
        passthrough = self._restrictions.passthrough_modules
        parts = name.split(".")
        return any(".".join(parts[: i + 1]) in passthrough for i in range(len(parts)))

    def verdict(self, name: str) -> str | None:
        if name not in self.verdicts:
            self.verdicts[name] = None  # while it is judged: a cycle relies on the outcome
            self._relies_on[name] = set()
            self.verdicts[name] = self._judge(name)
        return self.verdicts[name]

    def settle(self) -> None:
        """A module relying on one found unsafe later (a cycle) is unsafe too."""
        changed = True
        while changed:
            changed = False
            for name, relied in self._relies_on.items():
                if self.verdicts[name] is None:
                    bad = next((r for r in sorted(relied) if self.verdicts.get(r) is not None), None)
                    if bad is not None:
                        self.verdicts[name] = f"it uses {bad}, which is re-imported"
                        changed = True

    def _judge(self, name: str) -> str | None:
        module = sys.modules.get(name)
        if module is None or name == "__main__":
            return "it is not an imported module"
        if name in self._workflow_modules:
            return "it defines workflows"
        if hasattr(module, "__path__"):
            return "it is a package (its submodules would pass through with it)"
        source = getattr(module, "__file__", None) or ""
        if any(part in source for part in _INSTALLED):
            return "it is an installed package; pass it with passthrough_modules if it is safe"
        code = _module_code(module)
        if code is None:
            return "its source cannot be read"
        return self._judge_names(module, vars(module)) or self._judge_code(module, code)

    def _refer(self, module: ModuleType, what: str, value: Any) -> str | None:
        """Why `value`, named by `module`'s code as `what`, keeps the module from being shared."""
        home = _home(value)
        if home is None or home == module.__name__:
            return None
        if home == "builtins":
            restricted = _restricted(self._restrictions.invalid_module_members, "__builtins__")
            return f"it uses {what}" if getattr(value, "__name__", None) in restricted else None
        if not self.configured(home):
            self._relies_on[module.__name__].add(home)
            reason = self.verdict(home)
            return None if reason is None else f"it uses {home} ({what}), which is re-imported: {reason}"
        restricted = _restricted(self._restrictions.invalid_module_members, home)
        own = value.__name__ if isinstance(value, ModuleType) else getattr(value, "__name__", "")
        if restricted is _EVERYTHING or own in restricted:
            return f"it uses {what} ({home}), which the sandbox restricts"
        return None

    def _judge_names(self, module: ModuleType, namespace: Mapping[str, Any]) -> str | None:
        for attr, value in namespace.items():
            if attr.startswith("__") and attr.endswith("__"):
                continue
            if isinstance(value, type) and DEFINITION_ATTR in vars(value):
                return f"it defines or imports workflow class {value.__qualname__}"
            if isinstance(value, ModuleType | type | types.FunctionType | types.BuiltinFunctionType):
                found = self._refer(module, attr, value)
                if found is None and isinstance(value, type) and value.__module__ == module.__name__:
                    found = _class_state(value)
                if found is not None:
                    return found
                continue
            definition = getattr(value, "definition", None)
            if isinstance(definition, ActivityDefinition) or isinstance(value, _HARMLESS):
                continue  # an activity (run by workers, not workflows), a process-wide logger, ...
            if type(value).__module__ == "__future__":
                continue  # from __future__ import annotations
            named = named_objects(value) if _home(type(value)) in ("typing", "types") else None
            if named is not None:
                for obj in named:
                    found = self._refer(module, attr, obj)
                    if found is not None:
                        return found
                continue
            if not _inert(value):
                return f"{attr} ({type(value).__name__}) is module state a run could change"
        return None

    def _judge_code(self, module: ModuleType, code: CodeType) -> str | None:
        names: set[str] = set()
        uses: set[str] = set()
        for current, nested in _code_objects(code):
            for instr in dis.get_instructions(current):
                if nested and instr.opname in _WRITES:
                    return f"it assigns the global {instr.argval} from a function"
                if nested and instr.opname == "IMPORT_NAME":
                    return f"it imports {instr.argval} inside a function or class"
                if isinstance(instr.argval, str):
                    if instr.opname in _GLOBALS:
                        names.add(instr.argval)
                    elif instr.opname in _ATTRIBUTES:
                        uses.add(instr.argval)
        namespace = vars(module)
        builtins_restricted = _restricted(self._restrictions.invalid_module_members, "__builtins__")
        for name in sorted(names & builtins_restricted - namespace.keys()):
            return f"its code calls {name}(), which the sandbox restricts"
        for attr, value in namespace.items():
            home = _home(value)
            if home is None or home == module.__name__ or not self.configured(home):
                continue
            restricted = _restricted(self._restrictions.invalid_module_members, home)
            if restricted is not _EVERYTHING and restricted & uses:
                member = sorted(restricted & uses)[0]
                return f"its code reaches {home}.{member} (through {attr}), which the sandbox restricts"
        return None


def _class_state(cls: type) -> str | None:
    inherited = {name for base in cls.__mro__[1:] for name in vars(base)}
    for name, value in vars(cls).items():
        if (name.startswith("_") and name.endswith("_")) or name in inherited:
            continue  # the class machinery's own (Enum, dataclass, Pydantic), overrides
        if isinstance(value, type) and value.__module__ == cls.__module__:
            found = _class_state(value)  # a nested class
            if found is not None:
                return found
            continue
        if isinstance(value, _DESCRIPTORS) or _inert(value):
            continue
        return f"{cls.__qualname__}.{name} ({type(value).__name__}) is class state a run could change"
    return None


def _module_code(module: ModuleType) -> CodeType | None:
    spec = getattr(module, "__spec__", None)
    loader = getattr(spec, "loader", None)
    get_code = getattr(loader, "get_code", None)
    if get_code is None:
        return None
    try:
        code: CodeType | None = get_code(module.__name__)
    except (ImportError, OSError, SyntaxError):
        return None
    return code


def workflow_modules(classes: Iterable[type]) -> set[str]:
    """The modules defining `classes` and every workflow class they derive from."""
    return {k.__module__ for cls in classes for k in inspect.getmro(cls) if DEFINITION_ATTR in vars(k)}


def decisions(classes: Iterable[type], restrictions: SandboxRestrictions) -> dict[str, str | None]:
    """For each module the workflow modules of `classes` use: None (shared), or why not."""
    own = workflow_modules(classes)
    judge = _Judge(restrictions, own)
    for name in sorted(own):
        module = sys.modules.get(name)
        for value in vars(module).values() if module is not None else ():
            home = _home(value)
            if home is not None and home not in own and home != "builtins" and not judge.configured(home):
                judge.verdict(home)
    judge.settle()
    return {name: verdict for name, verdict in judge.verdicts.items() if name not in own}


def split_modules(classes: Iterable[type], restrictions: SandboxRestrictions) -> tuple[list[str], list[str]]:
    """The modules workflows `classes` use that the sandbox may share, and those it re-imports."""
    shared: list[str] = []
    reimported: list[str] = []
    for name, reason in sorted(decisions(classes, restrictions).items()):
        if reason is None:
            shared.append(name)
            logger.debug("the workflow sandbox shares %s with the process (it defines no workflow)", name)
        else:
            reimported.append(name)
            logger.debug("the workflow sandbox re-imports %s for every run: %s", name, reason)
    return shared, reimported
