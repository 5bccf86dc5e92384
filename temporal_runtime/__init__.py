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
)
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
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporal_runtime.config import RuntimeConfig, load_config
from temporal_runtime.devserver import DevServer
from temporal_runtime.encryption import EncryptionCodec
from temporal_runtime.engine import TemporalEngine
from temporal_runtime.errors import (
    ActivityError,
    ApplicationError,
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
from temporal_runtime.handlers import UpdateMethod, wf_query, wf_signal, wf_update
from temporal_runtime.info import WorkflowInfo
from temporal_runtime.lifecycle import EngineState, HealthStatus
from temporal_runtime.options import StartOptions
from temporal_runtime.saga import QuietSaga, Saga
from temporal_runtime.schedules import ScheduleHandle, ScheduleInfo, ScheduleOverlapPolicy
from temporal_runtime.workflow import Workflow, WorkflowCancelled

__all__ = [
    "Activity",
    "ActivityError",
    "ActivityInfo",
    "ApplicationError",
    "ChildHandle",
    "ChildWorkflowError",
    "ConfigError",
    "DevServer",
    "EncryptionCodec",
    "EngineError",
    "EngineNotStartedError",
    "EngineState",
    "EngineStateError",
    "ExecutionStatus",
    "HealthStatus",
    "MethodHandle",
    "NotInWorkflowError",
    "OptionError",
    "ParentClosePolicy",
    "Payload",
    "PayloadCodec",
    "PayloadCodecError",
    "PayloadTooLargeError",
    "QueryFailedError",
    "QuietSaga",
    "RegistrationError",
    "RetryPolicy",
    "RuntimeConfig",
    "Saga",
    "ScheduleHandle",
    "ScheduleInfo",
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
    "UpdateMethod",
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
    "heartbeat",
    "is_cancelled",
    "load_config",
    "wf_query",
    "wf_signal",
    "wf_update",
]
