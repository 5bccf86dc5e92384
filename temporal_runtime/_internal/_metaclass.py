"""`_WorkflowMeta`: turns each `Workflow` subclass into a registered Temporal workflow."""

from __future__ import annotations

import sys
from typing import Any

import temporalio.workflow

from temporal_runtime._internal import _registry
from temporal_runtime._internal._adapter import build_adapter
from temporal_runtime._internal._sandbox_copy import class_print, reuse_workflow
from temporal_runtime._internal._workflow_defn import (
    DEFINITION_ATTR,
    WorkflowDefinition,
    build_workflow_definition,
)
from temporal_runtime.errors import RegistrationError

_OPTIONS = frozenset({"name", "task_queue", "abstract", "wait_for_handlers", "versioning"})


class _WorkflowMeta(type):
    """Builds a frozen `WorkflowDefinition` and a hidden Temporal adapter per class.

    Class keywords: ``name=`` (Temporal workflow type, default the class name),
    ``task_queue=`` (default: the engine's), ``abstract=True`` (a base class that is not
    itself a workflow), ``wait_for_handlers=False`` (continue-as-new does not wait for
    running signal and update handlers; inherited), ``versioning=`` (a `VersioningBehavior`,
    for worker deployments).
    """

    def __new__(
        mcs, cls_name: str, bases: tuple[type, ...], namespace: dict[str, Any], **options: Any
    ) -> _WorkflowMeta:
        cls = super().__new__(mcs, cls_name, bases, namespace)
        if not any(isinstance(base, _WorkflowMeta) for base in bases):
            return cls  # `Workflow` itself
        unknown = set(options) - _OPTIONS
        if unknown:
            raise RegistrationError(
                f"class {cls_name}(Workflow, ...): unknown option(s) {sorted(unknown)}; "
                f"the options are {sorted(_OPTIONS)}"
            )
        inherited: WorkflowDefinition | None = getattr(cls, DEFINITION_ATTR, None)
        base = _workflow_base(bases)
        settings: dict[str, Any] = {
            "name": options.get("name"),
            "task_queue": options.get("task_queue", inherited.task_queue if inherited else None),
            "abstract": bool(options.get("abstract", False)),
            "wait_for_handlers": bool(
                options.get("wait_for_handlers", inherited.wait_for_handlers if inherited else True)
            ),
            "versioning": options.get("versioning", inherited.versioning if inherited else None),
        }
        fingerprint = class_print(cls, base, tuple(settings.items()))
        in_sandbox = temporalio.workflow.unsafe.in_sandbox()
        # Inside the sandbox (a re-import for one run) the registered definition serves again
        # when the class is the same code; anything else is read in full, as outside.
        definition = None
        if in_sandbox and not settings["abstract"]:
            definition = reuse_workflow(cls, base, fingerprint, settings["name"] or cls_name)
        if definition is None:
            definition = build_workflow_definition(cls, base=base, **settings)
            object.__setattr__(definition, "fingerprint", fingerprint)
            if not definition.abstract:
                object.__setattr__(definition, "adapter", build_adapter(definition))
        if definition.adapter is not None:
            module = sys.modules.get(cls.__module__)
            if module is not None:
                # The worker's sandbox re-imports the adapter by module and name.
                setattr(module, definition.adapter_name, definition.adapter)
            if not in_sandbox:
                _registry.workflows.add(definition.name, definition, definition.origin)
        type.__setattr__(cls, DEFINITION_ATTR, definition)
        return cls

    def __init__(
        cls, cls_name: str, bases: tuple[type, ...], namespace: dict[str, Any], **options: Any
    ) -> None:
        super().__init__(cls_name, bases, namespace)


def _workflow_base(bases: tuple[type, ...]) -> type:
    """The runtime's own `Workflow` class, found from any subclass's bases."""
    for base in bases:
        for klass in base.__mro__:
            if type(klass) is _WorkflowMeta and DEFINITION_ATTR not in vars(klass):
                return klass
    raise RegistrationError("a workflow class must derive from temporal_runtime.Workflow")
