"""How callers name a handler: by its string name, or by the decorated method itself.

``handle.signal(OrderWorkflow.cancel, "why")`` and ``handle.signal("cancel", "why")`` send the
same signal; the method form also places keyword arguments by the handler's own signature and
lets a handle made from an id alone convert results to the handler's return annotation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from temporal_runtime._internal import _registry
from temporal_runtime._internal._annotations import plain_signature
from temporal_runtime._internal._workflow_defn import (
    HANDLER_ATTR,
    HandlerDefinition,
    HandlerKind,
    HandlerMarker,
    WorkflowDefinition,
)


def handler_name(target: str | Callable[..., Any], kind: HandlerKind) -> str:
    """The Temporal name of the handler `target` (a name, or a ``@wf_<kind>`` method)."""
    if isinstance(target, str):
        return target
    marker: HandlerMarker | None = getattr(target, HANDLER_ATTR, None)
    if marker is None:
        raise TypeError(
            f"{getattr(target, '__qualname__', target)!r} is not a {kind} handler; pass the "
            f"method decorated with @wf_{kind}, or the {kind} name as a string"
        )
    if marker.kind != kind:
        raise TypeError(
            f"{getattr(target, '__qualname__', target)!r} is a {marker.kind} handler; use "
            f"handle.{marker.kind}(...) for it"
        )
    fallback: str = getattr(target, "__name__", "")
    return marker.name or fallback


def owner_definition(target: Callable[..., Any]) -> WorkflowDefinition | None:
    """The workflow whose class defines `target` (a method taken from the class), if registered."""
    owner = getattr(target, "__qualname__", "").rpartition(".")[0]
    module = getattr(target, "__module__", None)
    for definition in _registry.workflows.all():
        if definition.cls.__qualname__ == owner and definition.cls.__module__ == module:
            return definition
    return None


def handler_definition(
    workflow: WorkflowDefinition | None, table: str, name: str, target: str | Callable[..., Any]
) -> HandlerDefinition | None:
    """The handler's definition, from the handle's workflow or else the method's own class."""
    if workflow is None and not isinstance(target, str):
        workflow = owner_definition(target)
    if workflow is None:
        return None
    found: HandlerDefinition | None = getattr(workflow, table).get(name)
    return found


def positional(target: str | Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[Any]:
    """Handler arguments by position, as Temporal sends them.

    Keywords are placed by the handler's own signature, which only a method target (not a
    bare name) provides.
    """
    if not kwargs:
        return list(args)
    if isinstance(target, str):
        raise TypeError(
            f"keyword arguments for handler {target!r} need the handler method (e.g. "
            f"handle.signal(MyWorkflow.{target}, ...)); with a name, pass them by position"
        )
    bound = plain_signature(target).bind(None, *args, **kwargs)
    bound.apply_defaults()
    if bound.kwargs:
        raise TypeError(
            f"{getattr(target, '__qualname__', target)!r} has keyword-only parameters "
            f"{sorted(bound.kwargs)}; Temporal handlers take positional arguments only"
        )
    return list(bound.args[1:])
