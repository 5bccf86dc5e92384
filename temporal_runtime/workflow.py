"""Workflows as plain classes: `Workflow`, its helpers, and the handler decorators.

Every public ``async def`` of a `Workflow` subclass is an entry method that can be
started; ``@wf_signal``, ``@wf_query`` and ``@wf_update`` mark the handlers. Inside a
running workflow the helpers (`exec`, `sleep`, `wait_until`, ...) talk to Temporal;
outside one the class is a plain object whose helpers raise `NotInWorkflowError`, so a unit
test can patch them.
"""

from __future__ import annotations

import logging
from asyncio import CancelledError as WorkflowCancelled
from collections.abc import Callable
from datetime import datetime, timedelta
from random import Random
from typing import Any, ClassVar, cast, overload
from uuid import UUID

from typing_extensions import Unpack

from temporal_runtime._internal import _registry
from temporal_runtime._internal._activity_defn import ActivityDefinition
from temporal_runtime._internal._metaclass import _WorkflowMeta
from temporal_runtime._internal._routing_options import details_text, timer_summary
from temporal_runtime._internal._runtime import RUNTIME_ATTR, WorkflowRuntime
from temporal_runtime._internal._types import ArgsType, NoArgSchedulable, ResultType, Schedulable
from temporal_runtime._internal._workflow_defn import DEFINITION_ATTR, WorkflowDefinition
from temporal_runtime.activity import Activity
from temporal_runtime.client import ClientSide
from temporal_runtime.config import to_timedelta
from temporal_runtime.errors import NotInWorkflowError, OptionError
from temporal_runtime.handlers import UpdateMethod, allow_nondeterminism, wf_query, wf_signal, wf_update
from temporal_runtime.info import WorkflowInfo
from temporal_runtime.options import ActivityOptions, ActivityOptionsKwargs, LocalActivityOptionsKwargs
from temporal_runtime.patterns import DurablePatterns

__all__ = [
    "UpdateMethod",
    "Workflow",
    "WorkflowCancelled",
    "WorkflowInfo",
    "allow_nondeterminism",
    "wf_query",
    "wf_signal",
    "wf_update",
]

_NO_ARGS: Any = object()
_AnyActivity = Schedulable[Any, Any] | NoArgSchedulable[Any] | str
_fallback_loggers: dict[str, logging.Logger] = {}


def _activity_definition(activity: _AnyActivity) -> ActivityDefinition:
    if isinstance(activity, Activity):
        return activity.definition
    return _registry.activities.require(cast(str, activity))


class Workflow(ClientSide, DurablePatterns, metaclass=_WorkflowMeta):
    """Base class of workflows: subclass it, write ``async def`` entry methods, use the helpers.

    Class keywords: ``name=`` (the Temporal workflow type; default the class name),
    ``task_queue=`` (default: the engine's), ``abstract=True`` for a shared base class,
    ``wait_for_handlers=False`` to make `continue_as_new` leave running handlers behind.
    ``versioning=`` (a `VersioningBehavior`: how runs move between worker deployment versions).
    An ``__init__`` may take parameters of the entry methods: each run passes it those of
    the method it starts, before any signal or update handler runs (temporalio's
    ``@workflow.init``; see the guide for the rule).
    The helper names (`exec`, `sleep`, `client`, ...) are reserved: a subclass that defines
    one is rejected when it is defined.

    Example:
        >>> from pydantic import BaseModel
        >>> class Greeting(BaseModel):
        ...     text: str
        >>> class DocGreeter(Workflow):
        ...     async def greet(self, name: str) -> Greeting:
        ...         await self.sleep(1)
        ...         return Greeting(text=f"hello {name}")
        >>> sorted(DocGreeter.__temporal_runtime__.methods)
        ['greet']
    """

    __temporal_runtime__: ClassVar[WorkflowDefinition]

    # -- helpers for workflow code ---------------------------------------------------------

    def _runtime(self, helper: str) -> WorkflowRuntime:
        runtime: WorkflowRuntime | None = getattr(self, RUNTIME_ATTR, None)
        if runtime is None:
            name = type(self).__name__
            raise NotInWorkflowError(
                f"{name}.{helper}() was called outside a running workflow. In a unit test, "
                f"patch it: patch.object(wf, {helper!r}, new_callable=AsyncMock); or run the "
                "workflow with temporal_runtime.testing (InMemoryEngine or local_engine)."
            )
        return runtime

    @overload
    async def exec(
        self, activity: NoArgSchedulable[ResultType], /, **options: Unpack[ActivityOptionsKwargs]
    ) -> ResultType: ...
    @overload
    async def exec(
        self,
        activity: Schedulable[ArgsType, ResultType],
        args: ArgsType,
        /,
        **options: Unpack[ActivityOptionsKwargs],
    ) -> ResultType: ...
    @overload
    async def exec(
        self, activity: str, args: Any = ..., /, **options: Unpack[ActivityOptionsKwargs]
    ) -> Any: ...
    async def exec(
        self, activity: _AnyActivity, args: Any = _NO_ARGS, /, **options: Unpack[ActivityOptionsKwargs]
    ) -> Any:
        """Run an activity on a worker and return its result (converted to its `Result`).

        The options are `ActivityOptionsKwargs`: `timeout` (start-to-close, in seconds or a
        timedelta), `schedule_to_close`, `schedule_to_start`, `heartbeat_timeout`,
        `retry_policy`, `task_queue`, `priority` / `fairness_key` / `fairness_weight` (unset:
        the workflow's) and `summary` (one line the Web UI shows on the call). Unset options
        come from the activity's `activity_def` defaults, then from the engine's configuration.

        Example:
            >>> class DocPipeline(Workflow):
            ...     async def run(self, n: int) -> str:
            ...         return await self.exec("doc_charge", {"amount": n}, timeout=30)
        """
        runtime = self._runtime("exec")
        call = ActivityOptions().merge(**options) if options else _NO_OPTIONS
        return await _execute(runtime, activity, args, call, local=False)

    @overload
    async def exec_local(
        self, activity: NoArgSchedulable[ResultType], /, **options: Unpack[LocalActivityOptionsKwargs]
    ) -> ResultType: ...
    @overload
    async def exec_local(
        self,
        activity: Schedulable[ArgsType, ResultType],
        args: ArgsType,
        /,
        **options: Unpack[LocalActivityOptionsKwargs],
    ) -> ResultType: ...
    async def exec_local(
        self, activity: _AnyActivity, args: Any = _NO_ARGS, /, **options: Unpack[LocalActivityOptionsKwargs]
    ) -> Any:
        """Run a short activity as a local activity (in this worker, no task queue round trip).

        The options are `LocalActivityOptionsKwargs` (timeouts, the retry policy, `summary`).

        Example:
            >>> class DocLocal(Workflow):
            ...     async def run(self, n: int) -> str:
            ...         return await self.exec_local("doc_charge", {"amount": n}, timeout=5)
        """
        runtime = self._runtime("exec_local")
        call = ActivityOptions().merge(**options) if options else _NO_OPTIONS
        return await _execute(runtime, activity, args, call, local=True)

    async def sleep(self, duration: float | timedelta, *, summary: str | None = None) -> None:
        """Durable sleep: survives worker restarts; `duration` in seconds or a timedelta.

        `summary` is one line the Web UI shows on the timer (``"wait for the grace period"``).

        Example:
            >>> class DocReminder(Workflow):
            ...     async def remind(self, after_s: float) -> None:
            ...         await self.sleep(after_s, summary="until the reminder is due")
        """
        checked = timer_summary(summary)
        await self._runtime("sleep").sleep(to_timedelta(duration), checked)

    async def wait_until(
        self,
        predicate: Callable[[], bool],
        timeout: float | timedelta | None = None,
        *,
        summary: str | None = None,
    ) -> None:
        """Wait until `predicate()` is true (re-checked after every signal or update).

        Raises `TimeoutError` if `timeout` (seconds or a timedelta) passes first. `summary`
        is one line the Web UI shows on the timeout's timer (so it needs a `timeout`).

        Example:
            >>> class DocApproval(Workflow):
            ...     approved = False
            ...     async def run(self) -> bool:
            ...         await self.wait_until(lambda: self.approved, timeout=3600)
            ...         return True
        """
        if summary is not None and timeout is None:
            raise OptionError(
                f"{type(self).__name__}.wait_until(..., summary={summary!r}) names the timeout's "
                "timer, and there is none: give timeout= too, or drop summary="
            )
        checked = timer_summary(summary)
        await self._runtime("wait_until").wait_until(
            predicate, None if timeout is None else to_timedelta(timeout), checked
        )

    def set_current_details(self, details: str) -> None:
        """Say what the workflow is doing now (Temporal markdown, several lines allowed).

        The Web UI and ``temporal workflow metadata`` show it; each call replaces the last.

        Example:
            >>> class DocSteps(Workflow):
            ...     async def run(self) -> None:
            ...         self.set_current_details("**step 2 of 3**: charging the card")
        """
        text = details_text(details)
        self._runtime("set_current_details").set_current_details(text)

    def now(self) -> datetime:
        """The workflow's deterministic current time (UTC), the same on every replay.

        Example:
            >>> class DocClock(Workflow):
            ...     async def stamp(self) -> str:
            ...         return self.now().isoformat()
        """
        return self._runtime("now").now()

    def uuid4(self) -> UUID:
        """A deterministic random UUID, the same on every replay.

        Example:
            >>> class DocIds(Workflow):
            ...     async def new_id(self) -> str:
            ...         return str(self.uuid4())
        """
        return self._runtime("uuid4").uuid4()

    def random(self) -> Random:
        """A deterministic `random.Random`, seeded by Temporal, the same on every replay.

        Example:
            >>> class DocDice(Workflow):
            ...     async def roll(self) -> int:
            ...         return self.random().randint(1, 6)
        """
        return self._runtime("random").random()

    @property
    def logger(self) -> logging.LoggerAdapter[logging.Logger] | logging.Logger:
        """A logger that adds the workflow id and run id, and stays quiet during replay.

        Outside a workflow it is a plain `logging` logger, so unit tests can log freely.

        Example:
            >>> class DocLogs(Workflow):
            ...     async def run(self) -> None:
            ...         self.logger.info("starting")
        """
        runtime: WorkflowRuntime | None = getattr(self, RUNTIME_ATTR, None)
        if runtime is not None:
            return runtime.logger()
        name = f"temporal_runtime.workflow.{type(self).__name__}"
        found = _fallback_loggers.get(name)
        if found is None:
            found = _fallback_loggers[name] = logging.getLogger(name)
        return found

    @property
    def info(self) -> WorkflowInfo:
        """The running workflow's ids, type, entry method, attempt, history length and parent.

        Read afresh on each access: ``self.info.history_length`` and
        ``self.info.continue_as_new_suggested`` change as the run goes on.

        Example:
            >>> class DocWho(Workflow):
            ...     async def who(self) -> str:
            ...         return f"{self.info.workflow_id} ran {self.info.method}"
        """
        return self._runtime("info").info()

    def all_handlers_finished(self) -> bool:
        """True when no signal or update handler of this run is still running.

        Wait for it before returning, so that no handler is cut off by the end of the run:
        ``await self.wait_until(self.all_handlers_finished)`` (temporalio's
        ``workflow.all_handlers_finished``). `continue_as_new` waits for it by itself.

        Example:
            >>> class DocDrained(Workflow):
            ...     async def run(self) -> None:
            ...         await self.wait_until(self.all_handlers_finished)
        """
        return self._runtime("all_handlers_finished").all_handlers_finished()


_NO_OPTIONS = ActivityOptions()


async def _execute(
    runtime: WorkflowRuntime, activity: _AnyActivity, args: Any, call: ActivityOptions, *, local: bool
) -> Any:
    defn = _activity_definition(activity)
    if (args is _NO_ARGS) == defn.takes_args:
        raise TypeError(
            f"activity '{defn.name}' takes {'one argument' if defn.takes_args else 'no argument'}; "
            f"call self.exec({defn.fn.__name__}{', args' if defn.takes_args else ''})"
        )
    options = defn.options_for(call, runtime.config)
    return await runtime.execute_activity(defn, None if args is _NO_ARGS else args, options, local=local)


def definition_of(cls: type[Workflow]) -> WorkflowDefinition:
    """The frozen definition the metaclass stored on a workflow class.

    Example:
        >>> class DocDefined(Workflow):
        ...     async def run(self) -> None: ...
        >>> definition_of(DocDefined).name
        'DocDefined'
    """
    found: WorkflowDefinition | None = getattr(cls, DEFINITION_ATTR, None)
    if found is None:
        raise TypeError(f"{cls!r} is not a Workflow subclass")
    return found
