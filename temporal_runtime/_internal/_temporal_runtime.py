"""`WorkflowRuntime` on a real Temporal worker: each helper is one `temporalio.workflow` call."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from random import Random
from typing import Any, NoReturn, cast
from uuid import UUID

import temporalio.common
import temporalio.exceptions
import temporalio.workflow as twf

from temporal_runtime._internal._activity_defn import ActivityDefinition
from temporal_runtime._internal._logging import MethodLoggerAdapter
from temporal_runtime._internal._runtime import ContinueAsNew
from temporal_runtime._internal._temporal_options import activity_kwargs, start_kwargs
from temporal_runtime.config import RuntimeConfig, current_config
from temporal_runtime.info import ParentInfo, WorkflowInfo
from temporal_runtime.options import ActivityOptions, ChildOptions

# The name under which an engine's worker hands its configuration to the workflows it runs
# (a temporalio extern function: set outside the sandbox, per worker, read inside it).
CONFIG_EXTERN = "__temporal_runtime_config"


# The name under which a test engine's worker hands the workflow fakes it serves
# (`local_engine(children=...)`): a function of (workflow type, method) to a fake or None.
FAKES_EXTERN = "__temporal_runtime_fakes"


def _externs() -> Mapping[str, Callable[..., object]]:
    return cast("Mapping[str, Callable[..., object]]", twf.extern_functions())  # pyright: ignore[reportUnknownMemberType]


def engine_config() -> RuntimeConfig:
    """The configuration of the engine whose worker runs the current workflow.

    A worker built outside an engine (a plain temporalio Worker or Replayer) hands none: the
    process's default configuration applies then.
    """
    provide = _externs().get(CONFIG_EXTERN)
    return cast(RuntimeConfig, provide()) if provide is not None else current_config()


def workflow_fake(workflow: str, method: str) -> Callable[..., Any] | None:
    """The fake a test engine's worker serves for entry `method` of `workflow`, if any."""
    lookup = _externs().get(FAKES_EXTERN)
    return None if lookup is None else cast("Callable[..., Any] | None", lookup(workflow, method))


def _cancelled(err: BaseException) -> asyncio.CancelledError | None:
    """One cancellation type in workflow code: a cancelled activity or child raises
    `asyncio.CancelledError` (chained to Temporal's error), like timers and conditions do."""
    if temporalio.exceptions.is_cancelled_exception(err):
        return asyncio.CancelledError(f"cancelled: {err}")
    return None


class TemporalChildRun:
    """A `ChildRun` over temporalio's `ChildWorkflowHandle` (itself an asyncio future)."""

    __slots__ = ("_handle",)

    def __init__(self, handle: twf.ChildWorkflowHandle[Any, Any]) -> None:
        self._handle = handle

    @property
    def id(self) -> str:
        return self._handle.id

    async def result(self) -> Any:
        try:
            return await self._handle
        except (temporalio.exceptions.ChildWorkflowError, temporalio.exceptions.CancelledError) as err:
            cancelled = _cancelled(err)
            if cancelled is None:
                raise
            raise cancelled from err

    async def signal(self, name: str, args: Sequence[Any]) -> None:
        await self._handle.signal(name, args=list(args))

    def cancel(self) -> None:
        self._handle.cancel()


class TemporalExternalRun:
    """An `ExternalRun` over temporalio's `ExternalWorkflowHandle`."""

    __slots__ = ("_handle",)

    def __init__(self, handle: twf.ExternalWorkflowHandle[Any]) -> None:
        self._handle = handle

    async def signal(self, name: str, args: Sequence[Any]) -> None:
        await self._handle.signal(name, args=list(args))

    async def cancel(self) -> None:
        await self._handle.cancel()


class TemporalWorkflowRuntime:
    """Runs a workflow instance's helpers through `temporalio.workflow`."""

    __slots__ = ("_config", "_logger", "method")

    def __init__(self) -> None:
        self.method = ""
        self._logger: MethodLoggerAdapter | None = None
        self._config: RuntimeConfig | None = None

    @property
    def config(self) -> RuntimeConfig:
        if self._config is None:
            self._config = engine_config()
        return self._config

    async def execute_activity(
        self, defn: ActivityDefinition, args: Any, options: ActivityOptions, *, local: bool
    ) -> Any:
        try:
            result = await self._execute_activity(defn, args, options, local=local)
        except (temporalio.exceptions.ActivityError, temporalio.exceptions.CancelledError) as err:
            cancelled = _cancelled(err)
            if cancelled is None:
                raise
            raise cancelled from err
        return defn.convert_result(result)

    async def _execute_activity(
        self, defn: ActivityDefinition, args: Any, options: ActivityOptions, *, local: bool
    ) -> Any:
        arg_list = [args] if defn.takes_args else []
        kwargs = activity_kwargs(options, local=local)
        if local:
            return await twf.execute_local_activity(defn.name, args=arg_list, **kwargs)
        return await twf.execute_activity(defn.name, args=arg_list, **kwargs)

    async def sleep(self, duration: timedelta, summary: str | None) -> None:
        await twf.sleep(duration, summary=summary)

    async def wait_until(
        self, predicate: Callable[[], bool], timeout: timedelta | None, summary: str | None
    ) -> None:
        await twf.wait_condition(predicate, timeout=timeout, timeout_summary=summary)

    def set_current_details(self, details: str) -> None:
        twf.set_current_details(details)

    def now(self) -> datetime:
        return twf.now()

    def uuid4(self) -> UUID:
        return twf.uuid4()

    def random(self) -> Random:
        return twf.random()

    def logger(self) -> logging.LoggerAdapter[logging.Logger]:
        # Built on first use: `method` is set by the adapter after construction.
        if self._logger is None or self._logger.method != self.method:
            self._logger = MethodLoggerAdapter(twf.logger, self.method)
        return self._logger

    def info(self) -> WorkflowInfo:
        i = twf.info()
        parent = i.parent
        return WorkflowInfo(
            workflow_id=i.workflow_id,
            run_id=i.run_id,
            workflow_type=i.workflow_type,
            method=self.method,
            attempt=i.attempt,
            task_queue=i.task_queue,
            namespace=i.namespace,
            start_time=i.start_time,
            history_length=i.get_current_history_length(),
            continue_as_new_suggested=i.is_continue_as_new_suggested(),
            parent=None
            if parent is None
            else ParentInfo(parent.workflow_id, parent.run_id, parent.namespace),
        )

    def all_handlers_finished(self) -> bool:
        return twf.all_handlers_finished()

    def is_continue_as_new(self, err: BaseException) -> bool:
        return isinstance(err, twf.ContinueAsNewError)

    def external(self, workflow_id: str, run_id: str | None) -> TemporalExternalRun:
        return TemporalExternalRun(twf.get_external_workflow_handle(workflow_id, run_id=run_id))

    async def start_child(
        self, workflow: str, envelope: Mapping[str, Any], options: ChildOptions
    ) -> TemporalChildRun:
        handle = await twf.start_child_workflow(workflow, dict(envelope), **start_kwargs(options))
        return TemporalChildRun(handle)

    def continue_as_new(self, request: ContinueAsNew) -> NoReturn:
        memo = {**twf.memo(), **request.memo}
        # temporalio's stubs only name classes, but a workflow type name is accepted too.
        twf.continue_as_new(
            dict(request.envelope),
            workflow=request.workflow,  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
            memo=memo,
        )

    def patched(self, patch_id: str) -> bool:
        return twf.patched(patch_id)

    def deprecate_patch(self, patch_id: str) -> None:
        twf.deprecate_patch(patch_id)

    def upsert_search_attributes(
        self, attributes: Sequence[tuple[temporalio.common.SearchAttributeKey[Any], Any]]
    ) -> None:
        updates: list[temporalio.common.SearchAttributeUpdate[Any]] = [
            key.value_unset() if value is None else key.value_set(value) for key, value in attributes
        ]
        twf.upsert_search_attributes(updates)  # pyright: ignore[reportUnknownMemberType]
