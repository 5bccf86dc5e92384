"""Determinism checks: replay recorded histories against the current workflow code."""

from __future__ import annotations

import asyncio
import json
import os
import re
from pathlib import Path
from typing import Any

from temporalio.client import WorkflowHistory
from temporalio.converter import PayloadCodec as TemporalPayloadCodec
from temporalio.worker import Replayer

from temporal_runtime._internal import _envelope, _registry
from temporal_runtime._internal._codec import as_temporal, data_converter
from temporal_runtime._internal._payloads import DATA_CONVERTER
from temporal_runtime._internal._workers import DEFAULT_PASSTHROUGH, sandbox_runner
from temporal_runtime.codec import PayloadCodec
from temporal_runtime.config import current_config
from temporal_runtime.engine import TemporalEngine
from temporal_runtime.errors import OptionError, TemporalRuntimeError

__all__ = ["ReplayError", "export_history", "replay", "replay_history", "replay_workflows"]

# Core reports e.g. "Timer machine does not handle this event: HistoryEvent(id: 5, ...)".
_EVENT_ID = re.compile(r"(?:HistoryEvent\(id:\s*|event[ _]?id[ :=]*|\bevent\s+)(\d+)", re.IGNORECASE)


_CORE_MESSAGE = re.compile(r'message: "([^"]+)"')


class ReplayError(TemporalRuntimeError):
    """The current code no longer replays a recorded history (it is not deterministic).

    Raised by `replay` and `replay_history` for a Temporal history, and by `InMemoryEngine`,
    which replays every run it finishes (see ``InMemoryEngine(replay=...)``).

    Attributes:
        workflow_type: The workflow type of the history.
        workflow_id: The id of the recorded workflow.
        run_id: The run the history is of, when known.
        method: The entry method the history started (None if unreadable).
        event_id: The history event where replay diverged (None if Temporal did not say).
        event_type: That event's type, e.g. ``ACTIVITY_TASK_SCHEDULED``.
        first_run: What the recorded run did at that point (`InMemoryEngine`'s own replay).
        replayed: What the replay did there instead.

    Example:
        >>> err = ReplayError("OrderWorkflow.process_order no longer replays", workflow_type="OrderWorkflow")
        >>> err.workflow_type
        'OrderWorkflow'
    """

    def __init__(
        self,
        message: str,
        *,
        workflow_type: str | None = None,
        workflow_id: str | None = None,
        method: str | None = None,
        event_id: int | None = None,
        event_type: str | None = None,
        run_id: str | None = None,
        first_run: str | None = None,
        replayed: str | None = None,
    ) -> None:
        super().__init__(message)
        self.workflow_type = workflow_type
        self.workflow_id = workflow_id
        self.run_id = run_id
        self.method = method
        self.event_id = event_id
        self.event_type = event_type
        self.first_run = first_run
        self.replayed = replayed


def _history_dict(history: str | bytes | os.PathLike[str] | dict[str, Any]) -> dict[str, Any]:
    if isinstance(history, dict):
        return history
    if isinstance(history, os.PathLike):
        history = Path(history).read_text()
    text = history.decode() if isinstance(history, bytes) else history
    if not text.lstrip().startswith("{"):
        text = Path(text).read_text()
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _events(history: dict[str, Any]) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = history.get("events", [])
    return events


def _started_method(history: dict[str, Any]) -> str | None:
    """The entry method in the start event's ``{"method", "kwargs"}`` input."""
    try:
        attrs = _events(history)[0]["workflowExecutionStartedEventAttributes"]
        payloads = [_payload(p) for p in attrs["input"]["payloads"]]
    except Exception:
        return None
    return _envelope.method_in_payloads(payloads, DATA_CONVERTER.payload_converter)


def _payload(raw: dict[str, Any]) -> Any:
    from google.protobuf import json_format
    from temporalio.api.common.v1 import Payload

    return json_format.ParseDict(raw, Payload())


def _workflow_type(history: dict[str, Any]) -> str | None:
    try:
        name = _events(history)[0]["workflowExecutionStartedEventAttributes"]["workflowType"]["name"]
    except (IndexError, KeyError, TypeError):
        return None
    return name if isinstance(name, str) else None


def _event_type(history: dict[str, Any], event_id: int | None) -> str | None:
    if event_id is None:
        return None
    for event in _events(history):
        if str(event.get("eventId")) == str(event_id):
            kind = event.get("eventType")
            return str(kind).removeprefix("EVENT_TYPE_") if kind is not None else None
    return None


async def replay_history(
    history: str | bytes | os.PathLike[str] | dict[str, Any],
    workflow: type[Any] | str,
    *,
    workflow_id: str | None = None,
    run_id: str | None = None,
    codec: PayloadCodec | TemporalPayloadCodec | None = None,
) -> None:
    """Replay a recorded history (JSON text, a dict, or a file path) with the current code.

    Raises `ReplayError` naming the workflow, the entry method and the event where the
    code diverged when it is no longer deterministic. A history recorded with a payload
    codec (`EncryptionCodec`) needs that `codec` to be read.

    Example:
        >>> async def test_orders_replay():  # doctest: +SKIP
        ...     await replay_history(Path("tests/fixtures/histories/orders.json"), OrderWorkflow)
    """
    data = _history_dict(history)
    definition = _registry.workflow_definition(workflow)
    workflow_id = workflow_id or str(data.get("workflowId") or f"replay-{definition.name}")
    replayer = Replayer(
        workflows=[definition.adapter] if definition.adapter is not None else [],
        data_converter=data_converter(as_temporal(codec)),
        # The sandbox a worker with the default settings would run the workflow in.
        workflow_runner=sandbox_runner(
            DEFAULT_PASSTHROUGH, [definition], auto_passthrough=current_config().worker.auto_passthrough
        ),
    )
    events_only = {k: v for k, v in data.items() if k != "workflowId"}
    result = await replayer.replay_workflow(
        WorkflowHistory.from_json(workflow_id, events_only), raise_on_replay_failure=False
    )
    failure = result.replay_failure
    if failure is None:
        return
    detail = str(failure)
    inner = _CORE_MESSAGE.search(detail)
    if inner is not None:
        detail = inner.group(1)
    match = _EVENT_ID.search(detail)
    event_id = int(match.group(1)) if match else None
    event_type = _event_type(data, event_id)
    method = _started_method(data)
    recorded_type = _workflow_type(data) or definition.name
    where = f"event {event_id} ({event_type})" if event_id is not None else "an unknown event"
    run = f", run {run_id!r}" if run_id else ""
    raise ReplayError(
        f"{recorded_type}.{method or '?'} (workflow id {workflow_id!r}{run}, class {definition.origin}) no "
        f"longer replays its recorded history: it diverges at {where}: {type(failure).__name__}: "
        f"{detail}. The code changed in a way that is not deterministic for running workflows; "
        "keep the old behaviour for them (self.patched(...)) or start the change in a new workflow",
        workflow_type=recorded_type,
        workflow_id=workflow_id,
        method=method,
        event_id=event_id,
        event_type=event_type,
        run_id=run_id,
    ) from failure


async def _fetch(engine: TemporalEngine, workflow_id: str, run_id: str | None) -> dict[str, Any]:
    history = await engine.client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
    loaded: dict[str, Any] = json.loads(history.to_json())
    return loaded


async def replay(
    engine: TemporalEngine,
    workflow_id: str,
    workflow: type[Any] | str | None = None,
    *,
    run_id: str | None = None,
) -> None:
    """Fetch a workflow's history from the server and replay it with the current code.

    The latest run unless `run_id` names one; `workflow` defaults to the class registered
    under the history's workflow type; the engine's payload codec, if any, reads the history.

    Example:
        >>> async def test_replays(engine):  # doctest: +SKIP
        ...     handle = await OrderWorkflow.client(engine).async_.process_order(order)
        ...     await handle.result()
        ...     await replay(engine, handle.id)
    """
    data = await _fetch(engine, workflow_id, run_id)
    target = workflow if workflow is not None else (_workflow_type(data) or "")
    codec = engine.client.data_converter.payload_codec
    await replay_history(data, target, workflow_id=workflow_id, run_id=run_id, codec=codec)


def _quoted(value: str) -> str:
    quote = "'" if "'" not in value else '"'
    if quote in value:
        raise OptionError(f"workflow id {value!r} has both quote characters; replay it with query=...")
    return f"{quote}{value}{quote}"


async def replay_workflows(
    engine: TemporalEngine,
    query: str | None = None,
    *,
    workflow_id: str | None = None,
    workflow: type[Any] | str | None = None,
    limit: int | None = None,
) -> list[str]:
    """Replay every run a visibility `query` lists (or every run of `workflow_id`); their run ids.

    Each run is replayed with the class registered for its workflow type (or `workflow`);
    the first that no longer replays raises `ReplayError` naming its id and run. The list
    comes from the visibility store, where a run that closed a moment ago may still be missing.

    Example:
        >>> async def test_recent_orders_replay(engine):  # doctest: +SKIP
        ...     await replay_workflows(engine, "WorkflowType = 'OrderWorkflow'", limit=50)
        ...     await replay_workflows(engine, workflow_id="batch-1")  # all its runs
    """
    clauses = [f"WorkflowId = {_quoted(workflow_id)}"] if workflow_id is not None else []
    if query:
        clauses.append(f"({query})")
    if not clauses:
        raise OptionError("replay_workflows needs a query=... or a workflow_id=... saying which runs")
    replayed: list[str] = []
    codec = engine.client.data_converter.payload_codec
    async for execution in engine.client.list_workflows(" AND ".join(clauses), limit=limit):
        data = await _fetch(engine, execution.id, execution.run_id)
        target = workflow if workflow is not None else execution.workflow_type
        await replay_history(data, target, workflow_id=execution.id, run_id=execution.run_id, codec=codec)
        replayed.append(execution.run_id)
    return replayed


async def export_history(
    engine: TemporalEngine, workflow_id: str, path: str | os.PathLike[str], *, run_id: str | None = None
) -> Path:
    """Save a workflow's history (its latest run, or `run_id`) as JSON for a replay fixture.

    Example:
        >>> async def record(engine):  # doctest: +SKIP
        ...     await export_history(engine, "order-42", "tests/fixtures/histories/order.json")
    """
    data = await _fetch(engine, workflow_id, run_id)
    target = Path(path)
    text = json.dumps({"workflowId": workflow_id, **data}, indent=1) + "\n"
    await asyncio.to_thread(_write, target, text)
    return target


def _write(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
