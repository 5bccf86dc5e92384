"""`TemporalEngine`: one client connection, the in-process workers, and workflow operations.

Example:
    >>> async def main():  # doctest: +SKIP
    ...     async with TemporalEngine(url="localhost:7233", task_queue="orders") as engine:
    ...         result = await OrderWorkflow.client(engine).process_order(order)
"""

from __future__ import annotations

import asyncio
import enum
import logging
import os
import sys
import uuid
from collections.abc import Callable, Coroutine, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from types import TracebackType
from typing import Any, ClassVar, Concatenate, TypeVar, cast, overload

import temporalio.client
import temporalio.common
import temporalio.service
from pydantic import BaseModel, ConfigDict
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from temporal_runtime._internal import _registry
from temporal_runtime._internal._activity_defn import ActivityDefinition
from temporal_runtime._internal._connection import resolve_connect_args
from temporal_runtime._internal._failures import translate
from temporal_runtime._internal._metaclass import DEFINITION_ATTR
from temporal_runtime._internal._observability import metrics_runtime, tracing_interceptors
from temporal_runtime._internal._search import SearchAttributesInput, typed_search_attributes
from temporal_runtime._internal._types import MethodParams, ReturnType, WorkflowType
from temporal_runtime._internal._workflow_defn import MethodDefinition, WorkflowDefinition
from temporal_runtime.activity import Activity
from temporal_runtime.client import (
    METHOD_MEMO_KEY,
    ExecutionStatus,
    MethodHandle,
    StartOptions,
    WorkflowClient,
    WorkflowStatus,
)
from temporal_runtime.config import (
    RuntimeConfig,
    current_config,
    load_config,
    set_current_config,
    to_timedelta,
)
from temporal_runtime.errors import ConfigError, EngineNotStartedError, EngineStateError, RegistrationError
from temporal_runtime.schedules import (
    CRON_MEMO_KEY,
    ScheduleHandle,
    ScheduleInfo,
    ScheduleOverlapPolicy,
    build_schedule,
)
from temporal_runtime.schedules import summary as schedule_summary

__all__ = ["EngineState", "HealthStatus", "TemporalEngine"]

logger: logging.Logger = logging.getLogger("temporal_runtime.engine")
W = TypeVar("W")

# Modules every workflow sandbox shares with the host process: the runtime itself (so the
# registries and base classes are the real ones) and Pydantic (already temporalio's default).
DEFAULT_PASSTHROUGH = (
    "temporal_runtime",
    "pydantic",
    "pydantic_core",
    "annotated_types",
    "typing_extensions",
)


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


def _status_name(status: temporalio.client.WorkflowExecutionStatus | None) -> ExecutionStatus:
    if status is None:
        return ExecutionStatus.UNKNOWN
    return ExecutionStatus.__members__.get(status.name, ExecutionStatus.UNKNOWN)


class TemporalEngine:
    """One connection to Temporal plus, with ``start_worker=True``, the workers of this process.

    Connection settings: explicit arguments first, then the ``TEMPORAL_*`` environment
    variables and ``temporal.toml`` profiles shared with the Temporal CLI, then
    ``localhost:7233`` / ``default``. With ``start_worker=True`` the engine serves every
    registered (imported) workflow and activity, one worker per task queue they use; pass
    `workflows`, `activities` or `queues` to serve fewer. Runtime defaults (timeouts,
    retries, worker limits) come from `config`, else from ``[tool.temporal-runtime]``.

    TLS: ``tls=True`` (system roots) or a `TLSConfig`, and/or the single settings
    ``tls_server_ca_cert``, ``tls_client_cert``, ``tls_client_key`` (PEM bytes or a path) and
    ``tls_server_name``, each overriding its ``TEMPORAL_TLS_*`` / temporal.toml counterpart.
    ``metrics_port`` serves Prometheus metrics on that port; ``tracing=True`` adds temporalio's
    OpenTelemetry interceptor (extra ``otel``).

    Example:
        >>> engine = TemporalEngine(url="localhost:7233", task_queue="orders", start_worker=False)
        >>> engine.state
        <EngineState.NOT_STARTED: 'not_started'>
    """

    def __init__(
        self,
        url: str | None = None,
        namespace: str | None = None,
        task_queue: str | None = None,
        start_worker: bool = True,
        *,
        api_key: str | None = None,
        tls: bool | temporalio.service.TLSConfig | None = None,
        profile: str | None = None,
        client_config_file: str | None = None,
        config: RuntimeConfig | None = None,
        workflows: Iterable[type[Any]] | None = None,
        activities: Iterable[Activity[Any, Any] | str] | None = None,
        queues: Iterable[str] | None = None,
        passthrough_modules: Iterable[str] = (),
        drain_timeout: float | timedelta | None = None,
        max_concurrent_activities: int | None = None,
        max_concurrent_workflow_tasks: int | None = None,
        client: temporalio.client.Client | None = None,
        worker_options: Mapping[str, Any] | None = None,
        tls_server_ca_cert: str | bytes | os.PathLike[str] | None = None,
        tls_client_cert: str | bytes | os.PathLike[str] | None = None,
        tls_client_key: str | bytes | os.PathLike[str] | None = None,
        tls_server_name: str | None = None,
        metrics_port: int | None = None,
        tracing: bool = False,
        activity_overrides: Mapping[str, Callable[..., Any]] | None = None,
    ) -> None:
        self._config_given = config
        self.config: RuntimeConfig = config or current_config()
        self._connect_args: dict[str, Any] = {
            "url": url,
            "namespace": namespace,
            "api_key": api_key,
            "tls": tls,
            "profile": profile,
            "config_file": client_config_file,
            "tls_fields": {
                "tls_server_ca_cert": tls_server_ca_cert,
                "tls_client_cert": tls_client_cert,
                "tls_client_key": tls_client_key,
                "tls_server_name": tls_server_name,
            },
        }
        self.metrics_port = metrics_port
        self.tracing = tracing
        self.task_queue: str = task_queue or self.config.task_queue
        self.start_worker = start_worker
        self._workflow_filter = list(workflows) if workflows is not None else None
        self._activity_filter = list(activities) if activities is not None else None
        self._queue_filter = set(queues) if queues is not None else None
        self.passthrough_modules: tuple[str, ...] = (*DEFAULT_PASSTHROUGH, *passthrough_modules)
        if tracing:
            # The tracing interceptor's workflow side must share the host's OpenTelemetry context.
            self.passthrough_modules = (*self.passthrough_modules, "opentelemetry")
        worker = self.config.worker
        self.drain_timeout: timedelta = (
            to_timedelta(drain_timeout) if drain_timeout is not None else worker.drain_timeout
        )
        self._max_activities = max_concurrent_activities or worker.max_concurrent_activities
        self._max_wf_tasks = max_concurrent_workflow_tasks or worker.max_concurrent_workflow_tasks
        self._worker_options = dict(worker_options or {})
        # Activity name -> temporalio activity function served instead of the registered
        # one (temporal_runtime.testing.local_engine registers test fakes this way).
        self._activity_overrides = dict(activity_overrides or {})
        self._given_client = client
        self._client: temporalio.client.Client | None = None
        self._workers: dict[str, Worker] = {}
        self._worker_tasks: list[asyncio.Task[None]] = []
        self._executor: ThreadPoolExecutor | None = None
        self._state = EngineState.NOT_STARTED
        self.namespace: str = namespace or "default"
        self.address: str = url or ""

    @classmethod
    def from_config(cls, path: str | os.PathLike[str] | None = None, **overrides: Any) -> TemporalEngine:
        """An engine whose defaults come from the configuration files, `overrides` winning.

        The runtime defaults are loaded by `load_config` from `path` (else
        ``$TEMPORAL_RUNTIME_CONFIG``, else pyproject.toml) with ``TEMPORAL_RUNTIME_*``
        variables over the file; the connection follows Temporal's ``TEMPORAL_*`` variables and
        ``temporal.toml``. `overrides` are `TemporalEngine` arguments (``url=``,
        ``task_queue=``, ``drain_timeout=``, ...); ``config=`` may be a mapping in the file's
        shape, laid over the loaded settings.

        Example:
            >>> engine = TemporalEngine.from_config(task_queue="orders", start_worker=False)
            >>> engine.task_queue
            'orders'
        """
        import inspect

        known = set(inspect.signature(cls.__init__).parameters) - {"self"}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise ConfigError(
                f"TemporalEngine.from_config: unknown option(s) {unknown}; known: {sorted(known)}"
            )
        given = overrides.pop("config", None)
        config = given if isinstance(given, RuntimeConfig) else load_config(path, overrides=given)
        return cls(config=config, **overrides)

    @property
    def connect_args(self) -> dict[str, Any]:
        """The arguments `start()` will pass to temporalio's ``Client.connect`` (resolved now).

        Explicit arguments over ``TEMPORAL_*`` variables over ``temporal.toml``; useful to check
        which address, namespace and TLS settings a deployment really uses.

        Example:
            >>> TemporalEngine(url="example:7233", start_worker=False).connect_args["target_host"]
            'example:7233'
        """
        return resolve_connect_args(**self._connect_args)

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def state(self) -> EngineState:
        """Where the engine is in its lifecycle."""
        return self._state

    @property
    def client(self) -> temporalio.client.Client:
        """The underlying temporalio `Client`, for anything this API does not cover."""
        if self._client is None:
            raise EngineNotStartedError("the engine is not connected; call await engine.start() first")
        return self._client

    @property
    def task_queues(self) -> list[str]:
        """The task queues this engine's workers poll (empty without workers)."""
        return sorted(self._workers)

    async def start(self) -> TemporalEngine:
        """Connect, and start the workers when ``start_worker=True``. Call once.

        Import the modules that define your workflows and activities before this call.
        """
        if self._state is not EngineState.NOT_STARTED:
            raise EngineStateError(
                f"engine.start() called on an engine that is {self._state.value}; "
                "create a new TemporalEngine to connect again"
            )
        if self._config_given is not None:
            set_current_config(self._config_given)
        self._client = await self._connect()
        self.namespace = self._client.namespace
        self.address = self._client.service_client.config.target_host
        self._state = EngineState.RUNNING
        if self.start_worker:
            try:
                self._start_workers()
            except BaseException:
                await self.stop()
                raise
        return self

    async def _connect(self) -> temporalio.client.Client:
        if self._given_client is not None:
            config = self._given_client.config()
            config["data_converter"] = pydantic_data_converter
            return temporalio.client.Client(**config)
        args = resolve_connect_args(**self._connect_args)
        if self.metrics_port is not None:
            args["runtime"] = metrics_runtime(self.metrics_port)
        if self.tracing:
            args["interceptors"] = tracing_interceptors()
        try:
            return await temporalio.client.Client.connect(**args, data_converter=pydantic_data_converter)
        except Exception as err:
            raise ConnectionError(
                f"cannot reach Temporal at {args['target_host']} (namespace {args['namespace']!r}): "
                f"{err}. Start a local server with `temporal-runtime dev` (or `temporal server "
                "start-dev`), or set url= / TEMPORAL_ADDRESS."
            ) from err

    def _served(self) -> tuple[list[WorkflowDefinition], list[ActivityDefinition]]:
        if self._workflow_filter is None:
            workflows = [d for d in _registry.workflows.all() if not d.abstract and _servable(d)]
        else:
            workflows = [getattr(cls, DEFINITION_ATTR) for cls in self._workflow_filter]
        if self._activity_filter is None:
            activities = _registry.activities.all()
        else:
            activities = [
                a.definition if isinstance(a, Activity) else self._lookup_activity(a)
                for a in self._activity_filter
            ]
        return workflows, activities

    @staticmethod
    def _lookup_activity(name: str) -> ActivityDefinition:
        found = _registry.activities.get(name)
        if found is None:
            raise RegistrationError(
                f"no activity named {name!r} is registered; known: {_registry.activities.names()}"
            )
        return found

    def plan_workers(self) -> dict[str, tuple[list[WorkflowDefinition], list[ActivityDefinition]]]:
        """Which workflows and activities each task queue's worker will serve."""
        workflows, activities = self._served()
        plan: dict[str, tuple[list[WorkflowDefinition], list[ActivityDefinition]]] = {}
        for wf in workflows:
            plan.setdefault(wf.task_queue or self.task_queue, ([], []))[0].append(wf)
        for act in activities:
            if act.task_queue is not None:
                plan.setdefault(act.task_queue, ([], []))[1].append(act)
        if not plan:
            plan[self.task_queue] = ([], [])
        for act in activities:
            if act.task_queue is None:
                # An activity without its own queue runs on its workflow's queue: serve it everywhere.
                for _, acts in plan.values():
                    if act not in acts:
                        acts.append(act)
        if self._queue_filter is not None:
            plan = {q: v for q, v in plan.items() if q in self._queue_filter}
        return plan

    @staticmethod
    def _check_importable(wf: WorkflowDefinition) -> None:
        if not _is_module_level(wf):
            raise RegistrationError(
                f"workflow {wf.name} ({wf.origin}) is not defined at module level; the worker "
                "re-imports workflow classes by module and name, so move the class to the top "
                "level of a module"
            )

    def _start_workers(self) -> None:
        client = self.client
        restrictions = SandboxRestrictions.default.with_passthrough_modules(*self.passthrough_modules)
        plan = self.plan_workers()
        if any(not a.is_async for _, acts in plan.values() for a in acts):
            self._executor = ThreadPoolExecutor(
                max_workers=self.config.worker.activity_threads, thread_name_prefix="temporal-activity"
            )
        for queue, (workflows, activities) in plan.items():
            for wf in workflows:
                self._check_importable(wf)
            if not workflows and not activities:
                continue
            options: dict[str, Any] = {
                "graceful_shutdown_timeout": self.drain_timeout,
                **({"max_concurrent_activities": self._max_activities} if self._max_activities else {}),
                **({"max_concurrent_workflow_tasks": self._max_wf_tasks} if self._max_wf_tasks else {}),
                **self._worker_options,
            }
            worker = Worker(
                client,
                task_queue=queue,
                workflows=[cast(type, wf.adapter) for wf in workflows],
                activities=[self._activity_overrides.get(a.name, a.temporal_fn) for a in activities],
                activity_executor=self._executor,
                workflow_runner=SandboxedWorkflowRunner(restrictions=restrictions),
                **options,
            )
            self._workers[queue] = worker
            self._worker_tasks.append(asyncio.create_task(worker.run(), name=f"temporal-worker-{queue}"))
        logger.info("engine serving task queues %s on %s", sorted(self._workers), self.address)

    async def stop(self) -> None:
        """Drain and disconnect; safe to call more than once.

        Workers stop polling, in-flight tasks finish (up to the drain timeout), then the
        connection closes.
        """
        if self._state in (EngineState.STOPPING, EngineState.STOPPED):
            return
        self._state = EngineState.STOPPING
        try:
            if self._workers:
                await asyncio.gather(*(w.shutdown() for w in self._workers.values()), return_exceptions=True)
            if self._worker_tasks:
                await asyncio.gather(*self._worker_tasks, return_exceptions=True)
        finally:
            if self._executor is not None:
                self._executor.shutdown(wait=False, cancel_futures=True)
            self._workers.clear()
            self._worker_tasks.clear()
            self._client = None
            self._state = EngineState.STOPPED

    async def __aenter__(self) -> TemporalEngine:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    async def health_check(self, timeout: float = 5.0) -> HealthStatus:
        """Whether the server answers and the workers run; never raises.

        Example:
            >>> import asyncio
            >>> asyncio.run(TemporalEngine(start_worker=False).health_check()).healthy
            False
        """
        workers_ok = bool(self._worker_tasks) and all(not t.done() for t in self._worker_tasks)
        if self._client is None or self._state is not EngineState.RUNNING:
            return HealthStatus(
                healthy=False,
                state=self._state,
                server_reachable=False,
                workers_running=False,
                task_queues=self.task_queues,
                detail=f"engine is {self._state.value}",
            )
        try:
            reachable = await asyncio.wait_for(self._client.service_client.check_health(), timeout)
            detail = "ok" if reachable else "server reports not serving"
        except Exception as err:
            reachable, detail = False, f"server unreachable: {type(err).__name__}: {err}"
        if reachable and self.start_worker and not workers_ok:
            failed = [t.get_name() for t in self._worker_tasks if t.done()]
            detail = f"workers not running: {failed or 'none started'}"
        healthy = reachable and (workers_ok or not self.start_worker)
        return HealthStatus(
            healthy=healthy,
            state=self._state,
            server_reachable=reachable,
            workers_running=workers_ok,
            task_queues=self.task_queues,
            detail=detail,
        )

    # -- starting workflows ----------------------------------------------------------------

    def workflow_client(self, workflow: type[W]) -> W:
        """The typed proxy of `workflow` on this engine (what ``Workflow.client`` returns)."""
        definition: WorkflowDefinition = _definition(workflow)
        return WorkflowClient(self, definition, StartOptions())  # type: ignore[return-value]

    def _require_client(self) -> temporalio.client.Client:
        if self._client is None or self._state is not EngineState.RUNNING:
            raise EngineNotStartedError(
                f"the engine is {self._state.value}; call await engine.start() (or use "
                "'async with engine:') before starting or reaching workflows"
            )
        return self._client

    async def start_bound(
        self,
        workflow: WorkflowDefinition,
        method: MethodDefinition,
        kwargs: dict[str, Any],
        options: StartOptions,
    ) -> MethodHandle[Any]:
        """Start `method` with already-bound `kwargs` (the proxy's path; prefer `start_method`)."""
        client = self._require_client()
        workflow_id = options.workflow_id or f"{workflow.name}-{method.name}-{uuid.uuid4()}"
        defaults = self.config.workflow
        memo = (
            {METHOD_MEMO_KEY: method.name, **options.memo} if options.memo else {METHOD_MEMO_KEY: method.name}
        )
        extra: dict[str, Any] = {}
        if options.search_attributes is not None:
            extra["search_attributes"] = typed_search_attributes(options.search_attributes)
        try:
            handle = await client.start_workflow(
                workflow.name,
                {"method": method.name, "kwargs": kwargs},
                id=workflow_id,
                task_queue=options.task_queue or workflow.task_queue or self.task_queue,
                execution_timeout=options.execution_timeout or defaults.execution_timeout,
                run_timeout=options.run_timeout or defaults.run_timeout,
                task_timeout=options.task_timeout or defaults.task_timeout,
                id_reuse_policy=options.id_reuse_policy
                or temporalio.common.WorkflowIDReusePolicy.ALLOW_DUPLICATE,
                id_conflict_policy=options.id_conflict_policy
                or temporalio.common.WorkflowIDConflictPolicy.UNSPECIFIED,
                retry_policy=options.retry_policy,
                start_delay=options.start_delay,
                memo=memo,
                **extra,
            )
        except Exception as err:
            raise translate(
                err, workflow_id=workflow_id, workflow_type=workflow.name, method=method.name, action="start"
            ) from err
        return MethodHandle(self, handle, workflow, method)

    # With the method itself (``OrderWorkflow.process_order``) the arguments are checked
    # against it; start options then go through ``Workflow.client(engine).with_options(...)``.
    @overload
    async def start_method(
        self,
        workflow: type[WorkflowType],
        method: Callable[Concatenate[WorkflowType, MethodParams], Coroutine[Any, Any, ReturnType]],
        /,
        *args: MethodParams.args,
        **kwargs: MethodParams.kwargs,
    ) -> MethodHandle[ReturnType]: ...
    @overload
    async def start_method(
        self,
        workflow: type[Any] | str,
        method: str,
        /,
        *args: Any,
        workflow_id: str | None = None,
        task_queue: str | None = None,
        id_conflict_policy: temporalio.common.WorkflowIDConflictPolicy | None = None,
        id_reuse_policy: temporalio.common.WorkflowIDReusePolicy | None = None,
        start_delay: float | timedelta | None = None,
        execution_timeout: float | timedelta | None = None,
        run_timeout: float | timedelta | None = None,
        task_timeout: float | timedelta | None = None,
        retry_policy: temporalio.common.RetryPolicy | None = None,
        memo: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> MethodHandle[Any]: ...
    async def start_method(  # type: ignore[misc]  # a method kwarg named like an option is taken as the option
        self,
        workflow: type[Any] | str,
        method: str | Callable[..., Any],
        /,
        *args: Any,
        workflow_id: str | None = None,
        task_queue: str | None = None,
        id_conflict_policy: temporalio.common.WorkflowIDConflictPolicy | None = None,
        id_reuse_policy: temporalio.common.WorkflowIDReusePolicy | None = None,
        start_delay: float | timedelta | None = None,
        execution_timeout: float | timedelta | None = None,
        run_timeout: float | timedelta | None = None,
        task_timeout: float | timedelta | None = None,
        retry_policy: temporalio.common.RetryPolicy | None = None,
        memo: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> MethodHandle[Any]:
        """Start an entry method and return its handle at once.

        `workflow` is the class or its registered name; `method` the name or the function.
        Remaining positional and keyword arguments go to the method.

        Example:
            >>> async def demo(engine, order):  # doctest: +SKIP
            ...     h = await engine.start_method(OrderWorkflow, "process_order", order,
            ...                                   workflow_id="order-42")
        """
        definition = _definition(workflow)
        method_def = definition.method(method if isinstance(method, str) else method.__name__)
        options = StartOptions().merge(
            workflow_id=workflow_id,
            task_queue=task_queue,
            id_conflict_policy=id_conflict_policy,
            id_reuse_policy=id_reuse_policy,
            start_delay=start_delay,
            execution_timeout=execution_timeout,
            run_timeout=run_timeout,
            task_timeout=task_timeout,
            retry_policy=retry_policy,
            memo=memo,
        )
        return await self.start_bound(definition, method_def, method_def.bind(args, kwargs), options)

    # With the method itself (``OrderWorkflow.process_order``) the arguments are checked
    # against it; start options then go through ``Workflow.client(engine).with_options(...)``.
    @overload
    async def execute_method(
        self,
        workflow: type[WorkflowType],
        method: Callable[Concatenate[WorkflowType, MethodParams], Coroutine[Any, Any, ReturnType]],
        /,
        *args: MethodParams.args,
        **kwargs: MethodParams.kwargs,
    ) -> ReturnType: ...
    @overload
    async def execute_method(
        self,
        workflow: type[Any] | str,
        method: str,
        /,
        *args: Any,
        workflow_id: str | None = None,
        task_queue: str | None = None,
        id_conflict_policy: temporalio.common.WorkflowIDConflictPolicy | None = None,
        id_reuse_policy: temporalio.common.WorkflowIDReusePolicy | None = None,
        start_delay: float | timedelta | None = None,
        execution_timeout: float | timedelta | None = None,
        run_timeout: float | timedelta | None = None,
        task_timeout: float | timedelta | None = None,
        retry_policy: temporalio.common.RetryPolicy | None = None,
        memo: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> Any: ...
    async def execute_method(
        self,
        workflow: type[Any] | str,
        method: str | Callable[..., Any],
        /,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        """Start an entry method and wait for its result (converted to its return annotation).

        Takes the same arguments and start options as `start_method`, which sorts them out.

        Example:
            >>> async def demo(engine, order):  # doctest: +SKIP
            ...     result = await engine.execute_method(OrderWorkflow, "process_order", order)
        """
        start = cast(Callable[..., Coroutine[Any, Any, MethodHandle[Any]]], self.start_method)
        handle = await start(workflow, method, *args, **kwargs)
        return await handle.result()

    # -- reaching running workflows --------------------------------------------------------

    def get_handle(
        self,
        workflow_id: str,
        run_id: str | None = None,
        *,
        workflow: type[Any] | str | None = None,
        method: str | None = None,
    ) -> MethodHandle[Any]:
        """A handle on an existing workflow; give `workflow`/`method` to get typed results.

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     await engine.get_handle("order-42").signal("pause")
        """
        client = self._require_client()
        definition = _definition(workflow) if workflow is not None else None
        method_def = definition.method(method) if definition is not None and method is not None else None
        return MethodHandle(
            self, client.get_workflow_handle(workflow_id, run_id=run_id), definition, method_def
        )

    async def _typed_handle(self, workflow_id: str, run_id: str | None = None) -> MethodHandle[Any]:
        status = await self.get_status(workflow_id, run_id)
        definition = _registry.workflows.get(status.workflow_type)
        method = definition.methods.get(status.method) if definition and status.method else None
        return MethodHandle(
            self, self._require_client().get_workflow_handle(workflow_id, run_id=run_id), definition, method
        )

    async def get_status(self, workflow_id: str, run_id: str | None = None) -> WorkflowStatus:
        """Describe a workflow: status, type, entry method, task queue and times.

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     info = await engine.get_status("order-42")
            ...     print(info.status, info.method)
        """
        handle = self._require_client().get_workflow_handle(workflow_id, run_id=run_id)
        try:
            desc = await handle.describe()
            memo = await desc.memo()
        except Exception as err:
            raise translate(err, workflow_id=workflow_id, action="get_status") from err
        method = memo.get(METHOD_MEMO_KEY)
        if not isinstance(method, str):
            method = await _method_from_history(handle)
        return WorkflowStatus(
            workflow_id=desc.id,
            run_id=desc.run_id,
            workflow_type=desc.workflow_type,
            method=method if isinstance(method, str) else None,
            status=_status_name(desc.status),
            task_queue=desc.task_queue,
            start_time=desc.start_time,
            execution_time=desc.execution_time,
            close_time=desc.close_time,
            history_length=desc.history_length,
            memo={k: v for k, v in memo.items() if k != METHOD_MEMO_KEY},
        )

    async def get_result(self, workflow_id: str, timeout_seconds: float | None = None) -> Any:
        """Wait for a workflow's result; `TimeoutError` if not done within `timeout_seconds`.

        When the workflow's class is defined in this process, the result is converted to
        the entry method's return annotation.

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     result = await engine.get_result("order-42", timeout_seconds=30)
        """
        handle = await self._typed_handle(workflow_id)
        return await handle.result(timeout=timeout_seconds)

    async def signal(self, workflow_id: str, signal: str | Callable[..., Any], *args: Any) -> None:
        """Send a signal to a running workflow by id.

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     await engine.signal("order-42", "cancel", "Customer request")
        """
        await self.get_handle(workflow_id).signal(signal, *args)

    async def query(self, workflow_id: str, query: str | Callable[..., Any], *args: Any) -> Any:
        """Query a workflow by id; the result is converted to the handler's return annotation.

        The conversion needs the workflow's class defined in this process; otherwise the
        plain JSON value is returned.

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     status = await engine.query("order-42", "status")
        """
        return await (await self._typed_handle(workflow_id)).query(query, *args)

    async def update(self, workflow_id: str, update: str | Callable[..., Any], *args: Any) -> Any:
        """Send an update to a workflow by id and wait for its (converted) result.

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     old = await engine.update("order-42", "set_priority", 5)
        """
        return await (await self._typed_handle(workflow_id)).update(update, *args)

    async def cancel(self, workflow_id: str) -> None:
        """Request cancellation of a workflow (it may clean up before it closes).

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     await engine.cancel("order-42")
        """
        await self.get_handle(workflow_id).cancel()

    async def terminate(self, workflow_id: str, reason: str | None = None) -> None:
        """Terminate a workflow at once.

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     await engine.terminate("order-42", "duplicate order")
        """
        await self.get_handle(workflow_id).terminate(reason)

    # -- schedules -------------------------------------------------------------------------

    async def schedule(
        self,
        workflow: type[Any] | str,
        method: str | Callable[..., Any],
        /,
        *args: Any,
        schedule_id: str,
        cron: str | Sequence[str] | None = None,
        every: float | timedelta | Sequence[float | timedelta] | None = None,
        workflow_id: str | None = None,
        task_queue: str | None = None,
        paused: bool = False,
        note: str | None = None,
        overlap: ScheduleOverlapPolicy | None = None,
        execution_timeout: float | timedelta | None = None,
        retry_policy: temporalio.common.RetryPolicy | None = None,
        memo: Mapping[str, Any] | None = None,
        search_attributes: SearchAttributesInput | None = None,
        time_zone: str | None = None,
        trigger_immediately: bool = False,
        **kwargs: Any,
    ) -> ScheduleHandle:
        """Create a Temporal Schedule that starts an entry method on `cron` and/or `every`.

        The runs get the same ``{"method", "kwargs"}`` input as a direct start, with ids
        ``<workflow_id or type-method>-<scheduled time>``. `overlap` says what happens when a
        run is still going at the next time (default: skip it). Remaining positional and
        keyword arguments go to the method.

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     nightly = await engine.schedule(ReportWorkflow, "build", "sales",
            ...                                     schedule_id="nightly-sales", cron="0 2 * * *")
        """
        client = self._require_client()
        definition = _definition(workflow)
        method_def = definition.method(method if isinstance(method, str) else method.__name__)
        spec = build_schedule(
            self,
            definition,
            method_def,
            method_def.bind(args, kwargs),
            cron=cron,
            every=every,
            workflow_id=workflow_id,
            task_queue=task_queue,
            paused=paused,
            note=note,
            overlap=overlap,
            execution_timeout=execution_timeout,
            retry_policy=retry_policy,
            memo=memo,
            search_attributes=search_attributes,
            time_zone=time_zone,
        )
        try:
            handle = await client.create_schedule(
                schedule_id,
                spec,
                trigger_immediately=trigger_immediately,
                memo={CRON_MEMO_KEY: list(spec.spec.cron_expressions)},
            )
        except Exception as err:
            raise translate(
                err,
                workflow_id=f"schedule:{schedule_id}",
                workflow_type=definition.name,
                action="create schedule",
            ) from err
        return ScheduleHandle(handle)

    def get_schedule(self, schedule_id: str) -> ScheduleHandle:
        """A handle on an existing schedule.

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     await engine.get_schedule("nightly-sales").pause("maintenance")
        """
        return ScheduleHandle(self._require_client().get_schedule_handle(schedule_id))

    async def list_schedules(self, query: str | None = None) -> list[ScheduleInfo]:
        """The schedules in this namespace (optionally filtered by a visibility `query`).

        The list comes from the visibility store, so a schedule created a moment ago may
        not be in it yet.

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     for s in await engine.list_schedules():
            ...         print(s.schedule_id, s.paused)
        """
        client = self._require_client()
        return [await schedule_summary(entry) async for entry in await client.list_schedules(query=query)]

    def __repr__(self) -> str:
        where = self.address or "(unresolved)"
        return f"<TemporalEngine {where} ns={self.namespace!r} queue={self.task_queue!r} {self._state.value}>"


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


async def _method_from_history(handle: temporalio.client.WorkflowHandle[Any, Any]) -> str | None:
    """The entry method named in the start input, for runs started without our memo.

    The `temporal` CLI and raw clients do not set the method memo; the first history event
    still holds the ``{"method", "kwargs"}`` input, so typed results work for them too.
    """
    try:
        async for event in handle.fetch_history_events(page_size=1):
            payloads = event.workflow_execution_started_event_attributes.input.payloads
            if len(payloads) != 1:
                return None
            value: Any = handle._client.data_converter.payload_converter.from_payloads(list(payloads))[0]
            if not isinstance(value, dict):
                return None
            envelope = cast(dict[str, Any], value)
            method = envelope.get("method")
            return method if isinstance(method, str) else None
    except Exception:  # the status is still useful without the method
        logger.debug("cannot read the start input of %s", handle.id, exc_info=True)
    return None


def _definition(workflow: type[Any] | str) -> WorkflowDefinition:
    if isinstance(workflow, str):
        found = _registry.workflows.get(workflow)
        if found is None:
            raise LookupError(
                f"no workflow named {workflow!r} is defined in this process; import its module "
                f"first (known: {_registry.workflows.names()})"
            )
        return found
    definition: WorkflowDefinition | None = getattr(workflow, DEFINITION_ATTR, None)
    if definition is None:
        raise TypeError(f"{workflow!r} is not a Workflow subclass")
    if definition.abstract:
        raise TypeError(f"{workflow.__name__} is abstract (abstract=True) and cannot be started")
    return definition
