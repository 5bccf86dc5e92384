"""An `engine` fixture serving only the given workflows.

Every worker validates each workflow it serves in the sandbox, which costs time per class;
a module that only needs its own workflows starts faster with this fixture.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from temporal_runtime import DevServer, TemporalEngine


def engine_serving(*workflows: type[Any]) -> Callable[..., Any]:
    """A function-scoped `engine` fixture whose workers serve only `workflows`."""

    @pytest.fixture
    async def engine(dev_server: DevServer, task_queue: str) -> AsyncIterator[TemporalEngine]:
        async with TemporalEngine(
            url=dev_server.address, task_queue=task_queue, workflows=workflows
        ) as engine:
            yield engine

    return engine
