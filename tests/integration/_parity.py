"""The two engines of the parity suites: the fixture parameter `kind` picks memory or the dev server.

A parity module sets ``engine = parity_engine(*its_workflows)``; each of its tests then runs
once per engine, so a difference between the engines is a failing test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from temporal_runtime import TemporalEngine
from temporal_runtime.testing import InMemoryEngine
from temporal_runtime.testing.pytest_plugin import SharedDevServer

Engine = TemporalEngine | InMemoryEngine


def make_engine(
    kind: str, server: SharedDevServer, task_queue: str, workflows: list[type[Any]], **options: Any
) -> Engine:
    """An engine of `kind` ("memory" or "server"); `options` go to both (config, activity_processes)."""
    if kind == "memory":
        return InMemoryEngine(task_queue=task_queue, **options)
    return TemporalEngine(url=server.address, task_queue=task_queue, workflows=workflows, **options)


@pytest.fixture(params=["memory", "server"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def parity_engine(*workflows: type[Any]) -> Callable[..., Any]:
    """A started `engine` fixture of each kind, serving `workflows` on the server."""

    @pytest.fixture
    async def engine(kind: str, dev_server: SharedDevServer, task_queue: str) -> AsyncIterator[Engine]:
        async with make_engine(kind, dev_server, task_queue, list(workflows)) as started:
            yield started

    return engine


def is_memory(engine: Engine) -> bool:
    return isinstance(engine, InMemoryEngine)


@pytest.fixture(scope="session")
async def parity_search_attribute(dev_server: SharedDevServer) -> str:
    """A Keyword search attribute registered on the shared dev server (idempotent)."""
    import temporalio.api.enums.v1
    import temporalio.api.operatorservice.v1
    import temporalio.client
    import temporalio.service

    name = "ParityCustomer"
    client = await temporalio.client.Client.connect(dev_server.address)
    request = temporalio.api.operatorservice.v1.AddSearchAttributesRequest(
        namespace="default",
        search_attributes={name: temporalio.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD},
    )
    try:
        await client.operator_service.add_search_attributes(request)
    except temporalio.service.RPCError as err:
        if err.status is not temporalio.service.RPCStatusCode.ALREADY_EXISTS:
            raise
    return name
