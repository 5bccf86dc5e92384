"""Translate temporalio's client-side failures into `temporal_runtime.errors`, keeping the chain."""

from __future__ import annotations

import temporalio.client
import temporalio.exceptions
import temporalio.service

from temporal_runtime._internal._codec import PAYLOAD_CODEC_ERROR
from temporal_runtime.errors import (
    PayloadCodecError,
    QueryFailedError,
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


def root_cause(err: BaseException) -> tuple[BaseException, list[str]]:
    """The innermost failure of a temporalio error chain, and the labels along the way."""
    path = [_label(err)]
    current = err
    while True:
        nxt = current.cause if isinstance(current, temporalio.exceptions.FailureError) else None
        nxt = nxt or current.__cause__
        if nxt is None:
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
        return UpdateFailedError(f"update {action} failed: {_label(root)}: {_message(root)}", **ids)
    if isinstance(err, temporalio.service.RPCError):
        if err.status == temporalio.service.RPCStatusCode.NOT_FOUND:
            return WorkflowNotFoundError(
                f"{action}: workflow {workflow_id!r} not found: {err.message}", **ids
            )
        return WorkflowError(f"{action} on workflow {workflow_id!r} failed: {err.message}", **ids)
    return err
