"""The temporalio `Worker` options that come from configuration: deployment version and tuning.

`build_workers` lays these over its own options: the worker deployment version (worker
versioning, from ``[tool.temporal-runtime.deployment]`` and the engine's ``deployment_name=``
/ ``build_id=``), and the slot tuner and poller behaviour (from ``[tool.temporal-runtime.worker]``).
Every problem is a `ConfigError` raised before any worker starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError
from temporalio.common import VersioningBehavior, WorkerDeploymentVersion
from temporalio.worker import (
    PollerBehaviorAutoscaling,
    PollerBehaviorSimpleMaximum,
    ResourceBasedSlotConfig,
    WorkerDeploymentConfig,
    WorkerTuner,
)

from temporal_runtime._internal._deployment_config import DeploymentDefaults
from temporal_runtime._internal._workflow_defn import WorkflowDefinition
from temporal_runtime.config import WorkerDefaults
from temporal_runtime.errors import ConfigError

_BEHAVIOURS = {"pinned": VersioningBehavior.PINNED, "auto_upgrade": VersioningBehavior.AUTO_UPGRADE}
# temporalio's own defaults for autoscaling pollers, when the configuration gives no maximum.
_AUTOSCALING_MAX = 100


def resolve_deployment(
    configured: DeploymentDefaults, name: str | None, build_id: str | None
) -> DeploymentDefaults:
    """The engine's ``deployment_name=`` / ``build_id=`` over the configuration's."""
    if name is None and build_id is None:
        return configured
    try:
        return DeploymentDefaults(
            name=name or configured.name,
            build_id=build_id or configured.build_id,
            default_versioning=configured.default_versioning,
        )
    except ValidationError as err:
        problem = err.errors(include_url=False)[0]["msg"].removeprefix("Value error, ")
        raise ConfigError(f"TemporalEngine(deployment_name=, build_id=): {problem}") from None


def deployment_options(
    deployment: DeploymentDefaults, workflows: Iterable[WorkflowDefinition]
) -> dict[str, Any]:
    """``deployment_config`` for one worker, or nothing when no deployment is configured."""
    if deployment.name is None or deployment.build_id is None:
        return {}
    default = VersioningBehavior.UNSPECIFIED
    if deployment.default_versioning is not None:
        default = _BEHAVIOURS[deployment.default_versioning]
    else:
        # temporalio would refuse each such class with a bare ValueError; say what to write.
        unset = [wf for wf in workflows if wf.versioning is None]
        if unset:
            names = ", ".join(f"{wf.name} ({wf.origin})" for wf in unset)
            raise ConfigError(
                f"worker deployment {deployment.version}: workflow(s) {names} declare no "
                "versioning behaviour; write class X(Workflow, versioning=VersioningBehavior.PINNED) "
                "(or AUTO_UPGRADE), or set [tool.temporal-runtime.deployment] "
                'default_versioning = "pinned" / "auto_upgrade" for every class that says nothing'
            )
    config = WorkerDeploymentConfig(
        version=WorkerDeploymentVersion(deployment.name, deployment.build_id),
        use_worker_versioning=True,
        default_versioning_behavior=default,
    )
    return {"deployment_config": config}


def tuning_options(worker: WorkerDefaults, limits: Mapping[str, int | None]) -> dict[str, Any]:
    """The slot options (fixed limits or a resource-based tuner) and the poller behaviour."""
    options: dict[str, Any]
    if worker.tuner == "resource_based":
        # With a tuner temporalio takes no max_concurrent_*: they become each slot type's cap.
        options = {
            "tuner": WorkerTuner.create_resource_based(
                target_memory_usage=worker.target_memory_usage,
                target_cpu_usage=worker.target_cpu_usage,
                workflow_config=ResourceBasedSlotConfig(
                    maximum_slots=limits.get("max_concurrent_workflow_tasks")
                ),
                activity_config=ResourceBasedSlotConfig(
                    maximum_slots=limits.get("max_concurrent_activities")
                ),
                local_activity_config=ResourceBasedSlotConfig(
                    maximum_slots=limits.get("max_concurrent_local_activities")
                ),
            )
        }
    else:
        options = {k: v for k, v in limits.items() if v}
    pollers = _poller_behaviour(worker)
    if pollers is not None:
        options["workflow_task_poller_behavior"] = pollers
        options["activity_task_poller_behavior"] = pollers
    return options


def _poller_behaviour(
    worker: WorkerDefaults,
) -> PollerBehaviorAutoscaling | PollerBehaviorSimpleMaximum | None:
    if not worker.poller_autoscaling:
        return None if worker.max_pollers is None else PollerBehaviorSimpleMaximum(worker.max_pollers)
    maximum = worker.max_pollers or _AUTOSCALING_MAX
    if not worker.min_pollers <= worker.initial_pollers <= maximum:
        raise ConfigError(
            f"[tool.temporal-runtime.worker] with poller_autoscaling: initial_pollers "
            f"({worker.initial_pollers}) must lie between min_pollers ({worker.min_pollers}) and "
            f"max_pollers ({maximum}); change one of them"
        )
    return PollerBehaviorAutoscaling(
        minimum=worker.min_pollers, maximum=maximum, initial=worker.initial_pollers
    )
