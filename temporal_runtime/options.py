"""The options of everything that starts work: a workflow, a child workflow, an activity call.

Each family is one frozen value (`StartOptions`, `ChildOptions`, `ActivityOptions`) and one
`TypedDict` of the keywords that set it (`StartOptionsKwargs`, `ChildOptionsKwargs`,
`ActivityOptionsKwargs`). Every call that takes options takes them as ``**options:
Unpack[...Kwargs]`` and turns them into the value with `merge`, which checks the names and
converts durations (seconds or a `timedelta`), search attributes and memos once; the value is
what the engines and runtimes read. A new option is one field here, plus the runtime that
honours it.

Example:
    >>> StartOptions().merge(workflow_id="order-42", execution_timeout=60).execution_timeout
    datetime.timedelta(seconds=60)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from datetime import timedelta
from types import MappingProxyType
from typing import Any, ClassVar, TypedDict, TypeVar

import temporalio.common
import temporalio.workflow
from typing_extensions import Unpack

from temporal_runtime._internal._routing_options import ROUTING_CONVERTERS
from temporal_runtime._internal._search import SearchAttributesInput, typed_search_attributes
from temporal_runtime.config import RuntimeConfig, WorkflowDefaults, to_timedelta
from temporal_runtime.errors import ConfigError, OptionError

__all__ = [
    "ActivityOptions",
    "ActivityOptionsKwargs",
    "ChildOptions",
    "ChildOptionsKwargs",
    "LocalActivityOptionsKwargs",
    "StartOptions",
    "StartOptionsKwargs",
]

_Opt = TypeVar("_Opt", bound="_Options")
_Start = TypeVar("_Start", bound="_StartFields")
Duration = float | timedelta


class _PriorityKwargs(TypedDict, total=False):
    """Task priority and fairness of a start, a child or an activity call (None: inherit)."""

    priority: int | None
    fairness_key: str | None
    fairness_weight: float | None


class _CommonStartKwargs(_PriorityKwargs, total=False):
    """What a workflow start and a child start share; None leaves an option as it is."""

    # User metadata shown by the Web UI and the CLI (the summary defaults to the entry method).
    summary: str | None
    details: str | None

    workflow_id: str | None
    task_queue: str | None
    execution_timeout: Duration | None
    run_timeout: Duration | None
    task_timeout: Duration | None
    retry_policy: temporalio.common.RetryPolicy | None
    memo: Mapping[str, Any] | None
    search_attributes: SearchAttributesInput | None
    id_reuse_policy: temporalio.common.WorkflowIDReusePolicy | None


class StartOptionsKwargs(_CommonStartKwargs, total=False):
    """The keywords of ``with_options(...)`` and of `StartOptions.merge`.

    Example:
        >>> options: StartOptionsKwargs = {"workflow_id": "order-42", "start_delay": 60}
    """

    id_conflict_policy: temporalio.common.WorkflowIDConflictPolicy | None
    start_delay: Duration | None
    request_eager_start: bool | None
    cron_schedule: str | None


class ChildOptionsKwargs(_CommonStartKwargs, total=False):
    """The keywords of ``self.child(X, ...)`` and ``self.child(X).with_options(...)``.

    Example:
        >>> options: ChildOptionsKwargs = {"workflow_id": "ship-1", "execution_timeout": 600}
    """

    parent_close_policy: temporalio.workflow.ParentClosePolicy | None


class LocalActivityOptionsKwargs(TypedDict, total=False):
    """The keywords of ``self.exec_local(...)``: timeouts and the retry policy.

    Example:
        >>> options: LocalActivityOptionsKwargs = {"timeout": 5}
    """

    timeout: Duration | None
    schedule_to_close: Duration | None
    schedule_to_start: Duration | None
    retry_policy: temporalio.common.RetryPolicy | None
    summary: str | None


class ActivityOptionsKwargs(LocalActivityOptionsKwargs, _PriorityKwargs, total=False):
    """The keywords of ``self.exec(...)``, of `activity_def` and of ``saga.compensate_with``.

    `timeout` is the start-to-close timeout.

    Example:
        >>> options: ActivityOptionsKwargs = {"timeout": 30, "heartbeat_timeout": 10}
    """

    heartbeat_timeout: Duration | None
    task_queue: str | None


def _duration(name: str, value: Any) -> timedelta:
    try:
        converted = to_timedelta(value)
    except (TypeError, ValueError) as err:
        raise OptionError(f"option {name!r}: {err}") from None
    if converted < timedelta(0):
        raise OptionError(f"option {name!r} must not be negative, got {value!r}")
    return converted


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise OptionError(f"option {name!r} must be a non-empty string, got {value!r}")
    return value


def _flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise OptionError(f"option {name!r} must be True or False, got {value!r}")
    return value


def _retry_policy(name: str, value: Any) -> temporalio.common.RetryPolicy:
    if not isinstance(value, temporalio.common.RetryPolicy):
        raise OptionError(f"option {name!r} must be a RetryPolicy, got {value!r}")
    return value


def _memo(name: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise OptionError(f"option {name!r} must be a mapping of names to values, got {value!r}")
    return MappingProxyType(dict(value))  # pyright: ignore[reportUnknownArgumentType]


def _search_attributes(name: str, value: Any) -> temporalio.common.TypedSearchAttributes:
    try:
        return typed_search_attributes(value)
    except ConfigError as err:
        raise OptionError(f"option {name!r}: {err}") from None


def _enum(kind: type[Any]) -> Callable[[str, Any], Any]:
    def check(name: str, value: Any) -> Any:
        if not isinstance(value, kind):
            raise OptionError(f"option {name!r} must be a {kind.__name__}, got {value!r}")
        return value

    return check


# One converter per option name, whichever family it belongs to: the same name means the same.
_CONVERTERS: Mapping[str, Callable[[str, Any], Any]] = {
    "workflow_id": _text,
    "task_queue": _text,
    "start_delay": _duration,
    "execution_timeout": _duration,
    "run_timeout": _duration,
    "task_timeout": _duration,
    "timeout": _duration,
    "schedule_to_close": _duration,
    "schedule_to_start": _duration,
    "heartbeat_timeout": _duration,
    "retry_policy": _retry_policy,
    "memo": _memo,
    "search_attributes": _search_attributes,
    "id_conflict_policy": _enum(temporalio.common.WorkflowIDConflictPolicy),
    "id_reuse_policy": _enum(temporalio.common.WorkflowIDReusePolicy),
    "parent_close_policy": _enum(temporalio.workflow.ParentClosePolicy),
    "request_eager_start": _flag,
    "cron_schedule": _text,
    **ROUTING_CONVERTERS,
}


@dataclasses.dataclass(frozen=True, slots=True)
class _Options:
    """What the three families share: named fields, None meaning unset, and `merge`."""

    _family: ClassVar[str]

    @classmethod
    def names(cls) -> frozenset[str]:
        """The option names of this family."""
        return _field_names(cls)

    def over(self: _Opt, base: _Opt) -> _Opt:
        """These options where set, `base`'s elsewhere."""
        unset = {n: getattr(base, n) for n in _field_names(type(self)) if getattr(self, n) is None}
        return dataclasses.replace(self, **unset) if unset else self

    def is_empty(self) -> bool:
        """True when no option is set."""
        return all(getattr(self, n) is None for n in _field_names(type(self)))


_NAMES: dict[type[Any], frozenset[str]] = {}


def _field_names(cls: type[_Options]) -> frozenset[str]:
    found = _NAMES.get(cls)
    if found is None:
        found = _NAMES[cls] = frozenset(f.name for f in dataclasses.fields(cls))
    return found


def _merge(options: _Opt, changes: Mapping[str, Any]) -> _Opt:
    # Each family's `merge` is typed with its own TypedDict; this is the one implementation.
    unknown = changes.keys() - options.names()
    if unknown:
        raise OptionError(
            f"unknown {options._family} option(s) {sorted(unknown)}; "
            f"the options are {sorted(options.names())}"
        )
    updates = {k: _CONVERTERS[k](k, v) for k, v in changes.items() if v is not None}
    return dataclasses.replace(options, **updates) if updates else options


@dataclasses.dataclass(frozen=True, slots=True)
class _StartFields(_Options):
    """The fields `StartOptions` and `ChildOptions` share."""

    workflow_id: str | None = None
    task_queue: str | None = None
    execution_timeout: timedelta | None = None
    run_timeout: timedelta | None = None
    task_timeout: timedelta | None = None
    retry_policy: temporalio.common.RetryPolicy | None = None
    memo: Mapping[str, Any] | None = None
    search_attributes: temporalio.common.TypedSearchAttributes | None = None
    id_reuse_policy: temporalio.common.WorkflowIDReusePolicy | None = None
    # Routing and user metadata.
    priority: int | None = None
    fairness_key: str | None = None
    fairness_weight: float | None = None
    summary: str | None = None
    details: str | None = None

    def with_summary(self: _Start, default: str) -> _Start:
        """These options, with `default` as the summary if they set none."""
        return self if self.summary is not None else dataclasses.replace(self, summary=default)

    def with_workflow_defaults(self: _Start, defaults: WorkflowDefaults) -> _Start:
        """Timeouts from the configuration where these options set none."""
        if (
            (self.execution_timeout is not None or defaults.execution_timeout is None)
            and (self.run_timeout is not None or defaults.run_timeout is None)
            and (self.task_timeout is not None or defaults.task_timeout is None)
        ):
            return self  # the common case, on every start: nothing to fill in
        return _merge(
            self,
            {
                "execution_timeout": self.execution_timeout or defaults.execution_timeout,
                "run_timeout": self.run_timeout or defaults.run_timeout,
                "task_timeout": self.task_timeout or defaults.task_timeout,
            },
        )


@dataclasses.dataclass(frozen=True, slots=True)
class StartOptions(_StartFields):
    """How to start a workflow: id, queue, id policies, delay, timeouts, retries, memo, routing.

    Unset fields (None) take the engine's and the configuration's defaults. Build one with
    `merge`, which takes seconds or timedeltas for durations and plain dicts for memo and
    search attributes. ``request_eager_start=True`` asks the server to hand the first
    workflow task straight to this engine's worker (less start latency; in memory every start
    is eager already). ``cron_schedule`` makes the start a Temporal cron workflow (prefer
    `TemporalEngine.schedule`; `InMemoryEngine` refuses it). Routing and metadata:
    `priority`, `fairness_key`, `fairness_weight`, and the `summary` and `details` the Web UI
    shows.

    Example:
        >>> StartOptions().merge(workflow_id="order-42", start_delay=30).start_delay
        datetime.timedelta(seconds=30)
    """

    _family: ClassVar[str] = "start"

    id_conflict_policy: temporalio.common.WorkflowIDConflictPolicy | None = None
    start_delay: timedelta | None = None
    request_eager_start: bool | None = None
    cron_schedule: str | None = None

    def merge(self, **changes: Unpack[StartOptionsKwargs]) -> StartOptions:
        """A copy with the given options set (None leaves an option as it is).

        Example:
            >>> StartOptions(workflow_id="a").merge(task_queue="orders").task_queue
            'orders'
        """
        return _merge(self, changes)


@dataclasses.dataclass(frozen=True, slots=True)
class ChildOptions(_StartFields):
    """How to start a child workflow; None means the parent's or Temporal's default.

    `parent_close_policy` defaults to TERMINATE, Temporal's default.

    Example:
        >>> from temporal_runtime import ParentClosePolicy
        >>> ChildOptions().merge(parent_close_policy=ParentClosePolicy.ABANDON).parent_close_policy
        <ParentClosePolicy.ABANDON: 2>
    """

    _family: ClassVar[str] = "child"

    parent_close_policy: temporalio.workflow.ParentClosePolicy | None = None

    def merge(self, **changes: Unpack[ChildOptionsKwargs]) -> ChildOptions:
        """A copy with the given options set (None leaves an option as it is).

        Example:
            >>> ChildOptions().merge(workflow_id="ship-1").workflow_id
            'ship-1'
        """
        return _merge(self, changes)


@dataclasses.dataclass(frozen=True, slots=True)
class ActivityOptions(_Options):
    """Timeouts, retry policy, task queue, priority and summary of an activity call; None: unset.

    A call's options win over its `activity_def` defaults, which win over the engine's
    configuration (`RuntimeConfig.activity` and `.retry`).

    Example:
        >>> ActivityOptions().merge(timeout=30).timeout
        datetime.timedelta(seconds=30)
    """

    _family: ClassVar[str] = "activity"

    timeout: timedelta | None = None
    schedule_to_close: timedelta | None = None
    schedule_to_start: timedelta | None = None
    heartbeat_timeout: timedelta | None = None
    retry_policy: temporalio.common.RetryPolicy | None = None
    task_queue: str | None = None
    # Routing and user metadata.
    priority: int | None = None
    fairness_key: str | None = None
    fairness_weight: float | None = None
    summary: str | None = None

    def merge(self, **changes: Unpack[ActivityOptionsKwargs]) -> ActivityOptions:
        """A copy with the given options set (None leaves an option as it is).

        Example:
            >>> ActivityOptions().merge(heartbeat_timeout=10).heartbeat_timeout
            datetime.timedelta(seconds=10)
        """
        return _merge(self, changes)

    @classmethod
    def from_config(cls, config: RuntimeConfig) -> ActivityOptions:
        """The configuration's activity defaults as options.

        Example:
            >>> ActivityOptions.from_config(RuntimeConfig()).timeout
            datetime.timedelta(seconds=300)
        """
        return cls(
            timeout=config.activity.start_to_close,
            schedule_to_close=config.activity.schedule_to_close,
            heartbeat_timeout=config.activity.heartbeat,
            retry_policy=config.retry.to_retry_policy(),
        )
