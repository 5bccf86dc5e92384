"""What `InMemoryEngine` keeps: runs (`Execution`), activity attempts, and the JSON round trip.

Everything here is plain state; the scheduler (`_memory`) moves it, the runtime
(`_memory_runtime`) reads it for the helpers a workflow calls.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import temporalio.exceptions
from temporalio.contrib.pydantic import pydantic_data_converter

from temporal_runtime._internal._codec import TemporalCodec, through_codec
from temporal_runtime._internal._runtime import ContinueAsNew
from temporal_runtime._internal._workflow_defn import MethodDefinition, WorkflowDefinition
from temporal_runtime.client import ExecutionStatus
from temporal_runtime.options import ActivityOptions, StartOptions

CONVERTER = pydantic_data_converter.payload_converter
_wait_keys = itertools.count()


def json_round_trip(value: Any, what: str, codec: TemporalCodec | None = None) -> Any:
    """Encode `value` as the worker/client would, and decode it back to plain JSON values.

    With the engine's `codec`, the payloads go through its encode and then its decode, as
    between a client and a worker.
    """
    try:
        payloads = CONVERTER.to_payloads([value])
    except Exception as err:
        raise TypeError(
            f"{what} cannot be serialized for Temporal ({type(err).__name__}: {err}); use "
            "JSON-compatible values or Pydantic models"
        ) from err
    if codec is not None:
        payloads = through_codec(codec, payloads, what)
    return CONVERTER.from_payloads(payloads, None)[0]


@dataclass
class ActivityCall:
    """One attempt of one activity, as `InMemoryEngine.calls` reports it.

    Attributes:
        activity: The activity name.
        args: The validated input the implementation (or fake) received (None if it takes none).
        attempt: 1 for the first try, 2 for the first retry, ...
        workflow_id: The workflow that scheduled it.
        fake: Whether a test fake ran instead of the real implementation.
        result: What it returned (None while running or when it failed).
        error: ``"Type: message"`` of the failure, or None.
        local: Whether it ran as a local activity (`exec_local`).
        options: The call's resolved options (timeouts, retry policy, priority, summary, ...).

    Example:
        >>> ActivityCall("charge", {"amount": 5}, 1, "order-1").attempt
        1
    """

    activity: str
    args: Any
    attempt: int
    workflow_id: str
    fake: bool = False
    result: Any = None
    error: str | None = None
    local: bool = False
    options: ActivityOptions = field(default_factory=ActivityOptions)

    @property
    def succeeded(self) -> bool:
        """True when this attempt returned a result."""
        return self.error is None


@dataclass(eq=False)
class Execution:
    """One workflow run kept in memory: its instance, status, outcome and current waits."""

    workflow_id: str
    run_id: str
    definition: WorkflowDefinition
    method: MethodDefinition
    task_queue: str
    start_time: datetime
    envelope: dict[str, Any]
    memo: dict[str, Any]
    # The run's resolved start options: its timeouts and retry policy live here.
    options: StartOptions = field(default_factory=StartOptions)
    attempt: int = 1
    # When the execution timeout ends the workflow (across its retries and continue-as-new).
    deadline: datetime | None = None
    status: ExecutionStatus = ExecutionStatus.RUNNING
    close_time: datetime | None = None
    execution_time: datetime | None = None
    instance: Any = None
    result: Any = None
    failure: BaseException | None = None
    cancel_requested: bool = False
    task: asyncio.Task[None] | None = None
    done: asyncio.Future[None] = field(default_factory=lambda: asyncio.get_running_loop().create_future())
    waits: dict[int, str] = field(default_factory=dict[int, str])
    conditions: list[tuple[Callable[[], bool], asyncio.Future[None]]] = field(
        default_factory=list[tuple[Callable[[], bool], "asyncio.Future[None]"]]
    )
    handler_tasks: set[asyncio.Task[Any]] = field(default_factory=set[asyncio.Task[Any]])
    buffered_signals: list[tuple[str, list[Any]]] = field(default_factory=list[tuple[str, list[Any]]])
    events: int = 1
    search_attributes: dict[str, Any] = field(default_factory=dict[str, Any])
    # Children started by this run, with their parent close policy (None means TERMINATE).
    children: list[tuple[Execution, Any]] = field(default_factory=list[tuple["Execution", Any]])
    # The run this one continued as (continue-as-new); callers of this run follow it.
    next_run: Execution | None = None
    # What ``set_current_details`` said last (InMemoryEngine.current_details).
    current_details: str = ""

    @property
    def latest(self) -> Execution:
        """The last run of this chain of continue-as-new runs (this one if it did not continue)."""
        run = self
        while run.next_run is not None:
            run = run.next_run
        return run

    @property
    def label(self) -> str:
        return f"{self.definition.name}.{self.method.name} (id {self.workflow_id!r})"

    @property
    def running(self) -> bool:
        return self.status is ExecutionStatus.RUNNING

    @contextlib.contextmanager
    def waiting(self, what: str) -> Generator[None]:
        """Record what the workflow waits for while inside the block (for blocked errors)."""
        key = next(_wait_keys)
        self.waits[key] = what
        self.events += 1
        try:
            yield
        finally:
            self.waits.pop(key, None)

    def close(
        self,
        status: ExecutionStatus,
        now: datetime,
        *,
        result: Any = None,
        failure: BaseException | None = None,
    ) -> None:
        if not self.running:
            return
        self.status = status
        self.close_time = now
        self.result = result
        self.failure = failure
        self.events += 1
        for _, future in self.conditions:
            future.cancel()
        if not self.done.done():
            self.done.set_result(None)


class ContinuedAsNew(BaseException):
    """Unwinds a run that called `continue_as_new`.

    A BaseException, like temporalio's, so ``except Exception`` in workflow code does not
    swallow it.
    """

    def __init__(self, request: ContinueAsNew) -> None:
        super().__init__(f"continue as new: {request.workflow}.{request.envelope.get('method')}")
        self.request = request


def as_failure(err: BaseException) -> temporalio.exceptions.FailureError:
    """What a worker reports for an exception: Temporal failures as they are.

    Other exceptions become an `ApplicationError` typed by the exception's class name.
    """
    if isinstance(err, temporalio.exceptions.FailureError):
        return err
    failure = temporalio.exceptions.ApplicationError(str(err), type=type(err).__name__)
    failure.__cause__ = None
    return failure


def describe(err: BaseException) -> str:
    """``Type: message`` of a failure, for records and messages."""
    if isinstance(err, temporalio.exceptions.ApplicationError):
        return f"{err.type or 'ApplicationError'}: {err.message}"
    if isinstance(err, temporalio.exceptions.FailureError):
        return f"{type(err).__name__}: {err.message}"
    return f"{type(err).__name__}: {err}"


def utc_now() -> datetime:
    """The wall-clock time in UTC, where the virtual clock starts by default."""
    return datetime.now(UTC)
