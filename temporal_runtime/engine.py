"""`TemporalEngine`: one client connection, the in-process workers, and their lifecycle.

Starting workflows, handles and the by-id operations are the calling surface both engines
share (`temporal_runtime.testing.InMemoryEngine` has the same); this module adds what only a
real server has: the connection, the workers, health, and Temporal Schedules.

Example:
    >>> async def main():  # doctest: +SKIP
    ...     async with TemporalEngine(url="localhost:7233", task_queue="orders") as engine:
    ...         result = await OrderWorkflow.client(engine).process_order(order)
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any

import temporalio.client
import temporalio.converter
import temporalio.service
from temporalio.worker import Worker

from temporal_runtime._internal import _describe, _envelope, _registry, _workers
from temporal_runtime._internal._codec import data_converter, readable_memo, resolve_codec
from temporal_runtime._internal._connection import resolve_connect_args
from temporal_runtime._internal._handles import RawWorkflowHandle
from temporal_runtime._internal._observability import metrics_runtime, tracing_interceptors
from temporal_runtime._internal._payloads import PayloadLimitInterceptor
from temporal_runtime._internal._processes import ActivityPool
from temporal_runtime._internal._routing_options import routing_fields
from temporal_runtime._internal._secrets import redacted, scrub, secret_values
from temporal_runtime._internal._start import StartRequest
from temporal_runtime._internal._temporal_messaging import TemporalMessaging
from temporal_runtime._internal._workers import DEFAULT_PASSTHROUGH, AnyInterceptor, Plan, WorkerSettings
from temporal_runtime.activity import Activity
from temporal_runtime.client import WorkflowStatus
from temporal_runtime.codec import PayloadCodec
from temporal_runtime.config import RuntimeConfig, current_config, load_config, to_timedelta
from temporal_runtime.deployments import DeploymentOperations
from temporal_runtime.errors import ConfigError, EngineNotStartedError
from temporal_runtime.lifecycle import EngineState, HealthStatus
from temporal_runtime.schedules import ScheduleOperations

__all__ = ["DEFAULT_PASSTHROUGH", "EngineState", "HealthStatus", "TemporalEngine"]

logger: logging.Logger = logging.getLogger("temporal_runtime.engine")


class TemporalEngine(ScheduleOperations, DeploymentOperations, TemporalMessaging):
    """One connection to Temporal plus, with ``start_worker=True``, the workers of this process.

    Connection settings: explicit arguments first, then the ``TEMPORAL_*`` environment
    variables and ``temporal.toml`` profiles shared with the Temporal CLI, then
    ``localhost:7233`` / ``default``. With ``start_worker=True`` the engine serves every
    registered (imported) workflow and activity, one worker per task queue they use; pass
    `workflows`, `activities` or `queues` to serve fewer. Runtime defaults (timeouts,
    retries, worker limits) come from `config`, else from ``[tool.temporal-runtime]``; each
    engine keeps its own.

    TLS: ``tls=True`` (system roots) or a `TLSConfig`, and/or the single settings
    ``tls_server_ca_cert``, ``tls_client_cert``, ``tls_client_key`` (PEM bytes or a path) and
    ``tls_server_name``, each overriding its ``TEMPORAL_TLS_*`` / temporal.toml counterpart.
    ``metrics_port`` serves Prometheus metrics on that port; ``tracing=True`` adds temporalio's
    OpenTelemetry interceptor (extra ``otel``); `interceptors` (a `ContextPropagator`, or
    temporalio's) join the client and the workers. ``deployment_name``/``build_id``: the
    workers' deployment version (over ``[tool.temporal-runtime.deployment]``). `codec` (a
    `PayloadCodec`, such as `EncryptionCodec`, or temporalio's) encodes every payload of the
    client and workers (default: the configured one, ``codec`` / ``[encryption]``).
    ``activity_processes=N`` runs the ``def`` activities in a pool of N processes (CPU-bound
    work) instead of threads. `worker_options` go to every temporalio `Worker` as they are,
    winning over the engine's own. The workflow sandbox shares `temporal_runtime`, Pydantic
    and `passthrough_modules` with the process and, unless ``auto_passthrough=False`` (or
    ``auto_passthrough = false`` in the worker configuration), the modules your workflows use
    that define no workflow and are safe to share.

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
        auto_passthrough: bool | None = None,
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
        activity_processes: int | None = None,
        deployment_name: str | None = None,
        build_id: str | None = None,
        interceptors: Sequence[AnyInterceptor] = (),
        codec: PayloadCodec | temporalio.converter.PayloadCodec | None = None,
    ) -> None:
        self.config: RuntimeConfig = config or current_config()
        self._data_converter = data_converter(resolve_codec(codec, self.config))
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
        self._use_deployment(deployment_name, build_id)
        self.task_queue: str = task_queue or self.config.task_queue
        self.start_worker = start_worker
        self._workflow_filter = list(workflows) if workflows is not None else None
        self._activity_filter = list(activities) if activities is not None else None
        self._queue_filter = frozenset(queues) if queues is not None else None
        self.passthrough_modules: tuple[str, ...] = (*DEFAULT_PASSTHROUGH, *passthrough_modules)
        if tracing:
            # The tracing interceptor's workflow side must share the host's OpenTelemetry context.
            self.passthrough_modules = (*self.passthrough_modules, "opentelemetry")
        worker = self.config.worker
        self.auto_passthrough: bool = (
            worker.auto_passthrough if auto_passthrough is None else auto_passthrough
        )
        self.drain_timeout: timedelta = (
            to_timedelta(drain_timeout) if drain_timeout is not None else worker.drain_timeout
        )
        self._max_activities = max_concurrent_activities or worker.max_concurrent_activities
        self._max_wf_tasks = max_concurrent_workflow_tasks or worker.max_concurrent_workflow_tasks
        given_interceptors, self._worker_options = _workers.split_interceptors(interceptors, worker_options)
        # Innermost, so that it measures the arguments exactly as they will be sent.
        self._interceptors = [*given_interceptors, PayloadLimitInterceptor()]
        self._activity_processes = activity_processes
        self._given_client = client
        self._client: temporalio.client.Client | None = None
        self._workers: dict[str, Worker] = {}
        self._worker_tasks: list[asyncio.Task[None]] = []
        self._executor: ActivityPool | None = None
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
        which address, namespace and TLS settings a deployment really uses. Secrets (the API
        key, the TLS client private key, credential headers) show as ``<redacted>``: safe to
        print or log.

        Example:
            >>> TemporalEngine(url="example:7233", start_worker=False).connect_args["target_host"]
            'example:7233'
        """
        return redacted(resolve_connect_args(**self._connect_args))

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

    # -- lifecycle -------------------------------------------------------------------------

    async def _open(self) -> None:
        # Import the modules that define your workflows and activities before start().
        self._client = await self._connect()
        self.namespace = self._client.namespace
        self.address = self._client.service_client.config.target_host
        if not self.start_worker:
            return
        try:
            self._workers, self._executor = _workers.build_workers(
                self._client, self.plan_workers(), self._worker_settings(), self.config
            )
        except BaseException:
            await self._close()
            raise
        self._worker_tasks = [
            asyncio.create_task(worker.run(), name=f"temporal-worker-{queue}")
            for queue, worker in self._workers.items()
        ]
        logger.info("engine serving task queues %s on %s", sorted(self._workers), self.address)

    async def _connect(self) -> temporalio.client.Client:
        if self._given_client is not None:
            config = self._given_client.config()
            config["data_converter"] = self._data_converter
            config["interceptors"] = [*config["interceptors"], *self._interceptors]
            return temporalio.client.Client(**config)
        args = resolve_connect_args(**self._connect_args)
        if self.metrics_port is not None:
            args["runtime"] = metrics_runtime(self.metrics_port)
        args["interceptors"] = [*(tracing_interceptors() if self.tracing else ()), *self._interceptors]
        try:
            return await temporalio.client.Client.connect(**args, data_converter=self._data_converter)
        except Exception as err:
            raise ConnectionError(
                f"cannot reach Temporal at {args['target_host']} (namespace {args['namespace']!r}): "
                f"{scrub(str(err), secret_values(args))}. Start a local server with `temporal-runtime "
                "dev` (or `temporal server start-dev`), or set url= / TEMPORAL_ADDRESS."
            ) from err

    async def _close(self) -> None:
        # Workers stop polling, in-flight tasks finish (up to the drain timeout), then the
        # connection closes.
        try:
            if self._workers:
                await asyncio.gather(*(w.shutdown() for w in self._workers.values()), return_exceptions=True)
            if self._worker_tasks:
                await asyncio.gather(*self._worker_tasks, return_exceptions=True)
        finally:
            if self._executor is not None:
                self._executor.shutdown()
            self._workers.clear()
            self._worker_tasks.clear()
            self._client = None

    def _worker_settings(self) -> WorkerSettings:
        workflows = None
        if self._workflow_filter is not None:
            workflows = [_registry.workflow_definition(cls) for cls in self._workflow_filter]
        activities = None
        if self._activity_filter is not None:
            activities = [
                a.definition if isinstance(a, Activity) else _registry.activities.require(a)
                for a in self._activity_filter
            ]
        return WorkerSettings(
            default_queue=self.task_queue,
            workflows=workflows,
            activities=activities,
            queues=self._queue_filter,
            passthrough_modules=self.passthrough_modules,
            drain_timeout=self.drain_timeout,
            max_concurrent_activities=self._max_activities,
            max_concurrent_workflow_tasks=self._max_wf_tasks,
            max_concurrent_local_activities=self.config.worker.max_concurrent_local_activities,
            activity_threads=self.config.worker.activity_threads,
            worker_options=self._worker_options,
            activity_processes=self._activity_processes,
            deployment=self.deployment,
            auto_passthrough=self.auto_passthrough,
        )

    def plan_workers(self) -> Plan:
        """Which workflows and activities each task queue's worker will serve.

        Example:
            >>> sorted(TemporalEngine(task_queue="plan-doc", workflows=[], activities=[]).plan_workers())
            ['plan-doc']
        """
        return _workers.plan_workers(self._worker_settings())

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

    # -- the backend of the calling surface ------------------------------------------------

    async def _start_run(self, request: StartRequest) -> RawWorkflowHandle:
        return await self.client.start_workflow(
            request.workflow.name, request.envelope, **self._start_kwargs(request)
        )

    def _run_handle(self, workflow_id: str, run_id: str | None) -> RawWorkflowHandle:
        return self.client.get_workflow_handle(workflow_id, run_id=run_id)

    async def _describe_run(self, workflow_id: str, run_id: str | None) -> WorkflowStatus:
        handle = self.client.get_workflow_handle(workflow_id, run_id=run_id)
        desc = await handle.describe()
        memo = await readable_memo(desc)
        method = _envelope.recorded_method(memo)
        if method is None:
            method = await _describe.method_from_history(handle)
        return WorkflowStatus(
            workflow_id=desc.id,
            run_id=desc.run_id,
            workflow_type=desc.workflow_type,
            method=method,
            status=_describe.status_name(desc.status),
            task_queue=desc.task_queue,
            start_time=desc.start_time,
            execution_time=desc.execution_time,
            close_time=desc.close_time,
            history_length=desc.history_length,
            memo=_envelope.user_memo(memo),
            search_attributes=_describe.search_attributes(desc),
            pending_activities=await _describe.pending_activities(desc, self.client.data_converter),
            **(await routing_fields(desc)),
        )

    def __repr__(self) -> str:
        where = self.address or "(unresolved)"
        return f"<TemporalEngine {where} ns={self.namespace!r} queue={self.task_queue!r} {self._state.value}>"
