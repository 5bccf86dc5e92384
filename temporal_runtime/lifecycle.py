"""An engine's lifecycle (`EngineState`) and what its health check found (`HealthStatus`).

Both engines move NOT_STARTED -> RUNNING -> STOPPING -> STOPPED and refuse calls outside
RUNNING with `EngineNotStartedError`; ``start()`` twice raises `EngineStateError`.
"""

from __future__ import annotations

import enum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

__all__ = ["EngineState", "HealthStatus"]


class EngineState(enum.StrEnum):
    """The engine's lifecycle: NOT_STARTED -> RUNNING -> STOPPING -> STOPPED.

    Example:
        >>> EngineState.NOT_STARTED.value
        'not_started'
    """

    NOT_STARTED = "not_started"
    RUNNING = "running"
    STOPPING = "stopping"
    STOPPED = "stopped"


class HealthStatus(BaseModel):
    """What `TemporalEngine.health_check` found; `healthy` sums it up.

    Example:
        >>> HealthStatus(healthy=False, state=EngineState.NOT_STARTED, server_reachable=False,
        ...              workers_running=False, task_queues=[], detail="not started").healthy
        False
    """

    model_config: ClassVar[ConfigDict] = ConfigDict(frozen=True)

    healthy: bool
    state: EngineState
    server_reachable: bool
    workers_running: bool
    task_queues: list[str]
    detail: str
