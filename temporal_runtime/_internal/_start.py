"""One start, resolved: what every engine's backend receives to start a run (alone or with a message).

`start_request` fills in everything a caller may leave out (the default workflow id, the task
queue, the configuration's timeouts) and builds the envelope and memo, once, for a plain start
(`EngineSurface.start_bound`) and for a start with a signal or an update (`with_start`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import temporalio.client

from temporal_runtime._internal import _envelope
from temporal_runtime._internal._workflow_defn import MethodDefinition, WorkflowDefinition
from temporal_runtime.config import RuntimeConfig
from temporal_runtime.options import StartOptions


@dataclass(frozen=True, slots=True)
class StartRequest:
    """A start with its id, queue and options resolved, and its input and memo built."""

    workflow: WorkflowDefinition
    method: MethodDefinition
    envelope: dict[str, Any]
    memo: dict[str, Any]
    options: StartOptions
    workflow_id: str
    task_queue: str


def start_request(
    workflow: WorkflowDefinition,
    method: MethodDefinition,
    kwargs: dict[str, Any],
    options: StartOptions,
    *,
    config: RuntimeConfig,
    default_queue: str,
) -> StartRequest:
    """Resolve a start of `method` with bound `kwargs` under `options` and the engine's defaults."""
    return StartRequest(
        workflow=workflow,
        method=method,
        envelope=_envelope.encode(method.name, kwargs),
        memo=_envelope.start_memo(method.name, options.memo),
        # The Web UI's list shows the summary: by default, which entry method runs.
        options=options.with_workflow_defaults(config.workflow).with_summary(method.name),
        workflow_id=options.workflow_id
        or _envelope.default_workflow_id(workflow.name, method.name, uuid.uuid4()),
        task_queue=options.task_queue or workflow.task_queue or default_queue,
    )


@dataclass(frozen=True, slots=True)
class StartMessage:
    """The signal or update sent with a start (signal-with-start, update-with-start)."""

    kind: Literal["signal", "update"]
    name: str
    args: Sequence[Any]
    # For an update: return once it is accepted, or once its handler completed.
    stage: temporalio.client.WorkflowUpdateStage = temporalio.client.WorkflowUpdateStage.ACCEPTED
