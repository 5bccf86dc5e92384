"""The async fixtures of the pytest plugin; registered only when pytest-asyncio is installed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

import pytest
import pytest_asyncio

from temporal_runtime.activity import Activity
from temporal_runtime.testing._local import LocalEngine, local_engine
from temporal_runtime.testing.pytest_plugin import TemporalServers, reuse_server


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def temporal_servers() -> AsyncIterator[TemporalServers]:
    """The session's shared Temporal servers (only started when a test reuses them)."""
    servers = TemporalServers()
    try:
        yield servers
    finally:
        await servers.close()


@pytest_asyncio.fixture
async def temporal_engine(
    request: pytest.FixtureRequest,
    temporal_servers: TemporalServers,
    temporal_activities: Mapping[Activity[Any, Any] | str, Callable[..., Any]] | None,
) -> AsyncIterator[LocalEngine]:
    """A started engine on the Temporal dev server, on a fresh task queue."""
    if reuse_server(request):
        server = await temporal_servers.dev_server()
        async with local_engine(activities=temporal_activities, address=server.address) as engine:
            yield engine
    else:
        async with local_engine(activities=temporal_activities) as engine:
            yield engine


@pytest_asyncio.fixture
async def temporal_time_skipping_engine(
    request: pytest.FixtureRequest,
    temporal_servers: TemporalServers,
    temporal_activities: Mapping[Activity[Any, Any] | str, Callable[..., Any]] | None,
) -> AsyncIterator[LocalEngine]:
    """A started engine on Temporal's time-skipping test server, on a fresh task queue."""
    if reuse_server(request):
        env = await temporal_servers.time_skipping()
        async with local_engine(activities=temporal_activities, environment=env) as engine:
            yield engine
    else:
        async with local_engine(time_skipping=True, activities=temporal_activities) as engine:
            yield engine
