"""The task timeout in `InMemoryEngine`: one step of workflow code that runs too long fails the run.

On a worker, each stretch of workflow code between two awaits is one workflow task; a task
that takes longer than the workflow's ``task_timeout`` times out and Temporal retries it for
ever. In memory there are no tasks to retry, so the run fails at once with a message that
says which run and how long the step took.
"""

from __future__ import annotations

import time
from collections.abc import Coroutine, Generator
from datetime import timedelta
from typing import Any

import temporalio.exceptions

TASK_TIMED_OUT = "WorkflowTaskTimedOut"


class TaskTimed(Coroutine[Any, Any, Any]):
    """Runs an entry method, failing the run when one step (one workflow task) takes too long.

    On a server such a workflow task times out and is retried for ever; in memory the run
    fails at once and says why.
    """

    __slots__ = ("_coro", "_label", "_limit")

    def __init__(self, coro: Coroutine[Any, Any, Any], limit: timedelta, label: str) -> None:
        self._coro = coro
        self._limit = limit
        self._label = label

    def _check(self, started: float) -> None:
        took = time.perf_counter() - started
        if took > self._limit.total_seconds():
            self._coro.close()
            raise temporalio.exceptions.ApplicationError(
                f"{self._label}: one workflow task ran {took:.2f}s, over its task_timeout of "
                f"{self._limit.total_seconds():g}s; on a server it would time out and be retried "
                "for ever. Move slow or blocking work into an activity",
                type=TASK_TIMED_OUT,
                non_retryable=True,
            )

    def send(self, value: Any) -> Any:
        started = time.perf_counter()
        try:
            step = self._coro.send(value)
        except BaseException:
            self._check(started)
            raise
        self._check(started)
        return step

    def throw(self, typ: Any, val: Any = None, tb: Any = None) -> Any:
        started = time.perf_counter()
        try:
            step = self._coro.throw(typ if val is None else val)
        except BaseException:
            self._check(started)
            raise
        self._check(started)
        return step

    def close(self) -> None:
        self._coro.close()

    def __next__(self) -> Any:
        return self.send(None)

    def __iter__(self) -> TaskTimed:
        return self

    def __await__(self) -> Generator[Any, None, Any]:
        return self  # an iterator with send/throw, as await needs
