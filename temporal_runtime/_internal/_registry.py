"""The per-process registries of workflow classes and activities.

This module is passed through the workflow sandbox, so there is one registry per process.
Inside the sandbox, user modules are re-imported and their classes re-created; those copies
are never registered (`in_sandbox()`), so the registry only holds the outside definitions.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from temporal_runtime._internal._workflow_defn import DEFINITION_ATTR, WorkflowDefinition
from temporal_runtime.errors import RegistrationError, UnknownActivityError, UnknownWorkflowError

if TYPE_CHECKING:
    from temporal_runtime._internal._activity_defn import ActivityDefinition

_T = TypeVar("_T", "WorkflowDefinition", "ActivityDefinition")


class _Registry(Generic[_T]):
    def __init__(self, kind: str, missing: type[LookupError]) -> None:
        self._kind = kind
        self._missing = missing
        self._items: dict[str, _T] = {}
        self._lock = threading.Lock()

    def add(self, name: str, item: _T, origin: str) -> None:
        """Register `item`; a second definition of `name` elsewhere is an error.

        Re-running the same definition (same module and qualified name, as on a module
        reload or a re-executed notebook cell) replaces the old entry instead.
        """
        with self._lock:
            existing = self._items.get(name)
            if existing is not None and existing.origin != origin:
                raise RegistrationError(
                    f"{self._kind} name '{name}' is already registered by {existing.origin}; "
                    f"{origin} cannot use it too. Give one of them another name "
                    f"(for a workflow: class X(Workflow, name=...); for an activity: the "
                    f"first argument of activity_def)."
                )
            self._items[name] = item

    def get(self, name: str) -> _T | None:
        return self._items.get(name)

    def require(self, name: str) -> _T:
        """The definition registered as `name`, or a typed error listing the known names."""
        found = self._items.get(name)
        if found is None:
            raise self._missing(
                f"no {self._kind} named {name!r} is defined in this process; import the module "
                f"that defines it first (known: {self.names()})"
            )
        return found

    def all(self) -> list[_T]:
        with self._lock:
            return list(self._items.values())

    def names(self) -> list[str]:
        return sorted(self._items)


workflows: _Registry[WorkflowDefinition] = _Registry("workflow", UnknownWorkflowError)
activities: _Registry[ActivityDefinition] = _Registry("activity", UnknownActivityError)


def workflow_definition(workflow: type[Any] | str) -> WorkflowDefinition:
    """The definition of a workflow class, or of the one registered under a name.

    Raises `UnknownWorkflowError` for a name no class defines, a class that is not a
    `Workflow`, or an abstract base class.
    """
    if isinstance(workflow, str):
        return workflows.require(workflow)
    definition: WorkflowDefinition | None = getattr(workflow, DEFINITION_ATTR, None)
    if definition is None:
        raise UnknownWorkflowError(
            f"{workflow!r} is not a Workflow subclass; pass a class derived from "
            "temporal_runtime.Workflow, or its workflow name"
        )
    if definition.abstract:
        raise UnknownWorkflowError(
            f"{definition.cls.__name__} is abstract (abstract=True) and cannot be started; "
            "use one of its concrete subclasses"
        )
    return definition
