"""A tenant and a request id travel from the caller through workflows into every activity and log line.

The workflows (`routing_workflows.RoutingTenant`) have no code for it: `ContextPropagator`
on the engine carries the caller's context variables as Temporal headers.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Iterator

import pytest

from temporal_runtime import ConfigError, ContextPropagator, TemporalEngine
from temporal_runtime.testing import InMemoryEngine
from temporal_runtime.testing.pytest_plugin import SharedDevServer
from tests.integration.routing_workflows import RoutingChild, RoutingTenant, request_id, tenant

PROPAGATOR = ContextPropagator(tenant, request_id)
EXPECTED = ["activity:acme:req-1", "sync:acme:req-1", "local:acme:req-1", "child:acme:req-1"]


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def records() -> Iterator[list[logging.LogRecord]]:
    handler = _Records()
    handler.addFilter(PROPAGATOR.logging_filter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield handler.records
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def _engine(server: SharedDevServer, queue: str, *interceptors: ContextPropagator) -> TemporalEngine:
    return TemporalEngine(
        url=server.address,
        task_queue=queue,
        workflows=[RoutingTenant, RoutingChild],
        interceptors=interceptors,
    )


async def _start_as_acme(engine: TemporalEngine | InMemoryEngine) -> object:
    tenant.set("acme")
    request_id.set("req-1")
    return await RoutingTenant.client(engine).async_.run()


async def test_the_ids_reach_every_activity_child_handler_and_log_line(
    dev_server: SharedDevServer, task_queue: str, records: list[logging.LogRecord]
) -> None:
    async with _engine(dev_server, task_queue, PROPAGATOR) as engine:
        # In a task of its own, so the test's context keeps no values.
        handle = await asyncio.create_task(_start_as_acme(engine))
        assert tenant.get() is None
        # The sender has no values: the handler runs with the ones the run started with.
        await handle.signal(RoutingTenant.poke)
        result = await handle.result(timeout=60)
    assert result == [*EXPECTED, "signal:acme:req-1"]

    activity_lines = [r for r in records if r.name == "tests.routing.activities"]
    assert len(activity_lines) == 5
    workflow_lines = [r for r in records if r.name == "temporalio.workflow"]
    messages = {r.getMessage().split(" (")[0].removeprefix("[run] ") for r in workflow_lines}
    assert messages >= {"tenant workflow started", "poked"}
    for record in [*activity_lines, *workflow_lines]:
        assert (record.routing_tenant, record.routing_request_id) == ("acme", "req-1"), record.getMessage()
        assert record.temporal_context == {"routing_tenant": "acme", "routing_request_id": "req-1"}


async def test_a_signal_with_its_own_values_runs_its_handler_with_them(
    dev_server: SharedDevServer, task_queue: str
) -> None:
    async with _engine(dev_server, task_queue, PROPAGATOR) as engine:
        handle = await asyncio.create_task(_start_as_acme(engine))

        async def poke_as_support() -> None:
            tenant.set("support")
            await handle.signal(RoutingTenant.poke)

        await asyncio.create_task(poke_as_support())
        result = await handle.result(timeout=60)
    # The request id was not set by the sender: the run's own carries on.
    assert result == [*EXPECTED, "signal:support:req-1"]


async def test_without_the_propagator_nothing_travels(dev_server: SharedDevServer, task_queue: str) -> None:
    async with _engine(dev_server, task_queue) as engine:
        handle = await asyncio.create_task(_start_as_acme(engine))
        await handle.signal(RoutingTenant.poke)
        result = await handle.result(timeout=60)
    assert result == [
        "activity:None:None",
        "sync:None:None",
        "local:None:None",
        "child:None:None",
        "signal:None:None",
    ]


async def test_in_memory_context_variables_follow_asyncio() -> None:
    # InMemoryEngine runs a workflow as a task made by the start, so the run and its
    # activities see the starter's context without a propagator; a handler runs in a task
    # made by the signal, so it sees the sender's context (here: nothing).
    async with InMemoryEngine() as engine:
        handle = await asyncio.create_task(_start_as_acme(engine))
        await handle.signal(RoutingTenant.poke)
        result = await handle.result(timeout=60)
    assert result == [*EXPECTED, "signal:None:None"]


def test_the_propagator_checks_its_variables() -> None:
    with pytest.raises(ConfigError, match="at least one"):
        ContextPropagator()
    with pytest.raises(ConfigError, match="share a name"):
        ContextPropagator(contextvars.ContextVar("same"), contextvars.ContextVar("same"))
    with pytest.raises(ConfigError, match="ContextVar objects"):
        ContextPropagator("tenant")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="not an interceptor"):
        TemporalEngine(interceptors=[object()])  # type: ignore[list-item]
