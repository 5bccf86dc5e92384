"""Worker tuning from the configuration: the resource-based tuner and poller autoscaling."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from temporalio.worker import (
    PollerBehaviorAutoscaling,
    PollerBehaviorSimpleMaximum,
    ResourceBasedSlotSupplier,
    WorkerTuner,
)

from temporal_runtime import RuntimeConfig, TemporalEngine, load_config
from temporal_runtime.testing.pytest_plugin import SharedDevServer
from tests.integration.routing_workflows import RoutingChild


def _worker_config(engine: TemporalEngine) -> dict[str, Any]:
    (worker,) = engine._workers.values()  # pyright: ignore[reportPrivateUsage]
    return dict(worker.config())


async def test_a_resource_based_autoscaling_worker_runs_workflows(
    dev_server: SharedDevServer, task_queue: str
) -> None:
    # As a deployment would set it: environment variables over the (empty) file.
    config = load_config(
        env={
            "TEMPORAL_RUNTIME_WORKER__TUNER": "resource_based",
            "TEMPORAL_RUNTIME_WORKER__TARGET_CPU_USAGE": "0.75",
            "TEMPORAL_RUNTIME_WORKER__MAX_CONCURRENT_ACTIVITIES": "4",
            "TEMPORAL_RUNTIME_WORKER__POLLER_AUTOSCALING": "true",
            "TEMPORAL_RUNTIME_WORKER__MAX_POLLERS": "8",
            "TEMPORAL_RUNTIME_WORKER__INITIAL_POLLERS": "2",
        },
        start=Path("/"),  # no pyproject.toml: only the environment speaks
    )
    async with TemporalEngine(
        url=dev_server.address, task_queue=task_queue, workflows=[RoutingChild], config=config
    ) as engine:
        for text in ("a", "b", "c"):
            assert await RoutingChild.client(engine).work(text) == text
        options = _worker_config(engine)
    tuner = options["tuner"]
    assert isinstance(tuner, WorkerTuner)
    assert options["max_concurrent_activities"] is None  # a tuner takes no fixed limits
    supplier = tuner._get_activity_task_slot_supplier()  # pyright: ignore[reportPrivateUsage]
    assert isinstance(supplier, ResourceBasedSlotSupplier)
    assert supplier.slot_config.maximum_slots == 4
    assert supplier.tuner_config.target_cpu_usage == 0.75
    expected = PollerBehaviorAutoscaling(minimum=1, maximum=8, initial=2)
    assert options["workflow_task_poller_behavior"] == expected
    assert options["activity_task_poller_behavior"] == expected


async def test_fixed_limits_and_a_poller_maximum(dev_server: SharedDevServer, task_queue: str) -> None:
    config = RuntimeConfig.model_validate({"worker": {"max_concurrent_workflow_tasks": 3, "max_pollers": 2}})
    async with TemporalEngine(
        url=dev_server.address, task_queue=task_queue, workflows=[RoutingChild], config=config
    ) as engine:
        assert await RoutingChild.client(engine).work("fixed") == "fixed"
        options = _worker_config(engine)
    assert options["max_concurrent_workflow_tasks"] == 3
    assert options["tuner"] is None
    assert options["workflow_task_poller_behavior"] == PollerBehaviorSimpleMaximum(2)
