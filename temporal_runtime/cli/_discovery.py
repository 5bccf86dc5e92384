"""Import the user's modules, find a workflow by name, and read ``--input``."""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import sys
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

from temporal_runtime._internal import _registry
from temporal_runtime._internal._workflow_defn import DEFINITION_ATTR, MethodDefinition, WorkflowDefinition


class UsageError(Exception):
    """Bad input on the command line; the message is one line that says what to fix."""


def _ensure_cwd_on_path() -> None:
    # A console script's sys.path holds its own folder, not the user's project; `python -m`
    # already adds the cwd. Both should find the user's modules the same way.
    cwd = os.getcwd()
    if cwd not in sys.path and "" not in sys.path:
        sys.path.insert(0, cwd)


def _import(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as err:
        if err.name and (name == err.name or name.startswith(err.name + ".")):
            raise UsageError(
                f"cannot import module {name!r}: {err}; check the dotted name and run from the "
                "folder that contains it (or add that folder to PYTHONPATH)"
            ) from None
        raise UsageError(f"module {name!r} failed to import: {err}") from None
    except Exception as err:
        raise UsageError(f"module {name!r} failed to import: {type(err).__name__}: {err}") from None


def import_modules(names: Iterable[str]) -> list[ModuleType]:
    """Import each module; a package brings in all of its submodules, recursively.

    Example:
        >>> [m.__name__ for m in import_modules(["json"])]
        ['json', 'json.decoder', 'json.encoder', 'json.scanner', 'json.tool']
    """
    _ensure_cwd_on_path()
    loaded: list[ModuleType] = []
    for name in names:
        module = _import(name)
        loaded.append(module)
        path = getattr(module, "__path__", None)
        if path is None:
            continue
        for info in sorted(pkgutil.walk_packages(path, prefix=module.__name__ + "."), key=lambda i: i.name):
            if info.name.rsplit(".", 1)[-1] == "__main__":
                continue  # running a package's entry point is never what discovery means
            loaded.append(_import(info.name))
    return loaded


def resolve_method(target: str) -> tuple[WorkflowDefinition, MethodDefinition]:
    """``Workflow.method`` (a registered name) or ``package.module:Class.method``."""
    module_name, sep, rest = target.rpartition(":")
    if sep:
        import_modules([module_name])
    else:
        rest = target
    name, dot, method = rest.rpartition(".")
    if not dot or not name or not method:
        raise UsageError(
            f"{target!r} is not WORKFLOW.METHOD; write e.g. OrderWorkflow.process_order "
            "(with --module app.workflows) or app.workflows:OrderWorkflow.process_order"
        )
    definition = _registry.workflows.get(name)
    if definition is None and sep:
        module = sys.modules[module_name]
        obj: Any = module
        for part in name.split("."):
            obj = getattr(obj, part, None)
        definition = getattr(obj, DEFINITION_ATTR, None) if isinstance(obj, type) else None
    if definition is None:
        known = ", ".join(_registry.workflows.names()) or "none (no --module given?)"
        raise UsageError(
            f"no workflow named {name!r}; import its module with --module MODULE (known: {known})"
        )
    if definition.abstract:
        raise UsageError(f"workflow {name!r} is abstract and cannot be started")
    found = definition.methods.get(method)
    if found is None:
        raise UsageError(
            f"{definition.name} has no entry method {method!r}; entry methods: {definition.entry_list()}"
        )
    return definition, found


def read_source(source: str, *, option: str) -> str:
    """The text of file `source` (``-``: stdin) that `option` names; a `UsageError` if unreadable."""
    try:
        return sys.stdin.read() if source == "-" else Path(source).read_text()
    except OSError as err:
        shown = "stdin" if source == "-" else source
        raise UsageError(f"{option}: cannot read {shown}: {err.strerror or err}") from None


def read_json(raw: str | None, *, option: str = "--input") -> Any:
    """The JSON value of ``--input``: inline JSON, ``@path`` for a file, ``@-`` for stdin."""
    if raw is None:
        return None
    text = read_source(raw[1:], option=option) if raw.startswith("@") else raw
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise UsageError(
            f"{option} is not valid JSON ({err.msg} at line {err.lineno} column {err.colno}); "
            f"""quote it for the shell, e.g. {option} '{{"order_id": "A-1"}}'"""
        ) from None


def method_kwargs(method: MethodDefinition, value: Any) -> dict[str, Any]:
    """Map an ``--input`` value to the method's keyword arguments.

    An object whose keys are parameter names gives the kwargs; for a method with exactly one
    parameter, any other value is that parameter; a list gives the positional arguments.
    """
    names = [p.name for p in method.params]
    if value is None:
        return {}
    if isinstance(value, dict) and value and set(value) <= set(names):  # pyright: ignore[reportUnknownArgumentType]
        return dict(value)  # pyright: ignore[reportUnknownArgumentType]
    if len(names) == 1:
        return {names[0]: value}
    if isinstance(value, list):
        items: list[Any] = list(value)  # pyright: ignore[reportUnknownArgumentType]
        if len(items) > len(names):
            raise UsageError(
                f"--input: {method.qualname} takes {len(names)} argument(s) "
                f"({', '.join(names)}), got {len(items)}"
            )
        return dict(zip(names, items, strict=False))
    raise UsageError(
        f"--input: {method.qualname} takes ({', '.join(names)}); give a JSON object with those keys"
    )


def handler_args(value: Any) -> list[Any]:
    """Signal/query arguments from ``--input``: a list is the arguments, anything else one argument."""
    if value is None:
        return []
    if isinstance(value, list):
        return list(value)  # pyright: ignore[reportUnknownArgumentType]
    return [value]
