"""The proxy's runtime signatures are the workflow methods' own, so IDEs that introspect
(``inspect.signature``, ``help()``) see what pyright and mypy see."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from types import ModuleType

import pytest

import examples.approval
import examples.data_pipeline
import examples.orders
from temporal_runtime import TemporalEngine, Workflow
from temporal_runtime.workflow import definition_of

EXAMPLE_MODULES: tuple[ModuleType, ...] = (examples.approval, examples.data_pipeline, examples.orders)


def _entry_methods() -> Iterator[tuple[type[Workflow], str]]:
    for module in EXAMPLE_MODULES:
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Workflow)
                and value.__module__ == module.__name__
            ):
                for name in definition_of(value).methods:
                    yield value, name


ENTRY_METHODS = list(_entry_methods())


def _without_self(fn: Callable[..., object]) -> inspect.Signature:
    signature = inspect.signature(fn)
    return signature.replace(parameters=list(signature.parameters.values())[1:])


def test_every_example_workflow_is_covered() -> None:
    covered = {(cls.__name__, name) for cls, name in ENTRY_METHODS}
    assert {
        ("ApprovalWorkflow", "process"),
        ("DataPipelineWorkflow", "run_pipeline"),
        ("OrderProcessingWorkflow", "process_order"),
    } <= covered


@pytest.fixture(scope="module")
def engine() -> TemporalEngine:
    # Building a proxy needs no connection: an unstarted engine is enough.
    return TemporalEngine(start_worker=False)


IDS = [f"{cls.__name__}.{name}" for cls, name in ENTRY_METHODS]


@pytest.mark.parametrize(("workflow", "name"), ENTRY_METHODS, ids=IDS)
def test_proxy_signature_is_the_method_signature(
    engine: TemporalEngine, workflow: type[Workflow], name: str
) -> None:
    expected = _without_self(getattr(workflow, name))
    proxy = workflow.client(engine)
    assert inspect.signature(getattr(proxy, name)) == expected
    assert inspect.signature(getattr(proxy.with_options(workflow_id="x"), name)) == expected
    # The handle-returning forms take the same arguments.
    assert inspect.signature(getattr(proxy.async_, name)).parameters == expected.parameters
    assert inspect.signature(getattr(proxy.after(60), name)).parameters == expected.parameters
    assert getattr(proxy, name).__name__ == name
    assert getattr(proxy, name).__doc__ == getattr(workflow, name).__doc__
