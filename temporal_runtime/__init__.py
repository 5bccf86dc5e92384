"""temporal_runtime: Temporal workflows as plain, typed Python classes.

Example:
    >>> from pydantic import BaseModel
    >>> from temporal_runtime import Workflow, activity_def
    >>> class Shout(BaseModel):
    ...     text: str
    >>> @activity_def("readme_shout")
    ... async def shout(args: Shout) -> str:
    ...     return args.text.upper()
    >>> class ReadmeShouter(Workflow):
    ...     async def run(self, text: str) -> str:
    ...         return await self.exec(shout, Shout(text=text), timeout=10)
"""

from temporal_runtime.activity import (
    Activity,
    ActivityInfo,
    activity_def,
    activity_info,
    heartbeat,
    is_cancelled,
    raise_complete_async,
)
from temporal_runtime.activity_handle import AsyncActivityHandle, PendingActivity
from temporal_runtime.child import ChildHandle
from temporal_runtime.client import (
    ExecutionStatus,
    MethodHandle,
    WorkflowClient,
    WorkflowStarter,
    WorkflowStatus,
)
from temporal_runtime.codec import Payload, PayloadCodec
from temporal_runtime.common import (
    ParentClosePolicy,
    RetryPolicy,
    SearchAttributeKey,
    TLSConfig,
    VersioningBehavior,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporal_runtime.config import RuntimeConfig, load_config
from temporal_runtime.context import ContextPropagator
from temporal_runtime.devserver import DevServer
from temporal_runtime.encryption import EncryptionCodec
from temporal_runtime.engine import TemporalEngine
from temporal_runtime.errors import (
    ActivityCompletionError,
    ActivityError,
    ActivityNotFoundError,
    ApplicationError,
    ApplicationErrorCategory,
    ChildWorkflowError,
    ConfigError,
    EngineError,
    EngineNotStartedError,
    EngineStateError,
    NotInWorkflowError,
    OptionError,
    PayloadCodecError,
    PayloadTooLargeError,
    QueryFailedError,
    RegistrationError,
    ScheduleAlreadyRunningError,
    ScheduleError,
    ScheduleNotFoundError,
    TemporalRuntimeError,
    UnknownActivityError,
    UnknownMethodError,
    UnknownWorkflowError,
    UpdateFailedError,
    WorkflowAlreadyStartedError,
    WorkflowCancelledError,
    WorkflowError,
    WorkflowFailedError,
    WorkflowNotFoundError,
    WorkflowTerminatedError,
    WorkflowTimedOutError,
)
from temporal_runtime.external import ExternalWorkflowHandle
from temporal_runtime.handlers import UpdateMethod, allow_nondeterminism, wf_query, wf_signal, wf_update
from temporal_runtime.info import ParentInfo, WorkflowInfo
from temporal_runtime.lifecycle import EngineState, HealthStatus
from temporal_runtime.options import StartOptions
from temporal_runtime.saga import QuietSaga, Saga
from temporal_runtime.schedules import ScheduleHandle, ScheduleInfo, ScheduleOverlapPolicy
from temporal_runtime.update_handle import UpdateHandle
from temporal_runtime.with_start import WithStartWorkflowOperation
from temporal_runtime.workflow import Workflow, WorkflowCancelled

__all__ = [
    "Activity",
    "ActivityCompletionError",
    "ActivityError",
    "ActivityInfo",
    "ActivityNotFoundError",
    "ApplicationError",
    "ApplicationErrorCategory",
    "AsyncActivityHandle",
    "ChildHandle",
    "ChildWorkflowError",
    "ConfigError",
    "ContextPropagator",
    "DevServer",
    "EncryptionCodec",
    "EngineError",
    "EngineNotStartedError",
    "EngineState",
    "EngineStateError",
    "ExecutionStatus",
    "ExternalWorkflowHandle",
    "HealthStatus",
    "MethodHandle",
    "NotInWorkflowError",
    "OptionError",
    "ParentClosePolicy",
    "ParentInfo",
    "Payload",
    "PayloadCodec",
    "PayloadCodecError",
    "PayloadTooLargeError",
    "PendingActivity",
    "QueryFailedError",
    "QuietSaga",
    "RegistrationError",
    "RetryPolicy",
    "RuntimeConfig",
    "Saga",
    "ScheduleAlreadyRunningError",
    "ScheduleError",
    "ScheduleHandle",
    "ScheduleInfo",
    "ScheduleNotFoundError",
    "ScheduleOverlapPolicy",
    "SearchAttributeKey",
    "StartOptions",
    "TLSConfig",
    "TemporalEngine",
    "TemporalRuntimeError",
    "UnknownActivityError",
    "UnknownMethodError",
    "UnknownWorkflowError",
    "UpdateFailedError",
    "UpdateHandle",
    "UpdateMethod",
    "WithStartWorkflowOperation",
    "VersioningBehavior",
    "Workflow",
    "WorkflowAlreadyStartedError",
    "WorkflowCancelled",
    "WorkflowCancelledError",
    "WorkflowClient",
    "WorkflowError",
    "WorkflowFailedError",
    "WorkflowIDConflictPolicy",
    "WorkflowIDReusePolicy",
    "WorkflowInfo",
    "WorkflowNotFoundError",
    "WorkflowStarter",
    "WorkflowStatus",
    "WorkflowTerminatedError",
    "WorkflowTimedOutError",
    "activity_def",
    "activity_info",
    "allow_nondeterminism",
    "heartbeat",
    "is_cancelled",
    "load_config",
    "raise_complete_async",
    "wf_query",
    "wf_signal",
    "wf_update",
]
