"""Context that travels with the work: a tenant or correlation id from caller to every activity.

`ContextPropagator` takes your own `contextvars.ContextVar` objects. Give it to the engine
(``TemporalEngine(interceptors=[propagator])``) and whatever the variables hold when a
workflow is started, signalled, queried or updated travels with the call as a Temporal
header: the workflow's code runs with the same values, and so does every activity, local
activity and child workflow it starts, on any worker that uses the same propagator. No
workflow or activity code changes. `ContextPropagator.logging_filter` puts the values on
every log record (workflow and activity logs alike).

Example:
    >>> from contextvars import ContextVar
    >>> tenant: ContextVar[str | None] = ContextVar("tenant", default=None)
    >>> propagator = ContextPropagator(tenant)
    >>> propagator.names
    ('tenant',)
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any

import temporalio.client
import temporalio.worker

from temporal_runtime._internal._context import (
    ActivityInbound,
    ClientOutbound,
    current_values,
    workflow_inbound_class,
)
from temporal_runtime.errors import ConfigError

__all__ = ["ContextPropagator"]


class ContextPropagator(temporalio.client.Interceptor, temporalio.worker.Interceptor):
    """Carries context variables from the caller through workflows into activities.

    Each variable travels as a header named after it (``ContextVar("tenant")`` is header
    ``tenant``), JSON-encoded: give the variables ids and short strings (headers are not
    encrypted by a payload codec). A variable that is unset (or None) is not sent. The
    workers that run the workflows and activities need the same propagator, which they get
    when the engine that runs them has it.

    Example:
        >>> from contextvars import ContextVar
        >>> request_id: ContextVar[str] = ContextVar("request_id")
        >>> engine_interceptors = [ContextPropagator(request_id)]
    """

    def __init__(self, *variables: ContextVar[Any]) -> None:
        if not variables:
            raise ConfigError("ContextPropagator() needs at least one contextvars.ContextVar to carry")
        for var in variables:
            if not isinstance(var, ContextVar):  # pyright: ignore[reportUnnecessaryIsInstance]
                raise ConfigError(f"ContextPropagator takes contextvars.ContextVar objects, got {var!r}")
        names = [var.name for var in variables]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ConfigError(
                f"ContextPropagator: the variables {twice} share a name, and the name is the "
                "header they travel in; give each ContextVar its own name"
            )
        self._variables = tuple(variables)
        self._workflow_class = workflow_inbound_class(self._variables)

    @property
    def names(self) -> tuple[str, ...]:
        """The variables' names, which are also their header names."""
        return tuple(var.name for var in self._variables)

    def logging_filter(self) -> logging.Filter:
        """A filter that puts the current values on each record it sees.

        Each variable becomes a record attribute of its name (None when unset), so a format
        can say ``%(tenant)s``; all of them together are ``record.temporal_context``, which
        the CLI's JSON log format writes as top-level fields. Add it to a handler.

        Example:
            >>> from contextvars import ContextVar
            >>> handler = logging.StreamHandler()
            >>> handler.addFilter(ContextPropagator(ContextVar("tenant")).logging_filter())
        """
        return _ContextFilter(self._variables)

    # -- temporalio's interceptor hooks (the engine calls these) --------------------------------

    def intercept_client(
        self, next: temporalio.client.OutboundInterceptor
    ) -> temporalio.client.OutboundInterceptor:
        """The client side: adds the caller's values to starts, signals, queries and updates."""
        return ClientOutbound(next, self._variables)

    def intercept_activity(
        self, next: temporalio.worker.ActivityInboundInterceptor
    ) -> temporalio.worker.ActivityInboundInterceptor:
        """The activity side: runs each activity with the values it was called with."""
        return ActivityInbound(next, self._variables)

    def workflow_interceptor_class(
        self, input: temporalio.worker.WorkflowInterceptorClassInput
    ) -> type[temporalio.worker.WorkflowInboundInterceptor]:
        """The workflow side: runs workflow code with the values of its start and calls."""
        del input
        return self._workflow_class

    def __repr__(self) -> str:
        return f"ContextPropagator({', '.join(self.names)})"


class _ContextFilter(logging.Filter):
    def __init__(self, variables: tuple[ContextVar[Any], ...]) -> None:
        super().__init__()
        self._variables = variables

    def filter(self, record: logging.LogRecord) -> bool:
        values = current_values(self._variables)
        for var in self._variables:
            if not hasattr(record, var.name):
                setattr(record, var.name, values.get(var.name))
        if values:
            record.temporal_context = values
        return True
