"""`WorkflowRuntime` on a real Temporal worker: each helper is one `temporalio.workflow` call."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from random import Random
from typing import Any
from uuid import UUID

import temporalio.workflow as twf

from temporal_runtime._internal._activity_defn import ActivityDefinition, ActivityOptions
from temporal_runtime._internal._logging import MethodLoggerAdapter
from temporal_runtime._internal._runtime import WorkflowInfo


class TemporalWorkflowRuntime:
    """Runs a workflow instance's helpers through `temporalio.workflow`."""

    __slots__ = ("_logger", "method")

    def __init__(self) -> None:
        self.method = ""
        self._logger: MethodLoggerAdapter | None = None

    async def execute_activity(
        self, defn: ActivityDefinition, args: Any, options: ActivityOptions, *, local: bool
    ) -> Any:
        arg_list = [args] if defn.takes_args else []
        if local:
            result = await twf.execute_local_activity(
                defn.name,
                args=arg_list,
                start_to_close_timeout=options.start_to_close,
                schedule_to_close_timeout=options.schedule_to_close,
                retry_policy=options.retry_policy,
            )
        else:
            result = await twf.execute_activity(
                defn.name,
                args=arg_list,
                task_queue=options.task_queue,
                start_to_close_timeout=options.start_to_close,
                schedule_to_close_timeout=options.schedule_to_close,
                schedule_to_start_timeout=options.schedule_to_start,
                heartbeat_timeout=options.heartbeat,
                retry_policy=options.retry_policy,
            )
        return defn.convert_result(result)

    async def sleep(self, duration: timedelta) -> None:
        await twf.sleep(duration)

    async def wait_until(self, predicate: Callable[[], bool], timeout: timedelta | None) -> None:
        await twf.wait_condition(predicate, timeout=timeout)

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
        return WorkflowInfo(
            workflow_id=i.workflow_id,
            run_id=i.run_id,
            workflow_type=i.workflow_type,
            method=self.method,
            attempt=i.attempt,
            task_queue=i.task_queue,
            namespace=i.namespace,
            start_time=i.start_time,
        )
