"""The runtime's own defaults: timeouts, retries, worker limits, task queue.

They live in ``[tool.temporal-runtime]`` in pyproject.toml (found from the current directory
upwards), or in the TOML file named by ``TEMPORAL_RUNTIME_CONFIG``. Each setting may be
overridden by an environment variable, ``TEMPORAL_RUNTIME_<KEY>`` with ``__`` between a
section and its key (``TEMPORAL_RUNTIME_TASK_QUEUE=orders``,
``TEMPORAL_RUNTIME_ACTIVITY__START_TO_CLOSE=2m``), and by explicit overrides, so the order is
argument over environment over file. Connection settings
(address, namespace, TLS, API key) are not here: they follow Temporal's own client
configuration (``TEMPORAL_*`` variables and ``temporal.toml`` profiles), see `TemporalEngine`.

Example pyproject.toml section::

    [tool.temporal-runtime]
    task_queue = "orders"

    [tool.temporal-runtime.activity]
    start_to_close = "2m"          # seconds as a number, or "500ms", "30s", "2m", "1h", "1d"

    [tool.temporal-runtime.retry]
    maximum_attempts = 5
    non_retryable_error_types = ["ValueError"]

    [tool.temporal-runtime.encryption]   # payloads: `temporal_runtime.codec`
    keys_file = "/run/secrets/payload-keys"
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

import temporalio.common
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from temporal_runtime._internal._deployment_config import DeploymentDefaults
from temporal_runtime.codec import CodecServerSettings, EncryptionSettings
from temporal_runtime.errors import ConfigError

__all__ = [
    "CONFIG_ENV_VAR",
    "ENV_PREFIX",
    "ActivityDefaults",
    "DeploymentDefaults",
    "RetryDefaults",
    "RuntimeConfig",
    "WorkerDefaults",
    "WorkflowDefaults",
    "current_config",
    "env_overrides",
    "load_config",
    "set_current_config",
    "to_timedelta",
]

CONFIG_ENV_VAR = "TEMPORAL_RUNTIME_CONFIG"
ENV_PREFIX = "TEMPORAL_RUNTIME_"
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")


def to_timedelta(value: float | timedelta | str) -> timedelta:
    """Read a duration: seconds as a number, a `timedelta`, or a string like "30s" or "2m".

    Example:
        >>> to_timedelta("2m")
        datetime.timedelta(seconds=120)
        >>> to_timedelta(1.5)
        datetime.timedelta(seconds=1, microseconds=500000)
    """
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool):
        raise ValueError(f"expected a duration, got {value!r}")
    if isinstance(value, int | float):
        return timedelta(seconds=value)
    match = _DURATION.match(value)
    if match is None:
        raise ValueError(f"expected a duration such as 30, '30s', '500ms', '2m', '1h', got {value!r}")
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2) or "s"])


def _duration_or_none(value: Any) -> Any:
    return None if value is None else to_timedelta(value)


Duration = Annotated[timedelta, BeforeValidator(to_timedelta)]
OptionalDuration = Annotated[timedelta | None, BeforeValidator(_duration_or_none)]


class _Section(BaseModel):
    """A frozen configuration section that rejects unknown keys."""

    model_config: ClassVar[ConfigDict] = ConfigDict(extra="forbid", frozen=True)


class ActivityDefaults(_Section):
    """Timeouts `exec` applies when neither the call nor the activity definition sets one.

    Example:
        >>> ActivityDefaults(start_to_close="30s").start_to_close
        datetime.timedelta(seconds=30)
    """

    start_to_close: OptionalDuration = Field(default=timedelta(minutes=5), gt=timedelta(0))
    schedule_to_close: OptionalDuration = None
    heartbeat: OptionalDuration = None


class RetryDefaults(_Section):
    """The retry policy `exec` applies when none is given (0 attempts means unlimited).

    Example:
        >>> RetryDefaults(maximum_attempts=3).to_retry_policy().maximum_attempts
        3
    """

    maximum_attempts: int = Field(default=0, ge=0)
    initial_interval: Duration = timedelta(seconds=1)
    maximum_interval: OptionalDuration = None
    backoff_coefficient: float = Field(default=2.0, ge=1.0)
    non_retryable_error_types: tuple[str, ...] = ()

    def to_retry_policy(self) -> temporalio.common.RetryPolicy:
        """The Temporal retry policy these defaults describe."""
        return temporalio.common.RetryPolicy(
            initial_interval=self.initial_interval,
            backoff_coefficient=self.backoff_coefficient,
            maximum_interval=self.maximum_interval,
            maximum_attempts=self.maximum_attempts,
            non_retryable_error_types=list(self.non_retryable_error_types) or None,
        )


class WorkflowDefaults(_Section):
    """Timeouts `start_method` applies to new workflows when the call sets none.

    Example:
        >>> WorkflowDefaults(execution_timeout="1d").execution_timeout
        datetime.timedelta(days=1)
    """

    execution_timeout: OptionalDuration = None
    run_timeout: OptionalDuration = None
    task_timeout: OptionalDuration = None


class WorkerDefaults(_Section):
    """Concurrency limits, tuning, the drain timeout and the workflow sandbox of the engine's workers.

    ``tuner = "resource_based"`` hands out task slots while the process stays under
    `target_memory_usage` and `target_cpu_usage` (fractions of the machine); the
    ``max_concurrent_*`` limits then cap each kind of slot. ``poller_autoscaling`` lets the
    server's feedback scale the number of polls between `min_pollers` and `max_pollers`
    (starting at `initial_pollers`); without it `max_pollers` caps a fixed number of polls.
    `auto_passthrough` (default on): the sandbox also shares with the process the modules your
    workflows use that define no workflow and hold nothing a run could change (models,
    side-effect-free activities), instead of re-importing them for every run; off, it shares
    only `temporal_runtime`, Pydantic and the engine's `passthrough_modules`.

    Example:
        >>> WorkerDefaults(drain_timeout=10).drain_timeout
        datetime.timedelta(seconds=10)
        >>> WorkerDefaults(tuner="resource_based", target_cpu_usage=0.7).target_cpu_usage
        0.7
        >>> WorkerDefaults(auto_passthrough=False).auto_passthrough
        False
    """

    max_concurrent_activities: int | None = Field(default=None, gt=0)
    max_concurrent_workflow_tasks: int | None = Field(default=None, gt=0)
    max_concurrent_local_activities: int | None = Field(default=None, gt=0)
    activity_threads: int = Field(default=16, gt=0)
    drain_timeout: Duration = timedelta(seconds=30)
    # Tuning: resource-based slots and poller autoscaling.
    tuner: Literal["fixed", "resource_based"] = "fixed"
    target_memory_usage: float = Field(default=0.8, gt=0, le=1)
    target_cpu_usage: float = Field(default=0.9, gt=0, le=1)
    poller_autoscaling: bool = False
    min_pollers: int = Field(default=1, gt=0)
    initial_pollers: int = Field(default=5, gt=0)
    max_pollers: int | None = Field(default=None, gt=1)
    auto_passthrough: bool = True


class RuntimeConfig(_Section):
    """All of the runtime's defaults; every field has one, so an empty section is valid.

    Example:
        >>> cfg = RuntimeConfig.model_validate({"task_queue": "orders",
        ...                                     "activity": {"start_to_close": "1m"}})
        >>> cfg.task_queue, cfg.activity.start_to_close
        ('orders', datetime.timedelta(seconds=60))
    """

    task_queue: str = "default"
    # A payload codec by import path, "module:attribute" (an object, or a class to call).
    codec: str | None = None
    activity: ActivityDefaults = ActivityDefaults()
    retry: RetryDefaults = RetryDefaults()
    workflow: WorkflowDefaults = WorkflowDefaults()
    worker: WorkerDefaults = WorkerDefaults()
    deployment: DeploymentDefaults = DeploymentDefaults()
    encryption: EncryptionSettings = EncryptionSettings()
    codec_server: CodecServerSettings = CodecServerSettings()


def _find_pyproject(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"cannot read {path}: {err}") from err


def _env_value(raw: str, default: Any) -> Any:
    text = raw.strip()
    if isinstance(default, tuple):
        # A list: JSON (["A", "B"]) or comma separated (A,B).
        if text.startswith("["):
            try:
                return json.loads(text)
            except json.JSONDecodeError:
                return text
        return [part.strip() for part in text.split(",") if part.strip()]
    if text == "" or text.lower() in ("none", "null"):
        return None
    return text


def env_overrides(env: Mapping[str, str] | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """The settings given by ``TEMPORAL_RUNTIME_*`` variables, and which variable gave each.

    Example:
        >>> env_overrides({"TEMPORAL_RUNTIME_ACTIVITY__START_TO_CLOSE": "2m"})[0]
        {'activity': {'start_to_close': '2m'}}
    """
    environ = os.environ if env is None else env
    data: dict[str, Any] = {}
    sources: dict[str, str] = {}
    sections = {
        name: field.annotation
        for name, field in RuntimeConfig.model_fields.items()
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)
    }
    for var, raw in environ.items():
        if not var.startswith(ENV_PREFIX) or var == CONFIG_ENV_VAR:
            continue
        parts = var[len(ENV_PREFIX) :].lower().split("__")
        if len(parts) == 1 and parts[0] in RuntimeConfig.model_fields and parts[0] not in sections:
            data[parts[0]] = _env_value(raw, RuntimeConfig.model_fields[parts[0]].default)
            sources[parts[0]] = var
        elif len(parts) == 2 and parts[0] in sections:
            model = sections[parts[0]]
            assert model is not None
            field = model.model_fields.get(parts[1])
            if field is None:
                raise ConfigError(
                    f"{var}: [{parts[0]}] has no setting {parts[1]!r}; known: {sorted(model.model_fields)}"
                )
            data.setdefault(parts[0], {})[parts[1]] = _env_value(raw, field.default)
            sources[f"{parts[0]}.{parts[1]}"] = var
        else:
            known = [f"{ENV_PREFIX}{k.upper()}" for k in RuntimeConfig.model_fields if k not in sections]
            raise ConfigError(
                f"{var} is not a runtime setting; use {', '.join(known)} or "
                f"{ENV_PREFIX}<SECTION>__<KEY> with SECTION one of {sorted(sections)}"
            )
    return data, sources


def _deep_merge(base: dict[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in top.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)  # pyright: ignore[reportUnknownArgumentType]
        else:
            merged[key] = value
    return merged


def _flat_keys(data: Mapping[str, Any], prefix: str = "") -> list[str]:
    keys: list[str] = []
    for key, value in data.items():
        path = f"{prefix}{key}"
        keys.extend(_flat_keys(value, f"{path}.") if isinstance(value, Mapping) else [path])  # pyright: ignore[reportUnknownArgumentType]
    return keys


def _read_section(
    path: str | os.PathLike[str] | None, start: Path | None
) -> tuple[dict[str, Any], str | None]:
    explicit = path if path is not None else os.environ.get(CONFIG_ENV_VAR) or None
    if explicit is not None:
        source = Path(explicit)
        if not source.is_file():
            raise ConfigError(
                f"config file {source} does not exist (from "
                f"{'the path argument' if path is not None else CONFIG_ENV_VAR}); fix the path"
            )
        data = _read_toml(source)
        section = data.get("tool", {}).get("temporal-runtime", data)
        return dict(section), f"{source}"
    found = _find_pyproject(start or Path.cwd())
    if found is None:
        return {}, None
    section = _read_toml(found).get("tool", {}).get("temporal-runtime", {})
    return dict(section), f"{found} [tool.temporal-runtime]"


def load_config(
    path: str | os.PathLike[str] | None = None,
    *,
    start: Path | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> RuntimeConfig:
    """Load the runtime defaults: `overrides` over ``TEMPORAL_RUNTIME_*`` over the file.

    The file is `path`, else ``$TEMPORAL_RUNTIME_CONFIG``, else the nearest pyproject.toml. A
    file named explicitly (or by the variable) may hold the settings at its top level or under
    ``[tool.temporal-runtime]``. No file, or no section, gives the defaults. `overrides` uses
    the file's shape (``{"activity": {"start_to_close": 30}}``).

    Example:
        >>> load_config(start=Path("/"), env={}).task_queue
        'default'
        >>> load_config(start=Path("/"), env={"TEMPORAL_RUNTIME_TASK_QUEUE": "from-env"},
        ...             overrides={"task_queue": "from-arg"}).task_queue
        'from-arg'
    """
    section, file_source = _read_section(path, start)
    from_env, env_sources = env_overrides(env)
    sources = dict.fromkeys(_flat_keys(section), file_source or "the file")
    sources.update(env_sources)
    sources.update(dict.fromkeys(_flat_keys(overrides or {}), "the overrides"))
    merged = _deep_merge(_deep_merge(section, from_env), overrides or {})
    try:
        return RuntimeConfig.model_validate(merged)
    except ValidationError as err:
        problems: list[str] = []
        for item in err.errors(include_url=False)[:5]:
            key = ".".join(str(p) for p in item["loc"])
            origin = next((src for k, src in sources.items() if key == k or key.startswith(k + ".")), None)
            shown = origin if origin and origin != file_source else None
            problems.append(f"{key}: {item['msg']}" + (f" (from {shown})" if shown else ""))
        where = file_source or "runtime configuration"
        raise ConfigError(f"{where} is invalid: {'; '.join(problems)}") from None


_current: RuntimeConfig | None = None


def current_config() -> RuntimeConfig:
    """The defaults in force in this process (loaded on first use, or set by an engine).

    Example:
        >>> isinstance(current_config(), RuntimeConfig)
        True
    """
    global _current
    if _current is None:
        _current = load_config()
    return _current


def set_current_config(config: RuntimeConfig | None) -> None:
    """Make `config` the process-wide defaults (None: reload from files on next use).

    Example:
        >>> set_current_config(RuntimeConfig(task_queue="q")); current_config().task_queue
        'q'
        >>> set_current_config(None)
    """
    global _current
    _current = config
