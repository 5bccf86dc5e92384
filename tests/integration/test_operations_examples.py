"""The examples of docs/operations.md sections 6 and 7 run as written, on the dev server (and in memory)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from temporal_runtime._internal import _registry
from temporal_runtime.testing import InMemoryEngine
from temporal_runtime.testing.pytest_plugin import SharedDevServer
from tests.docs_examples import OPERATIONS, load_example

Loader = Callable[[str], ModuleType]


@pytest.fixture
def load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Loader]:
    # The worker's sandbox re-imports an example's workflows by module name.
    monkeypatch.syspath_prepend(str(tmp_path))
    saved = {reg: dict(reg._items) for reg in (_registry.workflows, _registry.activities)}
    loaded: list[str] = []

    def loader(name: str) -> ModuleType:
        module = load_example(name, tmp_path, OPERATIONS)
        loaded.append(module.__name__)
        return module

    yield loader
    # The example's module goes with its folder: no later engine may try to serve its classes.
    for reg, items in saved.items():
        reg._items.clear()
        reg._items.update(items)
    for module_name in loaded:
        sys.modules.pop(module_name, None)


async def test_deployment_versioning(load: Loader, dev_server: SharedDevServer) -> None:
    module = load("deployment-versioning")
    assert await module.main(dev_server.address) == ["billing.v1", "billing.v2"]


async def test_priorities(load: Loader, dev_server: SharedDevServer) -> None:
    module = load("priorities")
    on_server = await module.main(dev_server.address)
    async with InMemoryEngine() as engine:
        in_memory = await module.run(engine)
    for statuses in (on_server, in_memory):
        assert [(s.priority, s.fairness_key, s.fairness_weight) for s in statuses] == [
            (2, "acme", 3.0),
            (4, "tiny-startup", None),
        ]


async def test_user_metadata(load: Loader, dev_server: SharedDevServer) -> None:
    module = load("user-metadata")
    on_server = await module.main(dev_server.address)
    async with InMemoryEngine() as engine:
        in_memory = await module.run(engine)
        assert engine.current_details(in_memory.workflow_id) == "done"
    for status in (on_server, in_memory):
        assert (status.summary, status.details) == ("onboard", "Signed up from the **spring** campaign")


async def test_context_propagation(
    load: Loader, dev_server: SharedDevServer, capsys: pytest.CaptureFixture[str]
) -> None:
    module = load("context-propagation")
    root = logging.getLogger()
    level = root.level
    handler = module.configure_logging()
    try:
        assert await module.main(dev_server.address) == "invoices of acme for 2024-05"
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    printed = capsys.readouterr().err
    assert "INFO [tenant acme] temporalio.workflow: [build] building the report" in printed
    assert "INFO [tenant acme] reports: loading the invoices of 2024-05" in printed


async def test_worker_tuning(load: Loader, dev_server: SharedDevServer) -> None:
    module = load("worker-tuning")
    assert await module.main(dev_server.address) == "HELLO"
