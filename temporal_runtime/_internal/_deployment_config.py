"""``[tool.temporal-runtime.deployment]``: the worker deployment version of this process's workers.

Re-exported by `temporal_runtime.config` beside the other sections; it lives here so the
worker-versioning settings are read in one small place.
"""

from __future__ import annotations

from typing import ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator


class DeploymentDefaults(BaseModel):
    """Which worker deployment version this process's workers are (Temporal worker versioning).

    With `name` and `build_id` set, every worker of the engine polls as version
    ``<name>.<build_id>``: the server sends a run's tasks only to the version that runs it. A
    class's ``versioning=`` (`VersioningBehavior`) says whether its runs stay on the version
    that started them (``PINNED``) or move to the deployment's current version
    (``AUTO_UPGRADE``); `default_versioning` applies to classes that say nothing. Give the
    build id from your release (a git sha, an image tag), e.g.
    ``TEMPORAL_RUNTIME_DEPLOYMENT__BUILD_ID=$GIT_SHA``.

    Example:
        >>> d = DeploymentDefaults(name="orders", build_id="2024-06-01.1")
        >>> d.enabled, d.version
        (True, 'orders.2024-06-01.1')
    """

    model_config: ClassVar[ConfigDict] = ConfigDict(extra="forbid", frozen=True)

    name: str | None = Field(default=None, min_length=1, pattern=r"^[^.]+$")
    build_id: str | None = Field(default=None, min_length=1)
    default_versioning: Literal["pinned", "auto_upgrade"] | None = None

    @model_validator(mode="after")
    def _both_or_neither(self) -> Self:
        if (self.name is None) != (self.build_id is None):
            missing = "build_id" if self.build_id is None else "name"
            raise ValueError(
                f"a worker deployment needs both name and build_id; {missing} is not set "
                f"(set [tool.temporal-runtime.deployment] {missing} or "
                f"TEMPORAL_RUNTIME_DEPLOYMENT__{missing.upper()})"
            )
        if self.default_versioning is not None and self.name is None:
            raise ValueError("default_versioning needs a worker deployment: set name and build_id too")
        return self

    @property
    def enabled(self) -> bool:
        """True when the workers poll as a deployment version (name and build id set)."""
        return self.name is not None

    @property
    def version(self) -> str | None:
        """``<name>.<build_id>``, as Temporal's CLI and Web UI write a version."""
        return f"{self.name}.{self.build_id}" if self.enabled else None
