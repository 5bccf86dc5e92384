"""Fake child workflows for tests: ``children={Child.method | Child | "Child": fake}``.

Both test engines take the same mapping. A fake stands in for an entry method of a workflow
type: it is called with that method's arguments (by name, validated and converted as the
method gets them) and returns its result, sync or async. Everything else about the run stays
real: its id, status, parent close policy, and its signal, query and update handlers, which
run on a real instance of the class. A key of a class or a workflow name fakes every entry
method of that type; a key of one method (``Shipping.ship``) fakes that method only, and
wins over the class's key.

`InMemoryEngine` runs the fake as the workflow's body; `local_engine` hands the fakes to its
worker, where the workflow runs the fake in place of the method (so a fake there is workflow
code: compute and return, no I/O).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

import temporalio.worker

from temporal_runtime._internal import _registry
from temporal_runtime._internal._targets import owner_definition
from temporal_runtime._internal._temporal_runtime import FAKES_EXTERN
from temporal_runtime._internal._workflow_defn import WorkflowDefinition
from temporal_runtime.errors import RegistrationError

# What a test passes: a workflow class, its name, or one of its entry methods, to a fake.
WorkflowFakes = Mapping[type[Any] | str | Callable[..., Any], Callable[..., Any]]


class FakeTable:
    """The fakes of one engine, by (workflow type, entry method or None for every method)."""

    __slots__ = ("_fakes",)

    def __init__(self, given: WorkflowFakes | None, where: str) -> None:
        self._fakes: dict[tuple[str, str | None], Callable[..., Any]] = {}
        for key, fake in (given or {}).items():
            if not callable(fake):
                raise RegistrationError(
                    f"{where}(children=...): the fake for {key!r} is not callable: {fake!r}"
                )
            self._fakes[_resolve(key, where)] = fake

    def __bool__(self) -> bool:
        return bool(self._fakes)

    def get(self, workflow: str, method: str) -> Callable[..., Any] | None:
        """The fake of `workflow`'s entry `method`, or None to run the real method."""
        fakes = self._fakes
        if not fakes:
            return None
        return fakes.get((workflow, method)) or fakes.get((workflow, None))


def _resolve(key: type[Any] | str | Callable[..., Any], where: str) -> tuple[str, str | None]:
    if isinstance(key, str):
        if _registry.workflows.get(key) is None:
            raise RegistrationError(
                f"{where}(children=...): no workflow named {key!r} is registered; known: "
                f"{_registry.workflows.names()}"
            )
        return key, None
    if inspect.isclass(key):
        return _registry.workflow_definition(key).name, None
    definition: WorkflowDefinition | None = owner_definition(key)
    name = getattr(key, "__name__", "")
    if definition is None or name not in definition.methods:
        raise RegistrationError(
            f"{where}(children=...): {getattr(key, '__qualname__', key)!r} is not an entry method "
            "of a workflow class; key a fake by the class, its workflow name, or one of its entry "
            "methods (Child.method)"
        )
    return definition.name, name


class FakesInterceptor(temporalio.worker.Interceptor):
    """Hands a test engine's workflow fakes to the workflows its worker runs."""

    def __init__(self, fakes: FakeTable) -> None:
        self._fakes = fakes

    def workflow_interceptor_class(
        self, input: temporalio.worker.WorkflowInterceptorClassInput
    ) -> type[temporalio.worker.WorkflowInboundInterceptor] | None:
        input.unsafe_extern_functions[FAKES_EXTERN] = self._fakes.get  # pyright: ignore[reportUnknownMemberType]
        return None
