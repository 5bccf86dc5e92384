"""The workers an engine runs: which task queue serves what, the sandbox, and building them.

Each engine hands its own configuration to the workflows its workers run (`ConfigInterceptor`,
a temporalio extern function), so two engines in one process keep their own defaults.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, cast

import temporalio.client
import temporalio.worker
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from temporal_runtime._internal import _passthrough, _registry
from temporal_runtime._internal._activity_defn import ActivityDefinition
from temporal_runtime._internal._deployment_config import DeploymentDefaults
from temporal_runtime._internal._processes import ActivityPool, process_pool
from temporal_runtime._internal._sandbox_runner import SandboxRunner, cache_reimports
from temporal_runtime._internal._temporal_runtime import CONFIG_EXTERN
from temporal_runtime._internal._worker_options import deployment_options, tuning_options
from temporal_runtime._internal._workflow_defn import WorkflowDefinition
from temporal_runtime.config import RuntimeConfig
from temporal_runtime.errors import ConfigError, RegistrationError

logger: logging.Logger = logging.getLogger("temporal_runtime.engine")

# Modules every workflow sandbox shares with the host process: the runtime itself (so the
# registries and base classes are the real ones) and Pydantic (already temporalio's default).
DEFAULT_PASSTHROUGH = (
    "temporal_runtime",
    "pydantic",
    "pydantic_core",
    "annotated_types",
    "typing_extensions",
)

Plan = dict[str, tuple[list[WorkflowDefinition], list[ActivityDefinition]]]
# What TemporalEngine(interceptors=...) takes: client interceptors, worker ones, or both in one.
AnyInterceptor = temporalio.client.Interceptor | temporalio.worker.Interceptor


@dataclass(frozen=True)
class WorkerSettings:
    """What an engine's workers serve and how (from the engine's arguments and config)."""

    default_queue: str
    workflows: list[WorkflowDefinition] | None
    activities: list[ActivityDefinition] | None
    queues: frozenset[str] | None
    passthrough_modules: tuple[str, ...]
    drain_timeout: timedelta
    max_concurrent_activities: int | None
    max_concurrent_workflow_tasks: int | None
    max_concurrent_local_activities: int | None
    activity_threads: int
    worker_options: Mapping[str, Any] = field(default_factory=dict[str, Any])
    # With a number, `def` activities run in a pool of that many processes instead of threads.
    activity_processes: int | None = None
    deployment: DeploymentDefaults = field(default_factory=DeploymentDefaults)
    # Also pass through the modules the served workflows use that define no workflow and
    # are safe to share (see _passthrough).
    auto_passthrough: bool = True


def _is_module_level(wf: WorkflowDefinition) -> bool:
    module = sys.modules.get(wf.cls.__module__)
    return (
        module is not None
        and getattr(module, wf.adapter_name, None) is wf.adapter
        and "<locals>" not in wf.cls.__qualname__
    )


def _servable(wf: WorkflowDefinition) -> bool:
    """Whether an engine serving "everything registered" can serve `wf`.

    A class defined inside a function (a test, a notebook helper) cannot be re-imported by
    the sandbox; it must not stop every engine in the process from starting, so it is left
    out with a warning. Naming it in ``workflows=`` still raises `RegistrationError`.
    """
    if _is_module_level(wf):
        return True
    logger.warning(
        "not serving workflow %s (%s): it is not defined at module level, and the worker "
        "re-imports workflow classes by module and name",
        wf.name,
        wf.origin,
    )
    return False


def plan_workers(settings: WorkerSettings) -> Plan:
    """Which workflows and activities each task queue's worker serves."""
    if settings.workflows is None:
        workflows = [d for d in _registry.workflows.all() if not d.abstract and _servable(d)]
    else:
        workflows = settings.workflows
    activities = _registry.activities.all() if settings.activities is None else settings.activities
    plan: Plan = {}
    for wf in workflows:
        plan.setdefault(wf.task_queue or settings.default_queue, ([], []))[0].append(wf)
    for act in activities:
        if act.task_queue is not None:
            plan.setdefault(act.task_queue, ([], []))[1].append(act)
    if not plan:
        plan[settings.default_queue] = ([], [])
    for act in activities:
        if act.task_queue is None:
            # An activity without its own queue runs on its workflow's queue: serve it everywhere.
            for _, acts in plan.values():
                if act not in acts:
                    acts.append(act)
    if settings.queues is not None:
        plan = {q: v for q, v in plan.items() if q in settings.queues}
    return plan


class ConfigInterceptor(temporalio.worker.Interceptor):
    """Hands one engine's configuration to every workflow its worker runs."""

    def __init__(self, config: RuntimeConfig) -> None:
        self._config = config

    def workflow_interceptor_class(
        self, input: temporalio.worker.WorkflowInterceptorClassInput
    ) -> type[temporalio.worker.WorkflowInboundInterceptor] | None:
        config = self._config
        externs: MutableMapping[str, Callable[..., Any]] = input.unsafe_extern_functions  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
        externs[CONFIG_EXTERN] = lambda: config
        return None


def split_interceptors(
    interceptors: Iterable[AnyInterceptor], worker_options: Mapping[str, Any] | None
) -> tuple[list[temporalio.client.Interceptor], dict[str, Any]]:
    """An engine's interceptors for its client, and its worker options with the worker-only ones.

    temporalio hands the client's interceptors that are also worker interceptors (as
    `ContextPropagator`) to every worker of that client, so those go to the client alone; the
    others join the ``interceptors`` of `worker_options`, which `build_workers` adds.
    """
    given = list(interceptors)
    for item in given:
        if not isinstance(item, AnyInterceptor):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise ConfigError(
                f"TemporalEngine(interceptors=...): {item!r} is not an interceptor; give "
                "temporal_runtime.ContextPropagator(...) or a temporalio client/worker Interceptor"
            )
    client = [i for i in given if isinstance(i, temporalio.client.Interceptor)]
    options = dict(worker_options or {})
    worker_only = [i for i in given if not isinstance(i, temporalio.client.Interceptor)]
    if worker_only:
        options["interceptors"] = [*worker_only, *options.get("interceptors", ())]
    return client, options


def sandbox_runner(
    passthrough_modules: Iterable[str],
    workflows: Iterable[WorkflowDefinition] = (),
    *,
    auto_passthrough: bool,
) -> SandboxedWorkflowRunner:
    """The sandbox `workflows` run in: temporalio's, sharing `passthrough_modules` with the
    process and, with `auto_passthrough`, the modules the workflows use that are safe to share
    (`_passthrough`); the modules it re-imports are found and compiled once (`_sandbox_runner`)."""
    restrictions = SandboxRestrictions.default.with_passthrough_modules(*passthrough_modules)
    classes = [wf.cls for wf in workflows]
    if classes:
        shared: list[str] = []
        reimported: list[str] = []
        if auto_passthrough:
            shared, reimported = _passthrough.split_modules(classes, restrictions)
            restrictions = restrictions.with_passthrough_modules(*shared)
        cache_reimports([*_passthrough.workflow_modules(classes), *reimported])
    return SandboxRunner(restrictions=restrictions)


def build_workers(
    client: temporalio.client.Client,
    plan: Plan,
    settings: WorkerSettings,
    config: RuntimeConfig,
    interceptors: Iterable[temporalio.worker.Interceptor] = (),
) -> tuple[dict[str, Worker], ActivityPool | None]:
    """One temporalio `Worker` per planned queue, and the pool (threads or processes) of sync activities."""
    pool: ActivityPool | None = None
    if any(not a.is_async for _, acts in plan.values() for a in acts):
        pool = ActivityPool(
            process_pool(settings.activity_processes)
            if settings.activity_processes
            else ThreadPoolExecutor(
                max_workers=settings.activity_threads, thread_name_prefix="temporal-activity"
            )
        )
    served = [wf for workflows, _ in plan.values() for wf in workflows]
    runner = sandbox_runner(settings.passthrough_modules, served, auto_passthrough=settings.auto_passthrough)
    limits = {
        "max_concurrent_activities": settings.max_concurrent_activities,
        "max_concurrent_workflow_tasks": settings.max_concurrent_workflow_tasks,
        "max_concurrent_local_activities": settings.max_concurrent_local_activities,
    }
    tuning = tuning_options(config.worker, limits)
    workers: dict[str, Worker] = {}
    for queue, (workflows, activities) in plan.items():
        for wf in workflows:
            if not _is_module_level(wf):
                raise RegistrationError(
                    f"workflow {wf.name} ({wf.origin}) is not defined at module level; the worker "
                    "re-imports workflow classes by module and name, so move the class to the top "
                    "level of a module"
                )
        if not workflows and not activities:
            continue
        # The user's worker_options win over everything the engine sets, key by key; their
        # interceptors run beside the engine's own.
        user = dict(settings.worker_options)
        extra = [*interceptors, *user.pop("interceptors", ())]
        options: dict[str, Any] = {
            "task_queue": queue,
            "workflows": [cast(type, wf.adapter) for wf in workflows],
            "activities": [a.temporal_fn for a in activities],
            "activity_executor": pool.executor if pool is not None else None,
            "shared_state_manager": pool.shared_state if pool is not None else None,
            "workflow_runner": runner,
            "graceful_shutdown_timeout": settings.drain_timeout,
            "interceptors": [ConfigInterceptor(config), *extra],
            **tuning,
            **deployment_options(settings.deployment, workflows),
            **user,
        }
        workers[queue] = Worker(client, **options)
    return workers, pool
