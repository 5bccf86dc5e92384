"""One start, resolved: what every engine's backend receives to start a run (alone or with a message).

`start_request` fills in everything a caller may leave out (the default workflow id, the task
queue, the configuration's timeouts) and builds the envelope and memo, once, for a plain start
(`EngineSurface.start_bound`) and for a start with a signal or an update (`with_start`).
A start that sets no options (`NO_OPTIONS`, every proxy's default) gets its method's options
resolved once per configuration, not on every call.
"""

from __future__ import annotations

import functools
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


class StartPlans:
    """One engine's starts resolved once per entry method and options object, on first use.

    What a start derives from its method and options alone (the memo, the resolved options,
    the queue) is the same on every call through one proxy, so only the input and the default
    id are made per call. Each entry holds its options and method, so their ids cannot be
    reused while it lives; options made per call are kept to a bounded number.

    Example:
        >>> plans = StartPlans(RuntimeConfig(), "orders")
        >>> plans.default_queue
        'orders'
    """

    __slots__ = ("_plans", "config", "default_queue")

    def __init__(self, config: RuntimeConfig, default_queue: str) -> None:
        self.config = config
        self.default_queue = default_queue
        self._plans: dict[tuple[int, int], _Plan] = {}

    def request(
        self,
        workflow: WorkflowDefinition,
        method: MethodDefinition,
        kwargs: dict[str, Any],
        options: StartOptions,
    ) -> StartRequest:
        """Resolve a start of `method` with bound `kwargs` under `options` and the engine's defaults."""
        plan = self._plans.get((id(options), id(method)))
        if plan is None:  # a plan holds its options and method, so their ids stay theirs
            plan = self._plan(workflow, method, options)
        return StartRequest(
            workflow,
            method,
            _envelope.encode(method.name, kwargs),
            plan.memo,
            plan.options,
            options.workflow_id or f"{plan.id_prefix}{_envelope.unique_suffix()}",
            plan.task_queue,
        )

    def _plan(self, workflow: WorkflowDefinition, method: MethodDefinition, options: StartOptions) -> _Plan:
        if len(self._plans) >= _MAX_PLANS:
            self._plans.clear()
        plan = self._plans[(id(options), id(method))] = _Plan(
            given=options,
            method=method,
            # Shared by every start of the plan: nothing downstream changes a start's memo.
            memo=_envelope.start_memo(method.name, options.memo),
            options=resolved_options(options, method.name, self.config.workflow),
            id_prefix=_envelope.default_workflow_id(workflow.name, method.name, ""),
            task_queue=options.task_queue or workflow.task_queue or self.default_queue,
        )
        return plan


class _Plan(NamedTuple):
    given: StartOptions
    method: MethodDefinition
    memo: dict[str, Any]
    options: StartOptions
    id_prefix: str
    task_queue: str


_MAX_PLANS = 1024


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
