"""The embedded dev server: clear errors when it cannot start."""

from __future__ import annotations

import pytest

from temporal_runtime import DevServer, TemporalEngine, WorkflowNotFoundError


async def test_port_in_use_is_refused() -> None:
    async with DevServer(ui=False) as first:
        second = DevServer(port=first.port, ui=False)
        with pytest.raises(RuntimeError, match="already in use"):
            await second.start()
        assert not second.running
        await second.stop()
        assert first.running


async def test_a_server_that_exits_reports_its_stderr() -> None:
    server = DevServer(ui=False, extra_args=("--no-such-flag",))
    with pytest.raises(RuntimeError, match="exited with code .*no-such-flag"):
        await server.start()
    await server.stop()
    assert not server.running


async def test_started_means_ready_for_clients() -> None:
    # start() returns only once the frontend serves the namespace: connect at once, no retry.
    async with DevServer(ui=False) as server:
        async with TemporalEngine(url=server.address, task_queue="ready", start_worker=False) as engine:
            health = await engine.health_check()
            assert health.server_reachable, health.detail
            with pytest.raises(WorkflowNotFoundError):
                await engine.get_status("nothing-here")
