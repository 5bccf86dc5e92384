"""What `InMemoryEngine` keeps: runs (`Execution`), their `Recording`, activity attempts, the JSON round trip.

Everything here is plain state; the scheduler (`_memory`) moves it, the runtime
(`_memory_runtime`) reads it for the helpers a workflow calls and records into a run's
`Recording` what the run asked for and what reached it, for its replay (`_memory_replay`).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

import temporalio.api.common.v1
import temporalio.exceptions

from temporal_runtime._internal._codec import TemporalCodec, through_codec
from temporal_runtime._internal._failures import remote_traceback
from temporal_runtime._internal._payloads import DATA_CONVERTER
from temporal_runtime._internal._runtime import ContinueAsNew
from temporal_runtime._internal._workflow_defn import MethodDefinition, WorkflowDefinition
from temporal_runtime.client import ExecutionStatus
from temporal_runtime.options import ActivityOptions, StartOptions

if TYPE_CHECKING:
    from temporal_runtime.testing._replay import ReplayError

CONVERTER = DATA_CONVERTER.payload_converter
_wait_keys = itertools.count()
T = TypeVar("T")


def _payloads(value: Any, what: str) -> list[temporalio.api.common.v1.Payload]:
    try:
        return CONVERTER.to_payloads([value])
    except Exception as err:
        raise TypeError(
            f"{what} cannot be serialized for Temporal ({type(err).__name__}: {err}); use "
            "JSON-compatible values or Pydantic models"
        ) from err


def json_round_trip(value: Any, what: str, codec: TemporalCodec | None = None) -> Any:
    """Encode `value` as the worker/client would, and decode it back to plain JSON values.

    With the engine's `codec`, the payloads go through its encode and then its decode, as
    between a client and a worker.
    """
    payloads = _payloads(value, what)
    if codec is not None:
        payloads = through_codec(codec, payloads, what)
    return CONVERTER.from_payloads(payloads, None)[0]


def json_bytes(value: Any, what: str) -> bytes:
    """`value` encoded as the worker/client would: its JSON bytes, to compare."""
    return _payloads(value, what)[0].data


# Long inputs are cut in messages; the comparison always uses the whole value.
_SHOWN = 160


def shown(value: Any) -> str:
    """`value`'s repr, cut to a readable length for a message."""
    text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


@dataclass(frozen=True, slots=True)
class Command:
    """Something the workflow asked for, its `key` built by `_memory_record`."""

    seq: int
    key: tuple[Any, ...]


# "start": the entry method began (signals that came first were delivered before it).
DeliveryKind = Literal["start", "result", "child", "signal", "update", "cancel"]


@dataclass(frozen=True, slots=True)
class Delivery:
    """Something that reached the workflow: a command's result, a signal, an update, a cancel."""

    kind: DeliveryKind
    at: datetime
    seq: int = 0  # the command whose result this is
    name: str = ""  # the signal or update; for "child", the child's workflow id
    value: Any = None
    error: BaseException | None = None
    args: list[Any] = field(default_factory=list[Any])


Entry = Command | Delivery


class Recording:
    """What one run asked for and what reached it, in the order its code saw them.

    A `Command` when the workflow asks for something (an activity with its input, a timer, a
    child, a signal to or cancellation of a child, continue-as-new, a patch marker, search
    attributes; keys from `_memory_record`), a `Delivery` when something reaches it (the
    result a helper waited for, a signal, an update, a cancellation request), each at the
    virtual time it happened, as a Temporal history holds them.
    """

    __slots__ = ("_clock", "_seq", "entries", "history_reads")

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._clock = clock
        self._seq = 0
        self.entries: list[Entry] = []
        # What each read of `info` saw of the history (length, continue-as-new suggested): on a
        # server a replay reads the same values at the same points, from the same history.
        self.history_reads: list[tuple[int, bool]] = []

    def command(self, key: tuple[Any, ...]) -> int:
        """Record a command; returns its sequence number."""
        self._seq += 1
        self.entries.append(Command(self._seq, key))
        return self._seq

    def deliver(self, kind: DeliveryKind, **details: Any) -> None:
        """Record what reached the workflow now."""
        self.entries.append(Delivery(kind, self._clock(), **details))

    async def resolved(
        self,
        wait: Awaitable[T],
        kind: DeliveryKind,
        keep: Callable[[T], Any] | None = None,
        *,
        shared: bool = True,
        **where: Any,
    ) -> T:
        """Await `wait` and record what it gave the workflow (`keep` of it) as a `kind` delivery.

        A value the workflow code gets itself (`shared`) is kept as a copy, since the code may
        change it. A cancellation of the awaiting task itself is no result: it came from the
        workflow's own cancellation (or its own code), which the replay reproduces by itself.
        """
        try:
            value = await wait
        except asyncio.CancelledError as err:
            task = asyncio.current_task()
            if task is None or not task.cancelling():
                self.deliver(kind, error=err, **where)
            raise
        except BaseException as err:
            self.deliver(kind, error=err, **where)
            raise
        kept = value if keep is None else keep(value)
        if shared and isinstance(kept, dict | list):
            kept = copy.deepcopy(cast(Any, kept))
        self.deliver(kind, value=kept, **where)
        return value

    async def started(self, handler: Awaitable[T], kind: DeliveryKind, **details: Any) -> T:
        """Run a signal or update `handler`, recorded as a `kind` delivery when it begins."""
        self.deliver(kind, **details)
        return await handler

    async def awaited(self, key: tuple[Any, ...], wait: Awaitable[T], *, shared: bool = True) -> T:
        """Record a command, await `wait`, and record the result it gave the workflow."""
        return await self.resolved(wait, "result", shared=shared, seq=self.command(key))


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
class PendingState:
    """One scheduled activity of a run, until it finishes (what describe lists as pending)."""

    activity_id: str
    activity_type: str
    scheduled_time: datetime
    maximum_attempts: int
    attempt: int = 1
    state: str = "SCHEDULED"
    last_started_time: datetime | None = None
    last_heartbeat_time: datetime | None = None
    heartbeat_details: list[Any] = field(default_factory=list[Any])
    last_failure: BaseException | None = None


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
    # Activity ids are the run's own sequence, as a worker numbers them; pending ones by id.
    activity_seq: int = 0
    pending: dict[str, PendingState] = field(default_factory=dict[str, PendingState])
    # The run that started this one as a child (kept by its continue-as-new runs and retries).
    parent: Execution | None = None
    # The test's fake in place of the entry method, if any (the replay runs it too).
    fake: Callable[..., Any] | None = None
    # What the run asked for and got (`_memory_record`), kept until it is replayed on close.
    recording: Recording | None = None
    on_close: Callable[[], None] | None = None
    # The first difference its replay found, and whether a caller has been given it.
    replay_error: ReplayError | None = None
    replay_reported: bool = False
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
        if self.on_close is not None:
            self.on_close()  # before anyone waiting for the run can see it closed
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
    # Where it was raised, as a worker records it: its traceback, and a pool process's one.
    failure.__cause__ = err.__cause__ if remote_traceback(err) is not None else None
    failure.__traceback__ = err.__traceback__
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
