"""Which entry-method arguments a workflow's ``__init__`` receives (temporalio's ``@workflow.init``).

Every run creates the workflow object before its entry method starts and before any signal
or update handler runs. An ``__init__`` that declares parameters of the entry methods gets
them, by name, validated and converted exactly as the entry method gets them, so handlers
that arrive first (signal-with-start, an early update) see initialised state. The rule,
checked when the class is defined (every violation is a `RegistrationError`):

- the arguments are passed by name: a required parameter cannot be positional-only, and
  ``*args``/``**kwargs`` receive nothing;
- a parameter without a default is a parameter of every entry method (each run calls
  ``__init__`` with the arguments of the method it starts);
- a parameter that an entry method also has is declared the same way in both: the same
  annotation and the same default (or required in both);
- a parameter that no entry method has keeps its default (it is never passed).

An ``__init__`` with no parameters (or none of the entry methods') is called with none, as
before.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable, Mapping
from typing import Any

from temporal_runtime._internal._annotations import plain_signature, read_annotations
from temporal_runtime._internal._signatures import ParamInfo

_EMPTY = inspect.Parameter.empty
_NAMED = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


def _same(a: Any, b: Any) -> bool:
    try:
        return a is b or bool(a == b)
    except Exception:  # a default whose == raises or is ambiguous (an array) is not "the same"
        return False


def _written(name: str, annotation: Any, default: Any) -> str:
    text = name if annotation is _EMPTY else f"{name}: {inspect.formatannotation(annotation)}"
    return text if default is _EMPTY else f"{text} = {default!r}"


def init_params(cls: type, methods: Mapping[str, tuple[ParamInfo, ...]]) -> tuple[tuple[str, ...], list[str]]:
    """The names of `cls.__init__`'s parameters that entry methods pass, and the problems found.

    `methods` maps each entry method's name to its parameters.
    """
    init: Callable[..., Any] = cls.__init__  # type: ignore[misc]  # the class, not an instance
    if init is object.__init__:
        return (), []
    try:
        params = list(plain_signature(init).parameters.values())[1:]
    except (TypeError, ValueError):
        return (), []
    where = f"{cls.__name__}.__init__"
    problems: list[str] = []
    hints: Mapping[str, Any] = {}
    # An annotation that raises while being read is compared as written.
    with contextlib.suppress(Exception):
        hints = read_annotations(init).resolved
    taken: list[str] = []
    for param in params:
        if param.kind not in _NAMED:
            if param.kind is inspect.Parameter.POSITIONAL_ONLY and param.default is _EMPTY:
                problems.append(
                    f"{where}: parameter '{param.name}' is positional-only; every run calls __init__ "
                    "with the entry method's arguments by name, so remove the '/'"
                )
            continue  # *args and **kwargs receive nothing
        annotation = hints.get(param.name, param.annotation)
        mine = _written(param.name, annotation, param.default)
        lacking: list[str] = []
        for method, method_params in methods.items():
            theirs = next((p for p in method_params if p.name == param.name), None)
            if theirs is None:
                if param.default is _EMPTY:
                    lacking.append(method)
                continue
            if not (_same(annotation, theirs.annotation) and _same(param.default, theirs.default)):
                there = _written(theirs.name, theirs.annotation, theirs.default)
                problems.append(
                    f"{where}: parameter '{mine}' is declared '{there}' in entry method {method}; "
                    f"declare it the same way in both, since __init__ receives the value {method} receives"
                )
            elif param.name not in taken:
                taken.append(param.name)
        if lacking:
            names = ", ".join(lacking)
            which = f"entry method {names} does" if len(lacking) == 1 else f"entry methods {names} do"
            problems.append(
                f"{where} requires '{param.name}', which {which} not take; every run calls "
                f"__init__ with the arguments of the entry method it starts, so add "
                f"'{param.name}' to {names} or give it a default in __init__"
            )
    return tuple(taken), problems
