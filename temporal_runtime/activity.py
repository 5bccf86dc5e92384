"""Activities: plain functions with Pydantic input and output, and helpers to use inside them.

An activity is declared once with `activity_def` and scheduled from workflows with
`self.exec(activity, args)`. The object `activity_def` returns still calls the function
directly, so unit tests need nothing special.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Generic, NoReturn, Protocol, cast, overload

import temporalio.activity
import temporalio.workflow
from typing_extensions import Unpack

from temporal_runtime._internal import _registry
from temporal_runtime._internal._activity_defn import ActivityDefinition, build_activity_definition
from temporal_runtime._internal._sandbox_copy import activity_print, reuse_activity
from temporal_runtime._internal._types import (
    ArgsType,
    CallParams,
    CallReturn,
    MethodParams,
    ResultType,
    ReturnType,
)
from temporal_runtime.options import ActivityOptions, ActivityOptionsKwargs

__all__ = [
    "Activity",
    "ActivityInfo",
    "activity_def",
    "activity_info",
    "heartbeat",
    "is_cancelled",
    "raise_complete_async",
]

ActivityInfo = temporalio.activity.Info
"""Information about the running activity (`activity_info()` returns one)."""


class Activity(Generic[ArgsType, ResultType, CallParams, CallReturn]):
    """A registered activity: schedule it with ``self.exec(activity, args)``, or call it directly.

    Calling the object runs the implementation in-process (``await send_email(args)`` in a
    test); scheduling it from a workflow runs it on a worker with timeouts and retries.

    Type parameters: `Activity[Args, Result]` is what ``exec`` sends and gives back; the two
    optional ones after them are the implementation's parameters and return type, so a
    direct call keeps the function's own signature (a coroutine for an ``async def``).

    Example:
        >>> from pydantic import BaseModel
        >>> class Greet(BaseModel):
        ...     name: str
        >>> @activity_def("doc_greet")
        ... async def greet(args: Greet) -> str:
        ...     return f"hello {args.name}"
        >>> greet.name, greet.definition.result_type
        ('doc_greet', <class 'str'>)
    """

    def __init__(self, definition: ActivityDefinition) -> None:
        self.definition: ActivityDefinition = definition
        fn = definition.fn
        self.__wrapped__: Callable[..., Any] = fn
        self.__doc__ = getattr(fn, "__doc__", None)
        self.__name__: str = getattr(fn, "__name__", definition.name)
        self.__qualname__: str = getattr(fn, "__qualname__", definition.name)
        self.__module__ = getattr(fn, "__module__", __name__)

    if TYPE_CHECKING:

        @property
        def __activity_result__(self) -> ResultType:
            """What ``exec`` of this activity gives back (a name for type checkers only)."""
            ...

    @property
    def name(self) -> str:
        """The activity's Temporal name (the first argument of `activity_def`)."""
        return self.definition.name

    def __call__(self, *args: CallParams.args, **kwargs: CallParams.kwargs) -> CallReturn:
        """Run the implementation directly, with no worker involved."""
        return cast("CallReturn", self.definition.fn(*args, **kwargs))

    def __repr__(self) -> str:
        return f"<Activity {self.definition.name!r} ({self.definition.origin})>"


class ActivityDecorator(Protocol[ArgsType, ResultType]):
    """What ``activity_def(name, Result=...)`` returns: `Result` given, the signature kept."""

    def __call__(
        self, fn: Callable[MethodParams, ReturnType], /
    ) -> Activity[ArgsType, ResultType, MethodParams, ReturnType]: ...


class InferringActivityDecorator(Protocol[ArgsType]):
    """What ``activity_def(name)`` returns: the result type read from the implementation."""

    # First, on purpose: a function that never returns fits every return type, a coroutine's
    # included, so the overloads after it would leave its result unsolved.
    @overload
    def __call__(  # pyright: ignore[reportOverlappingOverload]
        self, fn: Callable[MethodParams, NoReturn], /
    ) -> Activity[ArgsType, NoReturn, MethodParams, NoReturn]: ...
    @overload
    def __call__(
        self, fn: Callable[MethodParams, Coroutine[Any, Any, ReturnType]], /
    ) -> Activity[ArgsType, ReturnType, MethodParams, Coroutine[Any, Any, ReturnType]]: ...
    @overload
    def __call__(
        self, fn: Callable[MethodParams, ReturnType], /
    ) -> Activity[ArgsType, ReturnType, MethodParams, ReturnType]: ...


@overload
def activity_def(
    name: str,
    *,
    Args: type[ArgsType],
    Result: type[ResultType],
    **defaults: Unpack[ActivityOptionsKwargs],
) -> ActivityDecorator[ArgsType, ResultType]: ...
@overload
def activity_def(
    name: str,
    *,
    Args: None = None,
    Result: type[ResultType],
    **defaults: Unpack[ActivityOptionsKwargs],
) -> ActivityDecorator[Any, ResultType]: ...
@overload
def activity_def(
    name: str,
    *,
    Args: type[ArgsType],
    Result: None = None,
    **defaults: Unpack[ActivityOptionsKwargs],
) -> InferringActivityDecorator[ArgsType]: ...
@overload
def activity_def(
    name: str,
    *,
    Args: None = None,
    Result: None = None,
    **defaults: Unpack[ActivityOptionsKwargs],
) -> InferringActivityDecorator[Any]: ...
@overload
def activity_def(
    name: str,
    *,
    Args: Any = None,
    Result: Any = None,
    **defaults: Unpack[ActivityOptionsKwargs],
) -> ActivityDecorator[Any, Any]: ...
def activity_def(
    name: str,
    *,
    Args: Any = None,
    Result: Any = None,
    **defaults: Unpack[ActivityOptionsKwargs],
) -> Callable[[Callable[..., Any]], Activity[Any, Any, ..., Any]]:
    """Declare an activity named `name`; works as a decorator or called on a function.

    `Args` and `Result` default to the function's annotations. The worker validates the
    input against `Args` and the output against `Result`; a validation failure is a
    non-retryable activity failure whose message names the field. A plain ``def`` runs in
    the engine's thread pool, an ``async def`` on the event loop. The options
    (`ActivityOptionsKwargs`: `timeout` (start-to-close), `schedule_to_close`,
    `schedule_to_start`, `heartbeat_timeout`, `retry_policy`, `task_queue`) are defaults for
    every ``exec`` of this activity; a call's own options win. A function annotated
    ``-> NoReturn`` only raises; if it returns, that attempt fails (non-retryably) saying so.
    A ``def`` activity runs in a process pool with ``TemporalEngine(activity_processes=N)``:
    define it at the top level of an importable module (the pool imports it by name).

    Example:
        >>> from pydantic import BaseModel
        >>> class ChargeArgs(BaseModel):
        ...     amount: int
        >>> @activity_def("doc_charge", timeout=30)
        ... def charge(args: ChargeArgs) -> str:
        ...     return f"charged {args.amount}"
        >>> charge(ChargeArgs(amount=5))
        'charged 5'
    """
    options = ActivityOptions().merge(**defaults)

    def register(fn: Callable[..., Any]) -> Activity[Any, Any, ..., Any]:
        fingerprint = activity_print(fn, Args, Result, options)
        # Inside the workflow sandbox user modules are re-imported; those copies reuse the
        # registered definition when the code is the same, and never replace it.
        if temporalio.workflow.unsafe.in_sandbox():
            reused = reuse_activity(name, fn, fingerprint)
            if reused is not None:
                return Activity(reused)
        definition = build_activity_definition(name, fn, args_type=Args, result_type=Result, defaults=options)
        if not temporalio.workflow.unsafe.in_sandbox():
            object.__setattr__(definition, "fingerprint", fingerprint)
            _registry.activities.add(name, definition, definition.origin)
        return Activity(definition)

    return register


def heartbeat(*details: Any) -> None:
    """Tell Temporal the running activity is alive (and learn of cancellation); no-op outside one.

    Long activities should heartbeat and set ``heartbeat_timeout``; the details are given
    back in ``activity_info().heartbeat_details`` on the next attempt.

    Example:
        >>> heartbeat("row 10")  # outside an activity this does nothing
    """
    if temporalio.activity.in_activity():
        temporalio.activity.heartbeat(*details)


def activity_info() -> ActivityInfo:
    """Information about the running activity: id, attempt, workflow id, heartbeat details.

    Example:
        >>> @activity_def("doc_attempt")
        ... async def attempt() -> int:
        ...     return activity_info().attempt
    """
    return temporalio.activity.info()


def is_cancelled() -> bool:
    """Whether cancellation of the running activity has been requested (needs heartbeats).

    Example:
        >>> is_cancelled()  # outside an activity
        False
    """
    return temporalio.activity.in_activity() and temporalio.activity.is_cancelled()


def raise_complete_async() -> NoReturn:
    """End the activity's function without completing the activity: a client completes it later.

    The activity stays running (its start-to-close and heartbeat timeouts still apply) until
    something calls ``engine.activity_handle(task_token=...).complete(result)`` (or ``fail``)
    with the token from ``activity_info().task_token``, or by workflow id and activity id.

    Example:
        >>> PENDING: list[bytes] = []
        >>> @activity_def("doc_ask_approval")
        ... async def ask_approval(request: str) -> str:
        ...     PENDING.append(activity_info().task_token)  # e.g. send it to the approver
        ...     raise_complete_async()
    """
    if not temporalio.activity.in_activity():
        raise RuntimeError(
            "raise_complete_async() was called outside a running activity; in a unit test, "
            "run the activity with temporal_runtime.testing.InMemoryEngine"
        )
    temporalio.activity.raise_complete_async()
