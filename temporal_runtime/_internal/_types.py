"""Every TypeVar, ParamSpec and typing Protocol of the package, named by its role.

Nothing here exists for the runtime: these names only tell type checkers how the client
proxy, `exec`, activities and handles relate to the user's own signatures.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from typing_extensions import ParamSpec, TypeVar

# A user's workflow class (the type a proxy stands for).
WorkflowType = TypeVar("WorkflowType")
# What a workflow entry method, query or update handler returns.
ReturnType = TypeVar("ReturnType")
# What a `MethodHandle` gives back from `result()`.
HandleResultType = TypeVar("HandleResultType")
# The parameters of an entry method or handler, after `self`.
MethodParams = ParamSpec("MethodParams")
# What `exec` passes to an activity, and what `exec` gives back.
ArgsType = TypeVar("ArgsType")
ResultType = TypeVar("ResultType")
ArgsType_contra = TypeVar("ArgsType_contra", contravariant=True)
ResultType_co = TypeVar("ResultType_co", covariant=True)
# The implementation's own parameters and return type (what a direct call of an activity gives:
# a coroutine for an ``async def``, the value for a ``def``).
CallParams = ParamSpec("CallParams", default=...)
CallReturn = TypeVar("CallReturn", default=Any)
# A decorated function, returned unchanged.
FunctionType = TypeVar("FunctionType", bound=Callable[..., Any])


class Schedulable(Protocol[ArgsType_contra, ResultType_co]):
    """An activity `exec` can schedule with one argument: its implementation takes `ArgsType_contra`."""

    @property
    def __activity_result__(self) -> ResultType_co: ...

    def __call__(self, args: ArgsType_contra, /) -> Any: ...


class NoArgSchedulable(Protocol[ResultType_co]):
    """An activity `exec` can schedule with no argument."""

    @property
    def __activity_result__(self) -> ResultType_co: ...

    def __call__(self) -> Any: ...


class SupportsWorkflowClient(Protocol):
    """An engine that can build the proxy of a workflow class (`TemporalEngine`, test engines)."""

    def workflow_client(self, workflow: type[WorkflowType], /) -> WorkflowType:
        """The typed proxy of `workflow` on this engine."""
        ...
