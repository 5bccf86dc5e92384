"""Priority, fairness and user metadata: the same behaviour on InMemoryEngine and the dev server.

What a server keeps in the history (an activity's priority and summary, a timer's summary)
is read from the history on the server, and from `InMemoryEngine.calls` in memory, which
has no history; the current details are read with ``temporal workflow metadata`` on the
server and `InMemoryEngine.current_details` in memory.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionRequest
from temporalio.contrib.pydantic import pydantic_data_converter

from temporal_runtime import EncryptionCodec, ExecutionStatus, OptionError, TemporalEngine
from temporal_runtime.testing import InMemoryEngine
from temporal_runtime.testing.pytest_plugin import SharedDevServer
from tests.integration._temporal_cli import temporal_cli
from tests.integration.routing_workflows import RoutingChild, RoutingOrders, echo

Engine = TemporalEngine | InMemoryEngine
WORKFLOWS = [RoutingOrders, RoutingChild]


@pytest.fixture(params=["memory", "server"])
async def engine(
    request: pytest.FixtureRequest, dev_server: SharedDevServer, task_queue: str
) -> AsyncIterator[Engine]:
    made: Engine
    if request.param == "memory":
        made = InMemoryEngine(task_queue=task_queue)
    else:
        made = TemporalEngine(url=dev_server.address, task_queue=task_queue, workflows=WORKFLOWS)
    async with made as started:
        yield started


async def _current_details(engine: Engine, workflow_id: str) -> str:
    if isinstance(engine, InMemoryEngine):
        return engine.current_details(workflow_id)
    shown = await temporal_cli(engine.address, "workflow", "metadata", "-w", workflow_id, "-o", "json")
    assert shown.returncode == 0, shown.stderr
    return str(shown.json()["queryResult"][0].get("currentDetails", ""))


async def _eventually_details(
    engine: Engine, workflow_id: str, expected: str, *, advance: bool = False
) -> bool:
    for _ in range(100):
        if await _current_details(engine, workflow_id) == expected:
            return True
        if advance and isinstance(engine, InMemoryEngine):
            await engine.advance(1)  # virtual time: the "cool down" sleep ends
        await asyncio.sleep(0.1)
    return False


async def _history_summaries(engine: TemporalEngine, workflow_id: str) -> dict[str, list[Any]]:
    """What the history recorded: activity (summary, priority) and timer summaries."""
    decode = pydantic_data_converter.payload_converter.from_payload
    found: dict[str, list[Any]] = {"activities": [], "timers": []}
    async for event in engine.client.get_workflow_handle(workflow_id).fetch_history_events():
        summary = decode(event.user_metadata.summary) if event.user_metadata.HasField("summary") else None
        if event.HasField("activity_task_scheduled_event_attributes"):
            prio = event.activity_task_scheduled_event_attributes.priority
            found["activities"].append((summary, prio.priority_key or None, prio.fairness_key or None))
        if event.HasField("timer_started_event_attributes"):
            found["timers"].append(summary)
        if event.HasField("marker_recorded_event_attributes"):
            found["activities"].append((summary, "local"))
    return found


async def test_priority_summary_and_details_reach_the_status_and_the_history(engine: Engine) -> None:
    handle = await (
        RoutingOrders.client(engine)
        .with_options(
            workflow_id="rt-1", priority=2, fairness_key="acme", fairness_weight=0.3, details="**big**"
        )
        .async_.place("rt-1")
    )
    status = await handle.status()
    # The summary defaults to the entry method, so the Web UI's list says which method runs.
    assert (status.summary, status.details) == ("place", "**big**")
    assert (status.priority, status.fairness_key, status.fairness_weight) == (2, "acme", 0.3)

    assert await _eventually_details(engine, "rt-1", "**placing** rt-1")
    # Released only once waiting, so the wait's timeout timer (and its summary) exists.
    assert await _eventually_details(engine, "rt-1", "waiting for release", advance=True)
    await handle.signal(RoutingOrders.release)
    assert await handle.result(timeout=60) == "rt-1"
    assert await _current_details(engine, "rt-1") == "done"

    # A child takes each priority field it does not set from its parent; its summary is its method.
    inherited = await engine.get_status("rt-1-child")
    assert (inherited.priority, inherited.fairness_key, inherited.summary) == (2, "acme", "work")
    own = await engine.get_status("rt-1-own")
    assert (own.priority, own.fairness_key, own.summary) == (5, "acme", "own")

    if isinstance(engine, InMemoryEngine):
        calls = [c for c in engine.calls(echo) if c.workflow_id == "rt-1"]
        assert [(c.options.summary, c.options.priority, c.options.fairness_key, c.local) for c in calls] == [
            ("echo rt-1", 1, "vip", False),
            ("local echo", None, None, True),
        ]
    else:
        recorded = await _history_summaries(engine, "rt-1")
        assert recorded["activities"] == [("echo rt-1", 1, "vip"), ("local echo", "local")]
        assert recorded["timers"] == ["cool down", "wait for release"]


async def test_a_start_without_options_has_the_method_as_summary_and_no_priority(engine: Engine) -> None:
    handle = await RoutingChild.client(engine).async_.work("plain")
    assert await handle.result(timeout=30) == "plain"
    status = await handle.status()
    assert (status.summary, status.details, status.priority, status.fairness_key) == (
        "work",
        None,
        None,
        None,
    )


async def test_a_continued_run_keeps_the_priority_but_not_the_summary(engine: Engine) -> None:
    # As a server does for continue-as-new (and for a workflow's retries).
    handle = (
        await RoutingChild.client(engine).with_options(priority=3, summary="counting").async_.countdown(1)
    )
    assert await handle.result(timeout=30) == 0
    status = await engine.get_status(handle.id)
    assert status.run_id != handle.run_id
    assert (status.priority, status.summary) == (3, None)


async def test_by_name_starts_take_the_routing_options(engine: Engine) -> None:
    handle = await engine.start_method(RoutingChild, "work", "n", summary="by name", priority=4)
    assert await handle.result(timeout=30) == "n"
    status = await handle.status()
    assert (status.summary, status.priority) == ("by name", 4)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"priority": 0}, "'priority' must be an int of 1 or more"),
        ({"fairness_key": "x" * 65}, "at most 64 bytes"),
        ({"fairness_weight": 0}, "from 0.001 to 1000"),
        ({"summary": "two\nlines"}, "one line of text"),
        ({"details": ""}, "non-empty string"),
    ],
)
def test_bad_routing_options_are_refused_when_given(
    engine: Engine, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(OptionError, match=message):
        RoutingChild.client(engine).with_options(**options)


async def test_with_a_payload_codec_the_summary_is_encrypted_and_reads_back(
    dev_server: SharedDevServer, task_queue: str
) -> None:
    codec = EncryptionCodec({"k1": EncryptionCodec.generate_key()})
    async with TemporalEngine(
        url=dev_server.address, task_queue=task_queue, workflows=[RoutingChild], codec=codec
    ) as engine:
        handle = await RoutingChild.client(engine).with_options(details="for **acme**").async_.work("c")
        assert await handle.result(timeout=30) == "c"
        status = await handle.status()
        assert (status.summary, status.details) == ("work", "for **acme**")
        # The server (and the Web UI without the codec server) sees ciphertext only.
        raw = await engine.client.workflow_service.describe_workflow_execution(
            DescribeWorkflowExecutionRequest(
                namespace=engine.namespace, execution=WorkflowExecution(workflow_id=handle.id)
            )
        )
        stored = raw.execution_config.user_metadata
        assert b"acme" not in stored.details.data and b"work" not in stored.summary.data
    # An engine with other keys still describes the run, without the text it cannot read.
    other_keys = EncryptionCodec({"k2": EncryptionCodec.generate_key()})
    async with TemporalEngine(
        url=dev_server.address, task_queue=task_queue, start_worker=False, codec=other_keys
    ) as other:
        unreadable = await other.get_status(handle.id)
    assert (unreadable.summary, unreadable.details, unreadable.status) == (
        None,
        None,
        ExecutionStatus.COMPLETED,
    )
