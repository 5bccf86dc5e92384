"""The exceptions temporal_runtime raises, in one tree.

```
TemporalRuntimeError
├── RegistrationError            a workflow or activity is defined wrongly (at import time)
├── NotInWorkflowError           a workflow helper was called outside a running workflow
├── EngineError (RuntimeError)
│   ├── EngineNotStartedError    the engine was used before start() / after stop()
│   └── EngineStateError         start() twice, or start() after stop()
├── ConfigError                  the runtime configuration is invalid
├── OptionError (TypeError)      an option is unknown, of the wrong type, or not honoured here
├── UnknownWorkflowError (LookupError, TypeError)  no such workflow class or name
├── UnknownMethodError (AttributeError)            no such entry method on a workflow
├── UnknownActivityError (LookupError)             no activity of that name is defined
├── WorkflowError                carries workflow_id, workflow_type and method
│   ├── WorkflowFailedError      the workflow ended without a result (root cause in the message)
│   │   ├── WorkflowCancelledError
│   │   ├── WorkflowTerminatedError
│   │   └── WorkflowTimedOutError
│   ├── WorkflowAlreadyStartedError
│   ├── WorkflowNotFoundError
│   ├── QueryFailedError
│   ├── UpdateFailedError        the rejection's or failure's type in root_cause_type
│   ├── PayloadCodecError        a payload could not be encoded or decoded (unknown key id, corrupt)
│   └── PayloadTooLargeError (ValueError)  arguments over Temporal's payload size limit, not sent
├── ScheduleError                carries schedule_id
│   ├── ScheduleAlreadyRunningError  a schedule with this id exists
│   └── ScheduleNotFoundError        no such schedule (never created, or deleted)
└── ActivityCompletionError      completing/failing/heartbeating an activity from outside failed
    └── ActivityNotFoundError (LookupError)  no such running activity (done, timed out, wrong id)
```

Inside workflows and activities, Temporal's own failure types apply, re-exported here so
that user code needs no `temporalio` import: raise ``ApplicationError(..., non_retryable=True)``
from an activity to stop its retries (or list its ``type`` in a retry policy's
``non_retryable_error_types``), add ``category=ApplicationErrorCategory.BENIGN`` to an
expected failure so it logs quietly, and catch `ActivityError` in a workflow.
"""

from __future__ import annotations

from temporalio.exceptions import (
    ActivityError,
    ApplicationError,
    ApplicationErrorCategory,
    CancelledError,
    ChildWorkflowError,
)

__all__ = [
    "ActivityCompletionError", "ActivityError", "ActivityNotFoundError", "ApplicationError",
    "ApplicationErrorCategory", "CancelledError", "ChildWorkflowError", "ConfigError", "EngineError",
    "EngineNotStartedError", "EngineStateError", "NotInWorkflowError", "OptionError", "PayloadCodecError",
    "PayloadTooLargeError", "QueryFailedError", "RegistrationError", "ScheduleAlreadyRunningError",
    "ScheduleError", "ScheduleNotFoundError", "TemporalRuntimeError", "UnknownActivityError",
    "UnknownMethodError", "UnknownWorkflowError", "UpdateFailedError", "WorkflowAlreadyStartedError",
    "WorkflowCancelledError", "WorkflowError", "WorkflowFailedError", "WorkflowNotFoundError",
    "WorkflowTerminatedError", "WorkflowTimedOutError",
]  # fmt: skip


class TemporalRuntimeError(Exception):
    """Base class of every error temporal_runtime raises itself.

    Example:
        >>> try:
        ...     raise RegistrationError("duplicate workflow name 'Orders'")
        ... except TemporalRuntimeError as err:
        ...     print(type(err).__name__)
        RegistrationError
    """


class RegistrationError(TemporalRuntimeError):
    """A workflow or activity definition is invalid; raised when the class or function is defined.

    The message lists every problem found, each naming the class, method or activity and
    what to write instead.

    Example:
        >>> from temporal_runtime import activity_def
        >>> async def first(x: int) -> int: return x
        >>> async def second(x: int) -> int: return -x
        >>> _ = activity_def("doc_dup")(first)
        >>> activity_def("doc_dup")(second)
        Traceback (most recent call last):
        ...
        temporal_runtime.errors.RegistrationError: activity name 'doc_dup' is already ...
    """


class NotInWorkflowError(TemporalRuntimeError):
    """A workflow helper (`exec`, `sleep`, ...) was called outside a running workflow.

    In a unit test, patch the helper (`patch.object(wf, "exec", new_callable=AsyncMock)`) or
    run the workflow with `temporal_runtime.testing`.

    Example:
        >>> import asyncio
        >>> from temporal_runtime import Workflow
        >>> class DocSleeper(Workflow):
        ...     async def run(self) -> None:
        ...         await self.sleep(1)
        >>> asyncio.run(DocSleeper().run())
        Traceback (most recent call last):
        ...
        temporal_runtime.errors.NotInWorkflowError: DocSleeper.sleep() was called outside ...
    """


class ConfigError(TemporalRuntimeError):
    """The runtime configuration (pyproject.toml, a config file or arguments) is invalid.

    Example:
        >>> str(ConfigError("[tool.temporal-runtime] activity.start_to_close: must be > 0"))[:22]
        '[tool.temporal-runtime'
    """


class OptionError(TemporalRuntimeError, TypeError):
    """An option given to a call is unknown, has the wrong type, or this engine cannot honour it.

    Example:
        >>> from temporal_runtime import StartOptions
        >>> StartOptions().merge(workflow_idd="x")  # doctest: +IGNORE_EXCEPTION_DETAIL
        Traceback (most recent call last):
        temporal_runtime.errors.OptionError: unknown start option(s) ['workflow_idd']
    """


class UnknownWorkflowError(TemporalRuntimeError, LookupError, TypeError):
    """No workflow of that name is defined in this process, or the class is not a `Workflow`.

    Import the module that defines the workflow first; the message lists the known names.

    Example:
        >>> from temporal_runtime import TemporalEngine
        >>> TemporalEngine(start_worker=False).workflow_client(int)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        temporal_runtime.errors.UnknownWorkflowError: <class 'int'> is not a Workflow subclass; ...
    """


class UnknownMethodError(TemporalRuntimeError, AttributeError):
    """A name that is not an entry method of the workflow was called or started.

    It is an `AttributeError` too, as a missing attribute of a proxy should be.

    Example:
        >>> issubclass(UnknownMethodError, AttributeError)
        True
    """


class UnknownActivityError(TemporalRuntimeError, LookupError):
    """No activity of that name is defined in this process; the message lists the known ones.

    Example:
        >>> issubclass(UnknownActivityError, LookupError)
        True
    """


class EngineError(TemporalRuntimeError, RuntimeError):
    """The engine was used in a state that does not allow the call.

    Example:
        >>> issubclass(EngineNotStartedError, EngineError)
        True
    """


class EngineNotStartedError(EngineError):
    """The engine has no connection yet (or any more): call `await engine.start()` first.

    Example:
        >>> issubclass(EngineNotStartedError, RuntimeError)
        True
    """


class EngineStateError(EngineError):
    """`start()` was called on an engine that is running or already stopped.

    Example:
        >>> issubclass(EngineStateError, EngineError)
        True
    """


class WorkflowError(TemporalRuntimeError):
    """An error about one workflow execution.

    Attributes:
        workflow_id: The workflow id.
        workflow_type: The Temporal workflow type (the class name or its ``name=``), if known.
        method: The entry method, if known.
        root_cause_type: For a failure (of the workflow, or of an update), the innermost
            failure's type: the activity's or handler's error type, e.g. ``"CardDeclined"``.
        root_cause_message: That failure's message.
        stack_trace: That failure's stack trace as the worker recorded it, if any.

    Example:
        >>> err = WorkflowError("boom", workflow_id="order-1", workflow_type="Orders")
        >>> err.workflow_id
        'order-1'
    """

    def __init__(
        self,
        message: str,
        *,
        workflow_id: str | None = None,
        workflow_type: str | None = None,
        method: str | None = None,
        run_id: str | None = None,
        root_cause_type: str | None = None,
        root_cause_message: str | None = None,
        stack_trace: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.workflow_id = workflow_id
        self.workflow_type = workflow_type
        self.method = method
        self.run_id = run_id
        self.root_cause_type = root_cause_type
        self.root_cause_message = root_cause_message
        self.stack_trace = stack_trace


class WorkflowFailedError(WorkflowError):
    """The workflow ended without a result; the message carries the root cause.

    The original temporalio error chain is kept as ``__cause__``; ``root_cause_type`` and
    ``root_cause_message`` hold the innermost failure (typically the activity's error), and
    ``stack_trace`` where it was raised, as the worker that ran it recorded it.

    Example:
        >>> err = WorkflowFailedError("Orders.process failed: ValueError: card declined",
        ...                           root_cause_type="ValueError",
        ...                           root_cause_message="card declined")
        >>> err.root_cause_type
        'ValueError'
    """


class WorkflowCancelledError(WorkflowFailedError):
    """The workflow was cancelled (``engine.cancel`` / ``handle.cancel``) and did not return.

    Example:
        >>> issubclass(WorkflowCancelledError, WorkflowFailedError)
        True
    """


class WorkflowTerminatedError(WorkflowFailedError):
    """The workflow was terminated (``engine.terminate``); the reason is in the message.

    Example:
        >>> issubclass(WorkflowTerminatedError, WorkflowFailedError)
        True
    """


class WorkflowTimedOutError(WorkflowFailedError):
    """The workflow hit its execution or run timeout.

    Example:
        >>> issubclass(WorkflowTimedOutError, WorkflowFailedError)
        True
    """


class WorkflowAlreadyStartedError(WorkflowError):
    """A workflow with this id is already running (or the reuse policy forbids a new run).

    Pass ``id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING`` to attach to it instead.

    Example:
        >>> WorkflowAlreadyStartedError("'order-42' is running", workflow_id="order-42").workflow_id
        'order-42'
    """


class WorkflowNotFoundError(WorkflowError):
    """No workflow with this id exists in the namespace.

    Example:
        >>> WorkflowNotFoundError("no workflow 'x' in namespace 'default'", workflow_id="x").workflow_id
        'x'
    """


class QueryFailedError(WorkflowError):
    """A query was rejected by the workflow (unknown name, bad arguments, or the handler raised).

    Example:
        >>> QueryFailedError("query 'statuz' failed: unknown query", workflow_id="o-1").workflow_id
        'o-1'
    """


class UpdateFailedError(WorkflowError):
    """An update was rejected by its validator or failed in its handler.

    ``root_cause_type`` and ``root_cause_message`` say why: the validator's or the handler's
    error (``"ValueError"``, an `ApplicationError`'s ``type``, ...).

    Example:
        >>> UpdateFailedError("'set_priority' rejected", root_cause_type="ValueError").root_cause_type
        'ValueError'
    """


class ScheduleError(TemporalRuntimeError):
    """An error about one Temporal Schedule; ``schedule_id`` names it.

    Example:
        >>> ScheduleError("schedule 'nightly' failed", schedule_id="nightly").schedule_id
        'nightly'
    """

    def __init__(self, message: str, *, schedule_id: str) -> None:
        super().__init__(message)
        self.message = message
        self.schedule_id = schedule_id


class ScheduleAlreadyRunningError(ScheduleError):
    """A schedule with this id already exists: pick another id, or update the existing one.

    Example:
        >>> issubclass(ScheduleAlreadyRunningError, ScheduleError)
        True
    """


class ScheduleNotFoundError(ScheduleError):
    """No schedule has this id: it was never created, or it was deleted.

    Example:
        >>> issubclass(ScheduleNotFoundError, ScheduleError)
        True
    """


class ActivityCompletionError(TemporalRuntimeError):
    """Completing, failing or heartbeating an activity from outside it did not work.

    Example:
        >>> issubclass(ActivityNotFoundError, ActivityCompletionError)
        True
    """


class ActivityNotFoundError(ActivityCompletionError, LookupError):
    """No running activity has this task token (or ids): it is done, timed out, or they are wrong.

    Example:
        >>> issubclass(ActivityNotFoundError, LookupError)
        True
    """


class PayloadCodecError(WorkflowError):
    """A payload codec could not encode or decode a payload: an unknown key id, corrupt data.

    Raised by the codecs themselves (`EncryptionCodec`) and by client calls whose payloads
    the engine's codec refused; on a worker, the workflow whose payload it was fails with this
    type as its root cause, and the worker goes on serving the others. The message names the
    key id where there is one, never a key.

    Example:
        >>> PayloadCodecError("key id 'k0' is not known", workflow_id="o-1").workflow_id
        'o-1'
    """


class PayloadTooLargeError(WorkflowError, ValueError):
    """Arguments over Temporal's payload size limit, refused before sending: ``size`` > ``limit`` bytes.

    Example:
        >>> PayloadTooLargeError("signal 'feed' is too large", size=3_000_000, limit=2_097_152).limit
        2097152
    """

    def __init__(
        self,
        message: str,
        *,
        size: int,
        limit: int,
        workflow_id: str | None = None,
        workflow_type: str | None = None,
    ) -> None:
        super().__init__(message, workflow_id=workflow_id, workflow_type=workflow_type)
        self.size = size
        self.limit = limit
