"""One proxy mechanism for client calls and child calls, made once per workflow class.

A proxy kind (`WorkflowClient`, `WorkflowStarter`, `ChildClient`, `ChildStarter`) is a class
that says what a call does (`_call`: start and wait, start and give a handle, ...). For each
workflow class, `proxy_class` makes one subclass per kind with a real method per entry method,
carrying that method's name, signature and docstring, so a call on a proxy is an ordinary
method call and editors, ``help()`` and ``inspect.signature`` see the user's own signature.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from typing import Any

from temporal_runtime._internal._workflow_defn import MethodDefinition, WorkflowDefinition
from temporal_runtime.errors import UnknownMethodError


class Proxy:
    """The base of every proxy kind: the workflow definition, and lookups with typed errors."""

    __slots__ = ("_definition",)

    def __init__(self, definition: WorkflowDefinition) -> None:
        self._definition = definition

    def _call(
        self, method: MethodDefinition, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Coroutine[Any, Any, Any]:
        raise NotImplementedError

    def _method(self, method: Callable[..., Any] | str) -> MethodDefinition:
        """The entry method given as ``MyWorkflow.process`` or as its name."""
        name = method if isinstance(method, str) else getattr(method, "__name__", "")
        return self._definition.method(name)

    def __getattr__(self, name: str) -> Any:
        # Entry methods are class attributes, so only names that are not one get here.
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            definition: WorkflowDefinition = object.__getattribute__(self, "_definition")
        except AttributeError:
            raise AttributeError(name) from None
        definition.method(name)  # raises UnknownMethodError, naming the entry methods
        raise UnknownMethodError(name, name=name, obj=self)

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *self._definition.methods})


def _entry(method: MethodDefinition, doc: str | None) -> Callable[..., Any]:
    def call(self: Proxy, /, *args: Any, **kwargs: Any) -> Coroutine[Any, Any, Any]:
        return self._call(method, args, kwargs)

    call.__name__ = method.name
    call.__qualname__ = method.qualname
    call.__doc__ = doc
    self_param = inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY)
    call.__signature__ = method.signature.replace(  # type: ignore[attr-defined]
        parameters=[self_param, *method.signature.parameters.values()]
    )
    return call


def proxy_class(kind: type[Proxy], definition: WorkflowDefinition) -> type[Any]:
    """The subclass of `kind` for `definition`'s workflow, with one method per entry method."""
    found = definition.proxy_classes.get(kind)
    if found is None:
        namespace: dict[str, Any] = {
            name: _entry(method, getattr(definition.cls, name).__doc__)
            for name, method in definition.methods.items()
        }
        namespace["__slots__"] = ()
        namespace["__module__"] = kind.__module__
        namespace["__qualname__"] = f"{kind.__qualname__}[{definition.cls.__qualname__}]"
        found = type(f"{kind.__name__}[{definition.cls.__name__}]", (kind,), namespace)
        definition.proxy_classes[kind] = found
    return found
