"""Translate temporalio's client-side failures into `temporal_runtime.errors`, keeping the chain."""

from __future__ import annotations

import traceback

import temporalio.client
import temporalio.exceptions
import temporalio.service

from temporal_runtime._internal._codec import PAYLOAD_CODEC_ERROR
from temporal_runtime.errors import (
    ActivityCompletionError,
    ActivityNotFoundError,
    PayloadCodecError,
    QueryFailedError,
    ScheduleAlreadyRunningError,
    ScheduleError,
    ScheduleNotFoundError,
    UpdateFailedError,
    WorkflowAlreadyStartedError,
    WorkflowCancelledError,
    WorkflowError,
    WorkflowFailedError,
    WorkflowNotFoundError,
    WorkflowTerminatedError,
    WorkflowTimedOutError,
)


def _label(err: BaseException) -> str:
    if isinstance(err, temporalio.exceptions.ApplicationError) and err.type:
        return err.type
    if isinstance(err, temporalio.exceptions.ActivityError):
        return f"ActivityError({err.activity_type})"
    if isinstance(err, temporalio.exceptions.ChildWorkflowError):
        return f"ChildWorkflowError({err.workflow_type})"
    return type(err).__name__


def _message(err: BaseException) -> str:
    if isinstance(err, temporalio.exceptions.FailureError):
        return err.message
    return str(err)


def failure_label(err: BaseException) -> tuple[str, str]:
    """The type and message a failure is reported with (an `ApplicationError`'s own type)."""
    return _label(err), _message(err)


# What concurrent.futures chains to an error raised in a pool process: the traceback there.
REMOTE_TRACEBACK = "_RemoteTraceback"


def _cause(err: BaseException) -> BaseException | None:
    nxt = err.cause if isinstance(err, temporalio.exceptions.FailureError) else None
    return nxt or err.__cause__


def remote_traceback(err: BaseException) -> str | None:
    """The traceback of `err` in the pool process that raised it (activities in processes)."""
    cause = _cause(err)
    return _message(cause) if cause is not None and _label(cause) == REMOTE_TRACEBACK else None


def stack_trace(err: BaseException) -> str | None:
    """Where `err` was raised: the trace its worker recorded, or the live traceback in memory."""
    remote = remote_traceback(err)
    if remote is not None:
        return remote
    failure = err.failure if isinstance(err, temporalio.exceptions.FailureError) else None
    if failure is not None and failure.stack_trace:
        return failure.stack_trace
    if err.__traceback__ is not None:
        # The worker's own format, so both engines give the same text.
        return "\n".join(traceback.format_tb(err.__traceback__))
    return None


def root_cause(err: BaseException) -> tuple[BaseException, list[str]]:
    """The innermost failure of a temporalio error chain, and the labels along the way.

    A pool process's traceback chained to an error is where it was raised, not a cause.
    """
    path = [_label(err)]
    current = err
    while True:
        nxt = _cause(current)
        if nxt is None or _label(nxt) == REMOTE_TRACEBACK:
            return current, path
        path.append(_label(nxt))
        current = nxt


def workflow_failed(
    err: temporalio.client.WorkflowFailureError,
    *,
    workflow_id: str | None,
    workflow_type: str | None,
    method: str | None,
) -> WorkflowFailedError:
    """A `WorkflowFailedError` (or subclass) whose message names the root cause."""
    cause = err.cause
    root, path = root_cause(cause)
    what = f"{workflow_type or 'workflow'}{'.' + method if method else ''} (id {workflow_id!r})"
    kind: type[WorkflowFailedError] = WorkflowFailedError
    verb = "failed"
    if isinstance(cause, temporalio.exceptions.CancelledError):
        kind, verb = WorkflowCancelledError, "was cancelled"
    elif isinstance(cause, temporalio.exceptions.TerminatedError):
        kind, verb = WorkflowTerminatedError, "was terminated"
    elif isinstance(cause, temporalio.exceptions.TimeoutError) and len(path) == 1:
        kind, verb = WorkflowTimedOutError, "timed out"
    chain = " <- ".join(path)
    message = f"{what} {verb}: {_label(root)}: {_message(root)}"
    if len(path) > 1:
        message += f" (via {chain})"
    return kind(
        message,
        root_cause_type=_label(root),
        root_cause_message=_message(root),
        stack_trace=stack_trace(root),
        workflow_id=workflow_id,
        workflow_type=workflow_type,
        method=method,
    )


def translate(
    err: BaseException,
    *,
    workflow_id: str | None = None,
    workflow_type: str | None = None,
    method: str | None = None,
    action: str = "call",
) -> BaseException:
    """Map one temporalio client error to ours; unknown errors are returned unchanged."""
    ids = {"workflow_id": workflow_id, "workflow_type": workflow_type, "method": method}
    if isinstance(err, temporalio.client.WorkflowFailureError):
        return workflow_failed(err, workflow_id=workflow_id, workflow_type=workflow_type, method=method)
    if isinstance(err, temporalio.exceptions.ApplicationError) and err.type == PAYLOAD_CODEC_ERROR:
        return PayloadCodecError(f"{action} on workflow {workflow_id!r}: {err.message}", **ids)
    if isinstance(err, temporalio.exceptions.WorkflowAlreadyStartedError):
        return WorkflowAlreadyStartedError(
            f"workflow id {workflow_id!r} is already in use by a {err.workflow_type} run; pass "
            "id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING to attach to it, or "
            "another workflow_id",
            **ids,
        )
    if isinstance(err, temporalio.client.WorkflowQueryRejectedError):
        return QueryFailedError(f"query {action} rejected: workflow status is {err.status}", **ids)
    if isinstance(err, temporalio.client.WorkflowQueryFailedError):
        return QueryFailedError(f"query {action} failed: {err.message}", **ids)
    if isinstance(err, temporalio.client.WorkflowUpdateFailedError):
        root, _ = root_cause(err.cause)
        return UpdateFailedError(
            f"update {action} failed: {_label(root)}: {_message(root)}",
            root_cause_type=_label(root),
            root_cause_message=_message(root),
            stack_trace=stack_trace(root),
            **ids,
        )
    if isinstance(err, temporalio.service.RPCError):
        if err.status == temporalio.service.RPCStatusCode.NOT_FOUND:
            return WorkflowNotFoundError(
                f"{action}: workflow {workflow_id!r} not found: {err.message}", **ids
            )
        return WorkflowError(f"{action} on workflow {workflow_id!r} failed: {err.message}", **ids)
    return err


def translate_schedule(err: BaseException, *, schedule_id: str, action: str) -> BaseException:
    """Map a temporalio error from a schedule call to a `ScheduleError`; others unchanged."""
    if isinstance(err, temporalio.client.ScheduleAlreadyRunningError):
        return ScheduleAlreadyRunningError(
            f"{action}: a schedule with id {schedule_id!r} already exists; choose another "
            "schedule_id, or change the existing one with engine.get_schedule(id).update(...)",
            schedule_id=schedule_id,
        )
    if isinstance(err, temporalio.service.RPCError):
        if err.status == temporalio.service.RPCStatusCode.NOT_FOUND:
            return ScheduleNotFoundError(
                f"{action}: schedule {schedule_id!r} not found (never created, or deleted); "
                "engine.list_schedules() shows the existing ones",
                schedule_id=schedule_id,
            )
        return ScheduleError(
            f"{action} on schedule {schedule_id!r} failed: {err.message}", schedule_id=schedule_id
        )
    return err


def translate_activity(err: BaseException, *, target: str, action: str) -> BaseException:
    """Map a temporalio error from an async activity call (complete, fail, ...) to ours."""
    if not isinstance(err, temporalio.service.RPCError):
        return err
    if err.status == temporalio.service.RPCStatusCode.NOT_FOUND:
        return ActivityNotFoundError(
            f"{action} activity {target}: no such running activity ({err.message}); it may have "
            "completed, failed, timed out or been cancelled already, or the token or ids are wrong"
        )
    return ActivityCompletionError(f"{action} activity {target} failed: {err.message}")
