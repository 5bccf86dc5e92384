"""The temporalio interceptors behind `ContextPropagator`: context variables as Temporal headers.

One header per variable (its name), JSON-encoded with temporalio's default payload converter
(headers do not pass through a payload codec, so keep values to ids). The path of a value:

- client: each start, signal, query and update carries the caller's current values;
- workflow: the start's headers set the variables while the run's code executes, and each
  signal, query and update handler sees its own call's values over them; every activity,
  local activity, child, child or external signal and continue-as-new carries them on;
- activity: the headers set the variables while it runs (thread-pool activities included:
  temporalio copies the context into the thread).

The workflow side runs inside temporalio's sandbox. This module is passed through (the whole
runtime is), and the variables are the host's own objects held by the interceptor class, so
the host's logging filter sees the values that workflow code logs with.
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator, Mapping
from contextvars import ContextVar
from typing import Any, Protocol

import temporalio.api.common.v1
import temporalio.client
import temporalio.converter
import temporalio.worker
import temporalio.workflow

Payload = temporalio.api.common.v1.Payload
_CONVERTER = temporalio.converter.default().payload_converter
_MISSING: Any = object()


class _HasHeaders(Protocol):
    headers: Mapping[str, Payload]


def current_values(variables: tuple[ContextVar[Any], ...]) -> dict[str, Any]:
    """The variables that have a (non-None) value in the current context, by name."""
    found: dict[str, Any] = {}
    for var in variables:
        value = var.get(_MISSING)
        if value is not _MISSING and value is not None:
            found[var.name] = value
    return found


def _add_headers(input: _HasHeaders, values: Mapping[str, Any]) -> None:
    if values:
        input.headers = {**input.headers, **{k: _CONVERTER.to_payload(v) for k, v in values.items()}}


def _read_headers(variables: tuple[ContextVar[Any], ...], headers: Mapping[str, Payload]) -> dict[str, Any]:
    return {var.name: _CONVERTER.from_payload(headers[var.name]) for var in variables if var.name in headers}


@contextlib.contextmanager
def _values_set(variables: tuple[ContextVar[Any], ...], values: Mapping[str, Any]) -> Generator[None]:
    tokens = [(var, var.set(values[var.name])) for var in variables if var.name in values]
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


class ClientOutbound(temporalio.client.OutboundInterceptor):
    """Adds the caller's values to every start, signal, query and update."""

    def __init__(
        self, next: temporalio.client.OutboundInterceptor, variables: tuple[ContextVar[Any], ...]
    ) -> None:
        super().__init__(next)
        self._variables = variables

    async def start_workflow(
        self, input: temporalio.client.StartWorkflowInput
    ) -> temporalio.client.WorkflowHandle[Any, Any]:
        _add_headers(input, current_values(self._variables))
        return await super().start_workflow(input)

    async def signal_workflow(self, input: temporalio.client.SignalWorkflowInput) -> None:
        _add_headers(input, current_values(self._variables))
        await super().signal_workflow(input)

    async def query_workflow(self, input: temporalio.client.QueryWorkflowInput) -> Any:
        _add_headers(input, current_values(self._variables))
        return await super().query_workflow(input)

    async def start_workflow_update(
        self, input: temporalio.client.StartWorkflowUpdateInput
    ) -> temporalio.client.WorkflowUpdateHandle[Any]:
        _add_headers(input, current_values(self._variables))
        return await super().start_workflow_update(input)


class ActivityInbound(temporalio.worker.ActivityInboundInterceptor):
    """Sets the variables from the activity's headers while it runs."""

    def __init__(
        self, next: temporalio.worker.ActivityInboundInterceptor, variables: tuple[ContextVar[Any], ...]
    ) -> None:
        super().__init__(next)
        self._variables = variables

    async def execute_activity(self, input: temporalio.worker.ExecuteActivityInput) -> Any:
        with _values_set(self._variables, _read_headers(self._variables, input.headers)):
            return await super().execute_activity(input)


class WorkflowInbound(temporalio.worker.WorkflowInboundInterceptor):
    """Sets the variables from the start's (and each handler call's) headers.

    `workflow_inbound_class` makes one subclass per propagator, holding its variables.
    """

    variables: tuple[ContextVar[Any], ...] = ()

    def __init__(self, next: temporalio.worker.WorkflowInboundInterceptor) -> None:
        super().__init__(next)
        self._start_values: dict[str, Any] | None = None

    @property
    def start_values(self) -> dict[str, Any]:
        """What the start carried: the run's values wherever no call brings its own.

        Read from the run's info, not from `execute_workflow`: a signal that arrives with the
        start is handled before the run's code begins.
        """
        if self._start_values is None:
            self._start_values = _read_headers(self.variables, temporalio.workflow.info().headers)
        return self._start_values

    def init(self, outbound: temporalio.worker.WorkflowOutboundInterceptor) -> None:
        super().init(WorkflowOutbound(outbound, self))

    def _for_call(self, headers: Mapping[str, Payload]) -> dict[str, Any]:
        return {**self.start_values, **_read_headers(self.variables, headers)}

    async def execute_workflow(self, input: temporalio.worker.ExecuteWorkflowInput) -> Any:
        with _values_set(self.variables, self._for_call(input.headers)):
            return await super().execute_workflow(input)

    async def handle_signal(self, input: temporalio.worker.HandleSignalInput) -> None:
        with _values_set(self.variables, self._for_call(input.headers)):
            await super().handle_signal(input)

    async def handle_query(self, input: temporalio.worker.HandleQueryInput) -> Any:
        with _values_set(self.variables, self._for_call(input.headers)):
            return await super().handle_query(input)

    def handle_update_validator(self, input: temporalio.worker.HandleUpdateInput) -> None:
        with _values_set(self.variables, self._for_call(input.headers)):
            super().handle_update_validator(input)

    async def handle_update_handler(self, input: temporalio.worker.HandleUpdateInput) -> Any:
        with _values_set(self.variables, self._for_call(input.headers)):
            return await super().handle_update_handler(input)


class WorkflowOutbound(temporalio.worker.WorkflowOutboundInterceptor):
    """Carries the values on from the workflow to what it starts or signals."""

    def __init__(self, next: temporalio.worker.WorkflowOutboundInterceptor, inbound: WorkflowInbound) -> None:
        super().__init__(next)
        self._inbound = inbound

    def _carry(self, input: _HasHeaders) -> None:
        # Code outside the handlers' contexts (a task the workflow made before a handler set
        # its values) still carries the run's start values.
        _add_headers(input, {**self._inbound.start_values, **current_values(self._inbound.variables)})

    def start_activity(
        self, input: temporalio.worker.StartActivityInput
    ) -> temporalio.workflow.ActivityHandle[Any]:
        self._carry(input)
        return super().start_activity(input)

    def start_local_activity(
        self, input: temporalio.worker.StartLocalActivityInput
    ) -> temporalio.workflow.ActivityHandle[Any]:
        self._carry(input)
        return super().start_local_activity(input)

    async def start_child_workflow(
        self, input: temporalio.worker.StartChildWorkflowInput
    ) -> temporalio.workflow.ChildWorkflowHandle[Any, Any]:
        self._carry(input)
        return await super().start_child_workflow(input)

    async def signal_child_workflow(self, input: temporalio.worker.SignalChildWorkflowInput) -> None:
        self._carry(input)
        await super().signal_child_workflow(input)

    async def signal_external_workflow(self, input: temporalio.worker.SignalExternalWorkflowInput) -> None:
        self._carry(input)
        await super().signal_external_workflow(input)

    def continue_as_new(self, input: temporalio.worker.ContinueAsNewInput) -> Any:
        self._carry(input)
        return super().continue_as_new(input)


def workflow_inbound_class(variables: tuple[ContextVar[Any], ...]) -> type[WorkflowInbound]:
    """The workflow interceptor class of one propagator (its variables as a class attribute)."""
    return type(
        "ContextWorkflowInbound", (WorkflowInbound,), {"variables": variables, "__module__": __name__}
    )
