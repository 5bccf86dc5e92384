"""`[tool.temporal-runtime]` parsing: durations, defaults, and clear errors."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from temporal_runtime import ConfigError, RuntimeConfig, load_config
from temporal_runtime.config import CONFIG_ENV_VAR, to_timedelta


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (30, timedelta(seconds=30)),
        (1.5, timedelta(seconds=1.5)),
        ("45", timedelta(seconds=45)),
        ("500ms", timedelta(milliseconds=500)),
        ("30s", timedelta(seconds=30)),
        ("2m", timedelta(minutes=2)),
        ("1.5h", timedelta(minutes=90)),
        ("1d", timedelta(days=1)),
        (" 10 s ", timedelta(seconds=10)),
        (timedelta(seconds=3), timedelta(seconds=3)),
    ],
)
def test_durations(value: object, expected: timedelta) -> None:
    assert to_timedelta(value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["soon", "10 minutes", "-5s", "", True])
def test_invalid_durations(value: object) -> None:
    with pytest.raises(ValueError, match="duration"):
        to_timedelta(value)  # type: ignore[arg-type]


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_pyproject_section_is_found_upwards(tmp_path: Path) -> None:
    _write(
        tmp_path / "pyproject.toml",
        """
[tool.temporal-runtime]
task_queue = "orders"
[tool.temporal-runtime.activity]
start_to_close = "2m"
heartbeat = 10
[tool.temporal-runtime.retry]
maximum_attempts = 5
initial_interval = "250ms"
non_retryable_error_types = ["ValueError"]
[tool.temporal-runtime.workflow]
execution_timeout = "1d"
[tool.temporal-runtime.worker]
drain_timeout = "5s"
max_concurrent_activities = 8
""",
    )
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    config = load_config(start=nested)
    assert config.task_queue == "orders"
    assert config.activity.start_to_close == timedelta(minutes=2)
    assert config.activity.heartbeat == timedelta(seconds=10)
    policy = config.retry.to_retry_policy()
    assert policy.maximum_attempts == 5
    assert policy.initial_interval == timedelta(milliseconds=250)
    assert list(policy.non_retryable_error_types or []) == ["ValueError"]
    assert config.workflow.execution_timeout == timedelta(days=1)
    assert config.worker.drain_timeout == timedelta(seconds=5)
    assert config.worker.max_concurrent_activities == 8


def test_no_file_or_no_section_gives_defaults(tmp_path: Path) -> None:
    assert load_config(start=tmp_path) == RuntimeConfig()
    _write(tmp_path / "pyproject.toml", "[project]\nname = 'x'\n")
    config = load_config(start=tmp_path)
    assert config == RuntimeConfig()
    assert config.activity.start_to_close == timedelta(minutes=5)
    assert config.retry.maximum_attempts == 0


@pytest.mark.parametrize(
    ("section", "field"),
    [
        ('[tool.temporal-runtime.activity]\nstart_to_close = "0s"', "activity.start_to_close"),
        ('[tool.temporal-runtime.activity]\nstart_to_close = "soon"', "activity.start_to_close"),
        ("[tool.temporal-runtime.retry]\nmaximum_attempts = -1", "retry.maximum_attempts"),
        ("[tool.temporal-runtime.retry]\nbackoff_coefficient = 0.5", "retry.backoff_coefficient"),
        ("[tool.temporal-runtime.worker]\nactivity_threads = 0", "worker.activity_threads"),
        ("[tool.temporal-runtime]\ntask_qeueu = 'typo'", "task_qeueu"),
    ],
)
def test_invalid_values_raise_config_error_naming_the_field(tmp_path: Path, section: str, field: str) -> None:
    path = _write(tmp_path / "pyproject.toml", section)
    with pytest.raises(ConfigError) as info:
        load_config(start=tmp_path)
    assert field in str(info.value)
    assert str(path) in str(info.value)


def test_explicit_file_and_env_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    top_level = _write(tmp_path / "runtime.toml", 'task_queue = "top"\n')
    assert load_config(top_level).task_queue == "top"
    under_tool = _write(tmp_path / "tool.toml", '[tool.temporal-runtime]\ntask_queue = "tool"\n')
    monkeypatch.setenv(CONFIG_ENV_VAR, str(under_tool))
    assert load_config().task_queue == "tool"
    monkeypatch.setenv(CONFIG_ENV_VAR, str(tmp_path / "missing.toml"))
    with pytest.raises(ConfigError, match=f"does not exist.*{CONFIG_ENV_VAR}"):
        load_config()
    broken = _write(tmp_path / "broken.toml", "task_queue = [")
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(broken)
