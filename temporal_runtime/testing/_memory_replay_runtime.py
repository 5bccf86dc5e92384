"""The workflow helpers during an in-memory replay (`_memory_replay`).

Each helper builds its command as the first run did (`_memory_record`) and hands it to the
replay, which matches it with the first run's and gives back the recorded result; the clock,
ids and randomness are the first run's too. Nothing is run, started or logged.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from random import Random
from typing import Any, NoReturn, Protocol

import temporalio.common

from temporal_runtime._internal._activity_defn import ActivityDefinition
from temporal_runtime._internal._runtime import ContinueAsNew, WorkflowRuntime
from temporal_runtime.config import RuntimeConfig
from temporal_runtime.info import WorkflowInfo
from temporal_runtime.options import ActivityOptions, ChildOptions
from temporal_runtime.testing import _memory_record as rec
from temporal_runtime.testing._memory_state import ContinuedAsNew, Execution

# A replay logs nothing, as a worker's replay does not.
_quiet = logging.Logger("temporal_runtime.testing.replay", logging.CRITICAL + 1)
QUIET = logging.LoggerAdapter(_quiet, {})


class ReplayDriver(Protocol):
    """What the replayed helpers need from the replay."""

    execution: Execution
    now: datetime

    def issue(self, key: tuple[Any, ...]) -> tuple[asyncio.Future[Any], int]:
        """Match a command with the first run's; the future gets the recorded result."""
        ...

    async def awaited(self, key: tuple[Any, ...]) -> Any:
        """`issue`, then wait for the recorded result."""
        ...

    def condition(self, predicate: Callable[[], bool], what: str) -> asyncio.Future[None]:
        """A future resolved once `predicate()` holds (checked after each step)."""
        ...

    def child_result(self, child_id: str) -> asyncio.Future[Any]:
        """The future of a child's recorded result."""
        ...

    def handlers_finished(self) -> bool:
        """Whether every replayed signal and update handler has finished."""
        ...

    def history_read(self) -> tuple[int, bool] | None:
        """What the first run's read of `info` at this point saw of its history, if it read it."""
        ...


class ReplayRuntime:
    """The workflow helpers during a replay: commands are matched, results come from the record."""

    def __init__(self, replay: ReplayDriver, first: WorkflowRuntime) -> None:
        self.method = first.method
        self._replay = replay
        self._first = first
        self._random: Random | None = None  # seeded as the first run's, when first used

    @property
    def config(self) -> RuntimeConfig:
        return self._first.config

    async def execute_activity(
        self, defn: ActivityDefinition, args: Any, options: ActivityOptions, *, local: bool
    ) -> Any:
        raw = await self._replay.awaited(rec.activity_key(defn.name, args, defn.takes_args, local))
        # With no Result type the workflow gets the recorded value itself: a copy, for the next replay.
        return defn.convert_result(copy.deepcopy(raw) if defn.result_adapter is None else raw)

    async def sleep(self, duration: timedelta, summary: str | None) -> None:
        await self._replay.awaited(rec.timer_key("sleep", duration.total_seconds()))

    async def wait_until(
        self, predicate: Callable[[], bool], timeout: timedelta | None, summary: str | None
    ) -> None:
        if predicate():
            return
        condition = self._replay.condition(predicate, "a wait_until condition")
        if timeout is None:
            await condition
            return
        timer, _ = self._replay.issue(rec.timer_key("wait_until", timeout.total_seconds()))
        try:
            await asyncio.wait((condition, timer), return_when=asyncio.FIRST_COMPLETED)
        finally:
            for future in (condition, timer):
                if not future.done():
                    future.cancel()
        if condition.done() and not condition.cancelled():
            condition.result()
            return
        timer.result()  # the recorded TimeoutError

    def set_current_details(self, details: str) -> None:
        del details  # what the Web UI shows: the first run said it already

    def now(self) -> datetime:
        return self._replay.now

    def uuid4(self) -> uuid.UUID:
        return uuid.UUID(int=self.random().getrandbits(128), version=4)

    def random(self) -> Random:
        if self._random is None:
            self._random = Random(self._replay.execution.run_id)
        return self._random

    def logger(self) -> logging.LoggerAdapter[logging.Logger]:
        return QUIET

    def info(self) -> WorkflowInfo:
        info = self._first.info()
        seen = self._replay.history_read()
        if seen is None:
            return info
        length, suggested = seen
        return dataclasses.replace(info, history_length=length, continue_as_new_suggested=suggested)

    def all_handlers_finished(self) -> bool:
        return self._replay.handlers_finished()

    def is_continue_as_new(self, err: BaseException) -> bool:
        return isinstance(err, ContinuedAsNew)

    def external(self, workflow_id: str, run_id: str | None) -> ReplayExternalRun:
        return ReplayExternalRun(self._replay, workflow_id)

    async def start_child(
        self, workflow: str, envelope: Mapping[str, Any], options: ChildOptions
    ) -> ReplayChildRun:
        future, _ = self._replay.issue(rec.child_key(workflow, envelope, options.workflow_id))
        child_id: str = await future
        return ReplayChildRun(self._replay, child_id)

    def continue_as_new(self, request: ContinueAsNew) -> NoReturn:
        self._replay.issue(rec.continue_key(request))
        raise ContinuedAsNew(request)

    def patched(self, patch_id: str) -> bool:
        self._replay.issue(rec.patch_key(patch_id, deprecated=False))
        return True

    def deprecate_patch(self, patch_id: str) -> None:
        self._replay.issue(rec.patch_key(patch_id, deprecated=True))

    def upsert_search_attributes(
        self, attributes: Sequence[tuple[temporalio.common.SearchAttributeKey[Any], Any]]
    ) -> None:
        self._replay.issue(rec.search_key(attributes))


class ReplayChildRun:
    """A child of the replayed run: its start, result, signals and cancellation, as recorded."""

    __slots__ = ("_replay", "id")

    def __init__(self, replay: ReplayDriver, child_id: str) -> None:
        self._replay = replay
        self.id = child_id

    async def result(self) -> Any:
        try:
            return copy.deepcopy(await asyncio.shield(self._replay.child_result(self.id)))
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                self.cancel()  # as the first run did: cancelling the parent cancels the child
            raise

    async def signal(self, name: str, args: Sequence[Any]) -> None:
        await self._replay.awaited(rec.child_signal_key(self.id, name, args))

    def cancel(self) -> None:
        self._replay.issue(rec.child_cancel_key(self.id))


class ReplayExternalRun:
    """Another workflow during a replay: signals and cancellations are commands, as recorded."""

    __slots__ = ("_replay", "_workflow_id")

    def __init__(self, replay: ReplayDriver, workflow_id: str) -> None:
        self._replay = replay
        self._workflow_id = workflow_id

    async def signal(self, name: str, args: Sequence[Any]) -> None:
        await self._replay.awaited(rec.external_signal_key(self._workflow_id, name, args))

    async def cancel(self) -> None:
        await self._replay.awaited(rec.external_cancel_key(self._workflow_id))
