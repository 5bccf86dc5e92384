"""One start, resolved: what every engine's backend receives to start a run (alone or with a message).

`start_request` fills in everything a caller may leave out (the default workflow id, the task
queue, the configuration's timeouts) and builds the envelope and memo, once, for a plain start
(`EngineSurface.start_bound`) and for a start with a signal or an update (`with_start`).
A start that sets no options (`NO_OPTIONS`, every proxy's default) gets its method's options
resolved once per configuration, not on every call.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal, NamedTuple

import temporalio.client

from temporal_runtime._internal import _envelope
from temporal_runtime._internal._workflow_defn import MethodDefinition, WorkflowDefinition
from temporal_runtime.config import RuntimeConfig, WorkflowDefaults
from temporal_runtime.options import StartOptions

# The options of a start that sets none: what every proxy holds until `with_options`.
NO_OPTIONS = StartOptions()


class StartRequest(NamedTuple):
    """A start with its id, queue and options resolved, and its input and memo built."""

    # A NamedTuple, not a frozen dataclass: made on every start, and half the cost to make.

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
        options=resolved_options(options, method.name, config.workflow),
        workflow_id=options.workflow_id
        or _envelope.default_workflow_id(workflow.name, method.name, uuid.uuid4()),
        task_queue=options.task_queue or workflow.task_queue or default_queue,
    )


def resolved_options(options: StartOptions, method: str, defaults: WorkflowDefaults) -> StartOptions:
    """`options` with the configuration's timeouts where they set none, and `method` as the summary."""
    if options is NO_OPTIONS:
        return _method_defaults(
            defaults.execution_timeout, defaults.run_timeout, defaults.task_timeout, method
        )
    # The Web UI's list shows the summary: by default, which entry method runs.
    return options.with_workflow_defaults(defaults).with_summary(method)


@functools.lru_cache(maxsize=1024)
def _method_defaults(
    execution: timedelta | None, run: timedelta | None, task: timedelta | None, method: str
) -> StartOptions:
    # Immutable keys, a frozen value: one shared StartOptions per method and configuration.
    defaults = WorkflowDefaults(execution_timeout=execution, run_timeout=run, task_timeout=task)
    return NO_OPTIONS.with_workflow_defaults(defaults).with_summary(method)


@dataclass(frozen=True, slots=True)
class StartMessage:
    """The signal or update sent with a start (signal-with-start, update-with-start)."""

    kind: Literal["signal", "update"]
    name: str
    args: Sequence[Any]
    # For an update: return once it is accepted, or once its handler completed.
    stage: temporalio.client.WorkflowUpdateStage = temporalio.client.WorkflowUpdateStage.ACCEPTED
