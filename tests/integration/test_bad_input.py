"""Strict dispatch: every malformed start input fails that workflow at once, never the worker.

The workflows are started the way a non-Python caller would: from a raw temporalio client
(no temporal_runtime on the client side) and from the `temporal` CLI.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
import temporalio.client
from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import EventType
from temporalio.common import RawValue
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.exceptions import ApplicationError

from examples import orders
from temporal_runtime import DevServer, TemporalEngine
from tests.integration._temporal_cli import temporal_cli
from tests.integration.payload_app import InitEcho, PayloadWorkflow  # noqa: F401  (served by bad_engine)

WORKFLOW_TYPE = "OrderProcessingWorkflow"
GOOD_ORDER = {"order_id": "A-1", "items": [{"sku": "apple", "quantity": 2}]}
_NO_INPUT: Any = object()
# Payloads no JSON decoder reads: broken JSON, and an encoding nobody registered.
NOT_JSON = RawValue(Payload(metadata={"encoding": b"json/plain"}, data=b"{not json"))
UNKNOWN_ENCODING = RawValue(Payload(metadata={"encoding": b"binary/encrypted"}, data=b"\x00\x01"))


@pytest.fixture(scope="module")
def bad_queue() -> str:
    return f"tq-bad-{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="module")
async def bad_engine(dev_server: DevServer, bad_queue: str) -> AsyncIterator[TemporalEngine]:
    """One engine (one worker) for the whole module: it must survive every bad input."""
    async with TemporalEngine(url=dev_server.address, task_queue=bad_queue) as engine:
        yield engine


@pytest.fixture(scope="module")
async def raw_client(dev_server: DevServer) -> temporalio.client.Client:
    return await temporalio.client.Client.connect(dev_server.address, data_converter=pydantic_data_converter)


async def _assert_failed_at_once(
    handle: temporalio.client.WorkflowHandle[Any, Any], *expected: str, how: str = "process_order(order)"
) -> ApplicationError:
    """The run failed with a non-retryable InvalidWorkflowInput naming the problem, first try."""
    with pytest.raises(temporalio.client.WorkflowFailureError) as info:
        await asyncio.wait_for(handle.result(), 60)
    cause = info.value.cause
    assert isinstance(cause, ApplicationError), repr(cause)
    assert cause.type == "InvalidWorkflowInput"
    assert cause.non_retryable
    for text in expected:
        assert text in cause.message, f"{text!r} not in {cause.message!r}"
    # It names how to start the workflow correctly.
    assert how in cause.message
    history = await handle.fetch_history()
    kinds = [event.event_type for event in history.events]
    assert EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED not in kinds
    assert kinds.count(EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) == 1
    assert kinds[-1] == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED
    return cause


# (case id, input(s) given to the raw client, text the failure message must contain)
RAW_CASES: list[tuple[str, Any, tuple[str, ...]]] = [
    ("unknown-method", [{"method": "ship_it", "kwargs": {}}], ("'ship_it'", "not an entry method")),
    ("private-method", [{"method": "_status", "kwargs": {}}], ("'_status'", "private")),
    ("dunder-method", [{"method": "__init__", "kwargs": {}}], ("'__init__'", "dunder")),
    ("signal-name", [{"method": "cancel", "kwargs": {"reason": "x"}}], ("'cancel'", "signal handler")),
    ("signal-attr", [{"method": "pause", "kwargs": {}}], ("'pause'", "signal handler")),
    ("query-name", [{"method": "progress", "kwargs": {}}], ("'progress'", "query handler")),
    ("missing-kwarg", [{"method": "process_order", "kwargs": {}}], ("missing kwarg(s) 'order'",)),
    (
        "extra-kwarg",
        [{"method": "process_order", "kwargs": {"order": GOOD_ORDER, "rush": True}}],
        ("unexpected kwarg(s) 'rush'",),
    ),
    (
        "invalid-kwarg",
        [
            {
                "method": "process_order",
                "kwargs": {"order": {"order_id": "A-1", "items": [{"sku": "a", "quantity": "many"}]}},
            }
        ],
        ("kwarg 'order' is invalid", "order.items.0.quantity"),
    ),
    ("string-input", ["process_order"], ("must be a JSON object", "got str")),
    ("list-input", [["process_order", {}]], ("must be a JSON object", "got list")),
    ("number-input", [42], ("must be a JSON object", "got int")),
    ("null-input", [None], ("must be a JSON object", "got NoneType")),
    ("no-input", [], ("expected exactly one input, got 0",)),
    (
        "two-inputs",
        [{"method": "process_order", "kwargs": {"order": GOOD_ORDER}}, {"x": 1}],
        ("expected exactly one input, got 2",),
    ),
    ("unreadable-input", [NOT_JSON], ("not readable JSON",)),
    ("unknown-encoding", [UNKNOWN_ENCODING], ("not readable JSON", "binary/encrypted")),
    # temporalio decodes inputs itself when their count is not one; an unreadable one among
    # them must still reach the library's check instead of failing the workflow task.
    (
        "two-inputs-one-unreadable",
        [NOT_JSON, {"method": "process_order", "kwargs": {"order": GOOD_ORDER}}],
        ("expected exactly one input, got 2",),
    ),
    ("three-unreadable", [NOT_JSON, UNKNOWN_ENCODING, NOT_JSON], ("expected exactly one input, got 3",)),
    ("missing-method", [{"kwargs": {"order": GOOD_ORDER}}], ("no 'method'",)),
    ("method-not-string", [{"method": 7, "kwargs": {}}], ("'method' must be a string", "7")),
    ("kwargs-not-object", [{"method": "process_order", "kwargs": [GOOD_ORDER]}], ("'kwargs' must be",)),
    (
        "extra-top-level-key",
        [{"method": "process_order", "kwargs": {"order": GOOD_ORDER}, "priority": 1}],
        ("unexpected key(s) ['priority']",),
    ),
]


@pytest.mark.parametrize(("inputs", "expected"), [c[1:] for c in RAW_CASES], ids=[c[0] for c in RAW_CASES])
async def test_bad_input_from_raw_client(
    bad_engine: TemporalEngine,
    raw_client: temporalio.client.Client,
    bad_queue: str,
    inputs: list[Any],
    expected: tuple[str, ...],
) -> None:
    handle = await raw_client.start_workflow(
        WORKFLOW_TYPE, args=inputs, id=f"bad-{uuid.uuid4().hex[:10]}", task_queue=bad_queue
    )
    await _assert_failed_at_once(handle, *expected)


@pytest.mark.parametrize(
    "inputs",
    [[NOT_JSON], [NOT_JSON, {"method": "echo", "kwargs": {"text": "hi"}}], [{"method": "echo"}, {}]],
    ids=["unreadable", "two-one-unreadable", "two-inputs"],
)
async def test_bad_input_to_a_workflow_whose_init_takes_it(
    bad_engine: TemporalEngine, raw_client: temporalio.client.Client, bad_queue: str, inputs: list[Any]
) -> None:
    # temporalio hands the input to `__init__` as well as to run; it too must fail the run only.
    handle = await raw_client.start_workflow(
        "InitEcho", args=inputs, id=f"bad-init-{uuid.uuid4().hex[:10]}", task_queue=bad_queue
    )
    await _assert_failed_at_once(handle, "InitEcho", how="echo(text)")
    good = {"method": "echo", "kwargs": {"text": "hi"}}
    ok = await raw_client.execute_workflow(
        "InitEcho", good, id=f"ok-init-{uuid.uuid4().hex[:10]}", task_queue=bad_queue
    )
    assert ok == "hi"


# (case id, --input flags given to the CLI, text the failure message must contain)
CLI_CASES: list[tuple[str, list[str], tuple[str, ...]]] = [
    ("unknown-method", ['{"method": "ship_it", "kwargs": {}}'], ("'ship_it'", "not an entry method")),
    ("query-name", ['{"method": "status", "kwargs": {}}'], ("'status'", "query handler")),
    ("missing-kwarg", ['{"method": "process_order", "kwargs": {}}'], ("missing kwarg(s) 'order'",)),
    (
        "invalid-kwarg",
        ['{"method": "process_order", "kwargs": {"order": {"order_id": "A", "items": "none"}}}'],
        ("order.items",),
    ),
    ("string-input", ['"process_order"'], ("got str",)),
    ("list-input", ['["process_order"]'], ("got list",)),
    ("number-input", ["3"], ("got int",)),
    ("no-input", [], ("expected exactly one input, got 0",)),
    ("two-inputs", ['{"method": "process_order", "kwargs": {}}', "{}"], ("got 2",)),
    ("not-json", ["{method: process_order}"], ()),
]


@pytest.mark.parametrize(("inputs", "expected"), [c[1:] for c in CLI_CASES], ids=[c[0] for c in CLI_CASES])
async def test_bad_input_from_cli(
    bad_engine: TemporalEngine,
    raw_client: temporalio.client.Client,
    dev_server: DevServer,
    bad_queue: str,
    inputs: list[str],
    expected: tuple[str, ...],
) -> None:
    workflow_id = f"bad-cli-{uuid.uuid4().hex[:10]}"
    flags = [arg for value in inputs for arg in ("--input", value)]
    result = await temporal_cli(
        dev_server.address,
        "workflow",
        "start",
        "--type",
        WORKFLOW_TYPE,
        "--task-queue",
        bad_queue,
        "--workflow-id",
        workflow_id,
        *flags,
    )
    if expected == ():
        # Input that is not JSON at all is refused by the CLI itself; nothing was started.
        assert result.returncode != 0
        assert "input" in result.stderr.lower()
        return
    assert result.returncode == 0, result.stderr
    await _assert_failed_at_once(raw_client.get_workflow_handle(workflow_id), *expected)


async def test_cli_execute_reports_the_failure(
    dev_server: DevServer, bad_engine: TemporalEngine, bad_queue: str
) -> None:
    result = await temporal_cli(
        dev_server.address,
        "workflow",
        "execute",
        "--type",
        WORKFLOW_TYPE,
        "--task-queue",
        bad_queue,
        "--workflow-id",
        f"bad-exec-{uuid.uuid4().hex[:10]}",
        "--input",
        json.dumps({"method": "resume", "kwargs": {}}),
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "InvalidWorkflowInput" in output or "signal handler" in output, output


# (case id, arguments given to a handler that takes (text: str), text the answer must contain)
HANDLER_CASES: list[tuple[str, list[Any], tuple[str, ...]]] = [
    ("unreadable", [NOT_JSON], ("argument 1 of 1 is not readable JSON", "Invalid JSON")),
    ("unknown-encoding", [UNKNOWN_ENCODING], ("argument 1 of 1 is not readable JSON", "binary/encrypted")),
    ("two-one-unreadable", ["fine", NOT_JSON], ("argument 2 of 2 is not readable JSON",)),
    ("two-readable", ["fine", "extra"], ("takes (text); got 2 argument(s)",)),
    ("none", [], ("takes (text); got 0 argument(s)",)),
    ("wrong-type", [{"text": 1}], ("'text' is invalid", "valid string")),
]


@pytest.fixture
async def serving(
    bad_engine: TemporalEngine, raw_client: temporalio.client.Client, bad_queue: str
) -> AsyncIterator[temporalio.client.WorkflowHandle[Any, Any]]:
    handle = await raw_client.start_workflow(
        "PayloadWorkflow", {"method": "serve"}, id=f"bad-h-{uuid.uuid4().hex[:10]}", task_queue=bad_queue
    )
    yield handle
    # Whatever it was sent, the workflow still runs normally and no task ever failed.
    assert await handle.query("received") == []
    await handle.signal("finish")
    assert await asyncio.wait_for(handle.result(), 60) == []
    kinds = [event.event_type for event in (await handle.fetch_history()).events]
    assert EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED not in kinds


@pytest.mark.parametrize(
    ("args", "expected"), [c[1:] for c in HANDLER_CASES], ids=[c[0] for c in HANDLER_CASES]
)
async def test_bad_query_and_update_arguments_answer_in_the_librarys_words(
    serving: temporalio.client.WorkflowHandle[Any, Any], args: list[Any], expected: tuple[str, ...]
) -> None:
    with pytest.raises(temporalio.client.WorkflowQueryFailedError) as query:
        await serving.query("echo", args=args)
    assert "PayloadWorkflow.echo" in query.value.message
    for text in expected:
        assert text in query.value.message, f"{text!r} not in {query.value.message!r}"

    with pytest.raises(temporalio.client.WorkflowUpdateFailedError) as update:
        await serving.execute_update("take", args=args)
    cause = update.value.cause
    assert isinstance(cause, ApplicationError), repr(cause)
    assert cause.type == "InvalidUpdateInput" and cause.non_retryable
    assert "PayloadWorkflow.take" in cause.message
    for text in expected:
        assert text in cause.message, f"{text!r} not in {cause.message!r}"

    # A signal cannot answer: it is dropped (and logged), the workflow is unaffected.
    await serving.signal("feed", args=args)


async def test_same_worker_still_serves_after_bad_inputs(
    bad_engine: TemporalEngine, raw_client: temporalio.client.Client, bad_queue: str
) -> None:
    # Runs after the cases above on the same module-scoped worker; one more bad start here
    # keeps the test meaningful when it is selected alone.
    bad = await raw_client.start_workflow(
        WORKFLOW_TYPE, {"method": "nope"}, id=f"bad-{uuid.uuid4().hex[:10]}", task_queue=bad_queue
    )
    await _assert_failed_at_once(bad, "'nope'")
    assert all(not task.done() for task in bad_engine._worker_tasks)
    health = await bad_engine.health_check()
    assert health.healthy, health.detail

    order = orders.Order(order_id="good-1", items=[orders.Item(sku="apple", quantity=2)])
    result = await orders.OrderProcessingWorkflow.client(bad_engine).process_order(order)
    assert result == orders.OrderResult(status="completed", items=1)

    raw = await raw_client.execute_workflow(
        WORKFLOW_TYPE,
        {"method": "process_order", "kwargs": {"order": GOOD_ORDER}},
        id=f"good-raw-{uuid.uuid4().hex[:10]}",
        task_queue=bad_queue,
    )
    assert raw == {"status": "completed", "items": 1}
