"""The definition-time determinism check of a workflow class.

`check_workflow_class` reads with `ast` the source of every function a workflow class defines
(entry methods, handlers, validators, private helpers, ``__init__``, properties; mixins of the
same module too) and of the plain functions of that module they call, and reports each call
that is not deterministic or that blocks (`_determinism_rules` says which and what to write
instead). A called name is resolved as Python would resolve it when the line runs: the
function's locals (its own imports included), then its module's globals, then builtins; so
``import time as t`` and ``from datetime import datetime as dt`` are followed, and a local
variable that shadows a module is not. A name that is only mentioned (passed, stored, compared)
is not a call and is not reported, except ``os.environ``, where reading is the use.

Skipped inside the workflow sandbox (each class was checked when the worker's process
imported it; the sandbox re-imports the module for every run) and where no source exists
(a REPL, `exec`).
"""

from __future__ import annotations

import ast
import builtins
import inspect
import linecache
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from types import FunctionType, ModuleType
from typing import Any, cast

import temporalio.workflow

from temporal_runtime._internal._determinism_names import (
    ENVIRON,
    UNKNOWN,
    FunctionNode,
    Instance,
    name_of,
    scope_of,
    suspect,
)
from temporal_runtime._internal._determinism_rules import rule_for

# Ends a line whose calls the author knows to be safe; `allow_nondeterminism` marks a method.
ALLOW_COMMENT = "temporal-runtime: allow-nondeterminism"
ALLOW_ATTR = "__temporal_runtime_allow_nondeterminism__"
SILENCE_NOTE = (
    f"A call that is safe where it stands (it only logs, say) is left alone when its line ends "
    f"with '# {ALLOW_COMMENT}'; a whole method, when it is decorated with @allow_nondeterminism."
)
# How deep calls into the module's own helper functions are followed.
_HELPER_DEPTH = 3


@dataclass(frozen=True, slots=True)
class _Source:
    lines: list[str]
    functions: dict[tuple[int, str], FunctionNode]


# The last file read: the classes of one module are defined one after another.
_last: dict[str, _Source] = {}


def _parsed(filename: str, module_globals: dict[str, Any]) -> _Source | None:
    lines = linecache.getlines(filename, module_globals)
    if not lines:
        return None  # a REPL, exec(): nothing to read
    cached = _last.get(filename)
    if cached is not None and cached.lines is lines:
        return cached
    try:
        tree = ast.parse("".join(lines), filename)
    except (SyntaxError, ValueError):
        return None
    functions: dict[tuple[int, str], FunctionNode] = {}
    for node in ast.walk(tree):
        if isinstance(node, FunctionNode):
            # A code object's first line is its first decorator's.
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            functions[(first, node.name)] = node
    _last.clear()
    _last[filename] = source = _Source(lines, functions)
    return source


def _split(expr: ast.expr) -> tuple[ast.expr, list[str]]:
    """``a.b.c`` as (``a``, ["b", "c"])."""
    attrs: list[str] = []
    while isinstance(expr, ast.Attribute):
        attrs.append(expr.attr)
        expr = expr.value
    return expr, attrs[::-1]


@dataclass
class _Checker:
    """Collects the findings of one workflow class."""

    owner: str
    module: str
    findings: list[str] = field(default_factory=list[str])
    _seen: set[int] = field(default_factory=set[int])

    def check(self, fn: Any, method: str) -> None:
        self._function(fn, method, via=[], depth=0)

    def _function(self, fn: Any, method: str, *, via: list[tuple[str, str]], depth: int) -> None:
        code = getattr(fn, "__code__", None)
        if code is None or id(fn) in self._seen or getattr(fn, ALLOW_ATTR, False):
            return
        self._seen.add(id(fn))
        if not suspect(fn, self.module, set()):
            return
        source = _parsed(code.co_filename, fn.__globals__)
        node = None if source is None else source.functions.get((code.co_firstlineno, code.co_name))
        if source is None or node is None:
            return
        walker = _Walker(self, fn, node=node, source=source, method=method, via=via, depth=depth)
        for statement in node.body:
            walker.visit(statement)

    def report(self, method: str, via: list[tuple[str, str]], where: str, what: str, advice: str) -> None:
        if not via:
            self.findings.append(f"{self.owner}.{method} ({where}): {what} {advice}")
            return
        (first, at), rest = via[0], via[1:]
        path = "".join(f", which calls {label} ({place})" for label, place in rest)
        line = where.rpartition(":")[2]
        self.findings.append(
            f"{self.owner}.{method} ({at}) calls {first}{path}, where {what} on line {line} {advice}"
        )

    def follow(self, fn: Any, method: str, via: list[tuple[str, str]], depth: int) -> None:
        """Check a plain function of the class's own module that workflow code calls."""
        if (
            depth >= _HELPER_DEPTH
            or not isinstance(fn, FunctionType)
            or fn.__module__ != self.module
            or _is_activity(fn)
        ):
            return
        self._function(fn, method, via=via, depth=depth + 1)


def _is_activity(fn: FunctionType) -> bool:
    # `activity_def` returns an object that wraps the implementation; activities may do I/O.
    return any(getattr(value, "__wrapped__", None) is fn for value in fn.__globals__.values())


class _Walker(ast.NodeVisitor):
    """Visits one function body and reports the calls its rules forbid."""

    def __init__(
        self,
        checker: _Checker,
        fn: Any,
        *,
        node: FunctionNode,
        source: _Source,
        method: str,
        via: list[tuple[str, str]],
        depth: int,
    ) -> None:
        self._checker = checker
        self._fn = fn
        self._globals: dict[str, Any] = fn.__globals__
        self._scope = scope_of(node)
        self._source = source
        self._method = method
        self._via = via
        self._depth = depth
        self._file = os.path.basename(fn.__code__.co_filename)
        self._reported: set[int] = set()

    # -- names ---------------------------------------------------------------------------

    def _lookup(self, name: str) -> tuple[str | None, Any]:
        """(canonical name, object) that `name` refers to here; (None, UNKNOWN) if unknown."""
        scope = self._scope
        if name in scope.imports:
            return scope.imports[name], UNKNOWN
        if name in scope.bound:
            return None, UNKNOWN
        if name in self._globals:
            obj = self._globals[name]
        elif hasattr(builtins, name):
            obj = getattr(builtins, name)
        else:
            return None, UNKNOWN
        if isinstance(obj, ModuleType | type) or inspect.isroutine(obj) or id(obj) in ENVIRON:
            return name_of(obj), obj
        # A module-level object: its methods are its class's.
        cls = type(cast(object, obj))
        return name_of(cls), Instance(cls)

    def _resolve(self, expr: ast.expr) -> tuple[str | None, Any]:
        base, attrs = _split(expr)
        if isinstance(base, ast.Name):
            name, obj = self._lookup(base.id)
        elif isinstance(base, ast.Call):
            # `Path(x).read_text()`: a call of a class makes an instance of it.
            name, made = self._resolve(base.func)
            if isinstance(made, type):
                obj = Instance(made)
            elif made is UNKNOWN and name is not None and name.rpartition(".")[2][:1].isupper():
                obj = UNKNOWN  # a class imported inside the function, by its name
            else:
                return None, UNKNOWN  # what a function returns is not known
        else:
            return None, UNKNOWN
        if name is None:
            return None, UNKNOWN
        for attr in attrs:
            name = f"{name}.{attr}"
            holder = obj.cls if isinstance(obj, Instance) else obj
            # Static: a module's __getattr__ or a class's descriptors must not run here.
            obj = (
                inspect.getattr_static(holder, attr, UNKNOWN)
                if isinstance(holder, ModuleType | type)
                else UNKNOWN
            )
        return name, obj

    # -- visiting ------------------------------------------------------------------------

    def _allowed(self, node: ast.expr) -> bool:
        end = node.end_lineno or node.lineno
        return any(ALLOW_COMMENT in line for line in self._source.lines[node.lineno - 1 : end])

    def _report(self, node: ast.expr, name: str, what: str, advice: str) -> None:
        self._reported.add(id(node))
        if self._allowed(node):
            return
        shown = what if what.split("(", maxsplit=1)[0] == name else f"{what} ({name})"
        self._checker.report(self._method, self._via, f"{self._file}:{node.lineno}", shown, advice)

    def visit_Call(self, node: ast.Call) -> None:
        base, _ = _split(node.func)
        if not isinstance(base, ast.Name):
            self.visit(base)
        # `threading.Thread(...).start()`: the call that made the object is the one to report.
        if id(base) not in self._reported:
            name, obj = self._resolve(node.func)
            if name is not None:
                self._check_call(node, name, obj)
        for arg in [*node.args, *(k.value for k in node.keywords)]:
            self.visit(arg)

    def _check_call(self, node: ast.Call, name: str, obj: Any) -> None:
        if isinstance(obj, type) and issubclass(obj, BaseException):
            return  # making an exception of an I/O library is no I/O
        if name == "asyncio.sleep" and node.args and _is_zero(node.args[0]):
            return  # `await asyncio.sleep(0)` only yields to the other tasks
        rule = rule_for(name, has_args=bool(node.args or node.keywords))
        if rule is not None:
            self._report(node, name, f"{ast.unparse(node.func)}()", rule.advice(name))
            return
        if isinstance(node.func, ast.Name) and isinstance(obj, FunctionType):
            step = (f"{node.func.id}()", f"{self._file}:{node.lineno}")
            self._checker.follow(obj, self._method, [*self._via, step], self._depth)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self._environment(node)
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        self._environment(node)

    def _environment(self, node: ast.Attribute | ast.Name) -> None:
        if not isinstance(node.ctx, ast.Load):
            return
        name, _ = self._resolve(node)
        if name in ("os.environ", "os.environb"):
            rule = rule_for(name, has_args=False)
            if rule is not None:
                self._report(node, name, ast.unparse(node), rule.advice(name))


def _is_zero(arg: ast.expr) -> bool:
    return isinstance(arg, ast.Constant) and arg.value == 0 and not isinstance(arg.value, bool)


def _functions(value: Any) -> Iterator[Any]:
    """The functions behind a class attribute (methods, static/class methods, properties)."""
    if isinstance(value, FunctionType):
        yield value
    elif isinstance(value, staticmethod | classmethod):
        yield cast(Any, value).__func__
    elif isinstance(value, property):
        yield from (f for f in (value.fget, value.fset, value.fdel) if f is not None)
    elif isinstance(value, cached_property):
        yield value.func


def check_workflow_class(
    cls: type, *, base: type, validators: Iterable[Callable[..., Any]] = ()
) -> list[str]:
    """One message per non-deterministic or blocking call in the code of workflow class `cls`.

    Reads `cls`, the mixins of its own module (other `Workflow` classes were checked when
    they were defined) and its update `validators`; `base` is the runtime's `Workflow`.
    """
    if temporalio.workflow.unsafe.in_sandbox():
        return []
    checker = _Checker(cls.__name__, cls.__module__)
    workflow_meta = type(base)
    for klass in cls.__mro__:
        if klass is not cls and (
            klass.__module__ != cls.__module__ or isinstance(klass, workflow_meta) or issubclass(base, klass)
        ):
            continue
        for attr, value in vars(klass).items():
            for fn in _functions(value):
                checker.check(fn, attr)
    for validator in validators:
        checker.check(validator, getattr(validator, "__name__", "validator"))
    return checker.findings
