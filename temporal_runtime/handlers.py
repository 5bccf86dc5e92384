"""Marking methods: ``@wf_signal``, ``@wf_query``, ``@wf_update`` and ``@allow_nondeterminism``.

``@wf_update`` brings ``.validator`` for an update's own check; ``@allow_nondeterminism``
leaves a method out of the determinism check made when its class is defined.

The decorators only mark a method; the workflow's definition reads the marks when the class
is defined and checks every handler there (names, parameters, annotations), so a mistake is
reported at import, with the class.

Example:
    >>> from temporal_runtime import Workflow
    >>> class DocToggle(Workflow):
    ...     on = False
    ...     @wf_signal
    ...     def flip(self) -> None:
    ...         self.on = not self.on
    ...     @wf_query
    ...     def state(self) -> bool:
    ...         return self.on
    ...     async def run(self) -> None: ...
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar, cast, overload

from temporal_runtime._internal._determinism import ALLOW_ATTR
from temporal_runtime._internal._types import FunctionType
from temporal_runtime._internal._workflow_defn import HANDLER_ATTR, HandlerMarker
from temporal_runtime.errors import RegistrationError

__all__ = ["UpdateMethod", "allow_nondeterminism", "wf_query", "wf_signal", "wf_update"]

R = TypeVar("R")
T = TypeVar("T")
FnT = TypeVar("FnT", bound=Callable[..., Any])
S = TypeVar("S")
UP = ParamSpec("UP")
UR_co = TypeVar("UR_co", covariant=True)


def _marker(kind: str, fn: FunctionType, name: str | None) -> FunctionType:
    if not callable(fn):
        raise RegistrationError(f"@wf_{kind} must decorate a method, got {fn!r}")
    setattr(fn, HANDLER_ATTR, HandlerMarker(kind, name))  # type: ignore[arg-type]
    if kind == "update":
        fn.validator = _validator_setter(fn)  # type: ignore[attr-defined]
    return fn


def _validator_setter(update_fn: Callable[..., Any]) -> Callable[[FnT], FnT]:
    def validator(check: FnT) -> FnT:
        if inspect.iscoroutinefunction(check) or not callable(check):
            raise RegistrationError(
                f"@{update_fn.__name__}.validator must decorate a plain 'def' method that raises "
                f"to reject the update, got {check!r}"
            )
        marker: HandlerMarker = getattr(update_fn, HANDLER_ATTR)
        setattr(update_fn, HANDLER_ATTR, dataclasses.replace(marker, validator=check))
        return check

    return validator


def _decorator(kind: str, name_or_fn: Any, name: str | None) -> Any:
    if callable(name_or_fn):
        return _marker(kind, name_or_fn, name)
    chosen = name_or_fn if name_or_fn is not None else name

    def mark(fn: FunctionType) -> FunctionType:
        return _marker(kind, fn, chosen)

    return mark


@overload
def wf_signal(name_or_fn: FunctionType, /) -> FunctionType: ...
@overload
def wf_signal(
    name_or_fn: str | None = None, /, *, name: str | None = None
) -> Callable[[FunctionType], FunctionType]: ...
def wf_signal(name_or_fn: Any = None, /, *, name: str | None = None) -> Any:
    """Mark a method as a signal handler (``@wf_signal``, ``@wf_signal("name")``).

    Signals are fire-and-forget messages; the handler may be ``async def`` or ``def``.
    A signal whose arguments fail validation is logged and dropped, as Temporal drops
    signals it cannot decode.

    Example:
        >>> from temporal_runtime import Workflow
        >>> class DocOrder(Workflow):
        ...     paused = False
        ...     @wf_signal("pause")
        ...     async def pause(self) -> None:
        ...         self.paused = True
        ...     async def run(self) -> None:
        ...         await self.wait_until(lambda: not self.paused)
    """
    return _decorator("signal", name_or_fn, name)


@overload
def wf_query(name_or_fn: FunctionType, /) -> FunctionType: ...
@overload
def wf_query(
    name_or_fn: str | None = None, /, *, name: str | None = None
) -> Callable[[FunctionType], FunctionType]: ...
def wf_query(name_or_fn: Any = None, /, *, name: str | None = None) -> Any:
    """Mark a method as a query handler; ``def`` and ``async def`` both work.

    A query reads state and returns; an ``async def`` query must not await anything.

    Example:
        >>> from temporal_runtime import Workflow
        >>> class DocStatus(Workflow):
        ...     state = "pending"
        ...     @wf_query("status")
        ...     def status(self) -> str:
        ...         return self.state
        ...     async def run(self) -> None: ...
    """
    return _decorator("query", name_or_fn, name)


class UpdateMethod(Protocol[S, UP, UR_co]):
    """What ``@wf_update`` returns, for type checkers: the method, plus ``.validator``.

    At run time it is the decorated function itself (callable and bound as before), with a
    `validator` attribute: ``@set_priority.validator`` marks a plain ``def`` with the same
    parameters that raises to reject an update before it is accepted. `UR_co` is what the
    method returns when called: a coroutine for an ``async def`` handler, the value itself for
    a plain ``def`` one.

    Example:
        >>> from temporal_runtime import Workflow
        >>> class DocUpdates(Workflow):
        ...     level = 1
        ...     @wf_update
        ...     async def set_level(self, level: int) -> int:
        ...         old, self.level = self.level, level
        ...         return old
        ...     @set_level.validator
        ...     def check_level(self, level: int) -> None:
        ...         if level < 0:
        ...             raise ValueError("level must be >= 0")
        ...     async def run(self) -> None: ...
    """

    def __call__(self, wf: S, /, *args: UP.args, **kwargs: UP.kwargs) -> UR_co:
        """Call the update method itself (as the workflow's own code would)."""
        ...

    @overload
    def __get__(self, obj: None, owner: Any, /) -> UpdateMethod[S, UP, UR_co]: ...
    @overload
    def __get__(self, obj: S, owner: Any, /) -> Callable[UP, UR_co]: ...
    def validator(self, fn: Callable[Concatenate[S, UP], None], /) -> Callable[Concatenate[S, UP], None]:
        """Mark `fn` as this update's validator (it raises to reject the update)."""
        ...


@overload
def wf_update(name_or_fn: Callable[Concatenate[S, UP], R], /) -> UpdateMethod[S, UP, R]: ...
@overload
def wf_update(
    name_or_fn: str | None = None, /, *, name: str | None = None
) -> Callable[[Callable[Concatenate[S, UP], R]], UpdateMethod[S, UP, R]]: ...
def wf_update(name_or_fn: Any = None, /, *, name: str | None = None) -> Any:
    """Mark a method as an update handler: a signal that returns a result.

    The handler may be ``async def`` (it may wait: sleep, run activities, wait_until) or a
    plain ``def`` (it changes state and returns at once). Arguments are validated before the
    update is accepted; a failed validation rejects it and the caller gets
    `UpdateFailedError`. Add your own check with
    ``@<method>.validator`` on a plain ``def`` taking the same parameters: if it raises, the
    update is rejected (nothing in the workflow changes) and the caller's
    `UpdateFailedError` carries its message.

    Example:
        >>> from temporal_runtime import Workflow
        >>> class DocPriority(Workflow):
        ...     priority = 1
        ...     @wf_update("set_priority")
        ...     async def set_priority(self, p: int) -> int:
        ...         old, self.priority = self.priority, p
        ...         return old
        ...     @wf_update
        ...     def reset(self) -> int:
        ...         self.priority = 1
        ...         return self.priority
        ...     async def run(self) -> None: ...
    """
    return _decorator("update", name_or_fn, name)


def allow_nondeterminism(method: T) -> T:
    """Leave one method out of the determinism check made when a workflow class is defined.

    The check reports calls such as ``datetime.now()`` or ``open(...)`` in workflow code. Use
    this only for a method whose calls cannot change what the workflow does on a replay (one
    that only logs, say); to leave out a single line instead, end it with
    ``# temporal-runtime: allow-nondeterminism``. Nothing changes at run time.

    Example:
        >>> import time
        >>> from temporal_runtime import Workflow
        >>> class DocTimed(Workflow):
        ...     @allow_nondeterminism
        ...     def _log_elapsed(self, started: float) -> None:
        ...         self.logger.info("took %.3f s of CPU", time.process_time() - started)
        ...     async def run(self) -> None: ...
    """
    target: Any = method
    if isinstance(target, staticmethod | classmethod):
        target = cast(Any, target).__func__
    elif isinstance(target, property):
        target = target.fget
    setattr(target, ALLOW_ATTR, True)
    return method
