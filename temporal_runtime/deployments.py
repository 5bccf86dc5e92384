"""Worker deployment versions on `TemporalEngine`: make a build current, or ramp to it.

A safe deploy with worker versioning: start the new build's workers beside the old ones
(same deployment name, new build id), then make it the deployment's current version. New
runs, and the runs of ``AUTO_UPGRADE`` classes at their next task, go to the new build;
runs of ``PINNED`` classes finish on the build that started them, so the old workers stay up
until those have drained. `set_ramping_version` sends a share of new runs to a build first.
The ``temporal worker deployment set-current-version`` command does the same from a shell.

Example:
    >>> async def promote(engine):  # doctest: +SKIP
    ...     await engine.set_current_version()        # this engine's own build id
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import temporalio.api.enums.v1
import temporalio.api.workflowservice.v1 as wsv1
import temporalio.client
import temporalio.service

from temporal_runtime._internal._deployment_config import DeploymentDefaults
from temporal_runtime._internal._surface import EngineSurface
from temporal_runtime._internal._worker_options import resolve_deployment
from temporal_runtime.errors import ConfigError, EngineError

__all__ = ["DeploymentOperations"]

# Until the new build's workers have polled, the server does not know the version yet.
_NOT_YET = (temporalio.service.RPCStatusCode.NOT_FOUND, temporalio.service.RPCStatusCode.FAILED_PRECONDITION)
_SETTLED = (
    temporalio.api.enums.v1.RoutingConfigUpdateState.ROUTING_CONFIG_UPDATE_STATE_COMPLETED,
    temporalio.api.enums.v1.RoutingConfigUpdateState.ROUTING_CONFIG_UPDATE_STATE_UNSPECIFIED,
)
_POLL = 0.25


class DeploymentOperations(EngineSurface):
    """Worker deployment routing on `TemporalEngine` (a base class of it).

    Example:
        >>> async def canary(engine):  # doctest: +SKIP
        ...     await engine.set_ramping_version("v2", 10)   # 10% of new runs to build v2
    """

    deployment: DeploymentDefaults
    """The worker deployment version of this engine's workers (unset: no worker versioning)."""

    @property
    def client(self) -> temporalio.client.Client:
        """The temporalio `Client` (provided by `TemporalEngine`)."""
        raise NotImplementedError

    def _use_deployment(self, name: str | None, build_id: str | None) -> None:
        # The engine's deployment_name= / build_id= over its configuration's.
        self.deployment = resolve_deployment(self.config.deployment, name, build_id)

    async def set_current_version(self, build_id: str | None = None, *, wait: float = 30.0) -> None:
        """Make `build_id` (default: this engine's) the current version of its deployment.

        Waits up to `wait` seconds for that build's workers to have polled, and for the
        server to route by the new version, so a run started next goes to it.

        Example:
            >>> async def promote(engine):  # doctest: +SKIP
            ...     await engine.set_current_version("2024-06-02.1")
        """
        name, build = self._version(build_id, "set_current_version")
        request = wsv1.SetWorkerDeploymentCurrentVersionRequest(
            namespace=self.client.namespace, deployment_name=name, build_id=build
        )
        await self._route(
            f"make {name}.{build} current",
            lambda: self.client.workflow_service.set_worker_deployment_current_version(request),
            wait,
        )

    async def set_ramping_version(self, build_id: str, percentage: float, *, wait: float = 30.0) -> None:
        """Send `percentage` (0 to 100) of new runs to `build_id`; the rest stay on the current one.

        Example:
            >>> async def canary(engine):  # doctest: +SKIP
            ...     await engine.set_ramping_version("2024-06-02.1", 25)
        """
        if not 0 <= percentage <= 100:
            raise ConfigError(f"set_ramping_version: percentage must be from 0 to 100, got {percentage!r}")
        name, build = self._version(build_id, "set_ramping_version")
        request = wsv1.SetWorkerDeploymentRampingVersionRequest(
            namespace=self.client.namespace, deployment_name=name, build_id=build, percentage=percentage
        )
        await self._route(
            f"ramp {percentage:g}% to {name}.{build}",
            lambda: self.client.workflow_service.set_worker_deployment_ramping_version(request),
            wait,
        )

    def _version(self, build_id: str | None, action: str) -> tuple[str, str]:
        self._require_running()
        name, build = self.deployment.name, build_id or self.deployment.build_id
        if name is None or build is None:
            raise ConfigError(
                f"engine.{action}(): this engine has no worker deployment; give it deployment_name= "
                "and build_id= (or [tool.temporal-runtime.deployment] name and build_id)"
            )
        return name, build

    async def _route(self, what: str, call: Callable[[], Awaitable[object]], wait: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while True:
            try:
                await call()
                break
            except temporalio.service.RPCError as err:
                if err.status not in _NOT_YET or loop.time() >= deadline:
                    hint = (
                        " (no worker of that build has polled yet: is one running?)"
                        if err.status in _NOT_YET
                        else ""
                    )
                    raise EngineError(f"cannot {what}: {err.message}{hint}") from err
            await asyncio.sleep(_POLL)
        describe = wsv1.DescribeWorkerDeploymentRequest(
            namespace=self.client.namespace, deployment_name=self.deployment.name or ""
        )
        while loop.time() < deadline:
            info = (
                await self.client.workflow_service.describe_worker_deployment(describe)
            ).worker_deployment_info
            if info.routing_config_update_state in _SETTLED:
                return
            await asyncio.sleep(_POLL)
        raise EngineError(f"{what}: the server had not routed by it after {wait:g}s; try again")
