"""Runtime defaults: argument over TEMPORAL_RUNTIME_* over the file, with errors naming the key."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from temporal_runtime import ConfigError, RuntimeConfig, TemporalEngine
from temporal_runtime.config import env_overrides, load_config


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for var in list(__import__("os").environ):
        if var.startswith("TEMPORAL_RUNTIME_"):
            monkeypatch.delenv(var)
    (tmp_path / "pyproject.toml").write_text(
        """
[tool.temporal-runtime]
task_queue = "from-file"

[tool.temporal-runtime.activity]
start_to_close = "2m"
heartbeat = "10s"

[tool.temporal-runtime.retry]
maximum_attempts = 4
non_retryable_error_types = ["ValueError"]

[tool.temporal-runtime.worker]
drain_timeout = 12
"""
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_file_alone(project: Path) -> None:
    cfg = load_config(env={})
    assert cfg.task_queue == "from-file"
    assert cfg.activity.start_to_close == timedelta(minutes=2)
    assert cfg.activity.heartbeat == timedelta(seconds=10)
    assert cfg.retry.maximum_attempts == 4
    assert cfg.retry.non_retryable_error_types == ("ValueError",)
    assert cfg.worker.drain_timeout == timedelta(seconds=12)


def test_env_over_file(project: Path) -> None:
    env = {
        "TEMPORAL_RUNTIME_TASK_QUEUE": "from-env",
        "TEMPORAL_RUNTIME_ACTIVITY__START_TO_CLOSE": "45s",
        "TEMPORAL_RUNTIME_RETRY__NON_RETRYABLE_ERROR_TYPES": "KeyError, TypeError",
        "TEMPORAL_RUNTIME_WORKER__MAX_CONCURRENT_ACTIVITIES": "7",
    }
    cfg = load_config(env=env)
    assert cfg.task_queue == "from-env"
    assert cfg.activity.start_to_close == timedelta(seconds=45)
    assert cfg.activity.heartbeat == timedelta(seconds=10)  # untouched keys keep the file's value
    assert cfg.retry.non_retryable_error_types == ("KeyError", "TypeError")
    assert cfg.retry.maximum_attempts == 4
    assert cfg.worker.max_concurrent_activities == 7


def test_argument_over_env_over_file(project: Path) -> None:
    env = {"TEMPORAL_RUNTIME_TASK_QUEUE": "from-env", "TEMPORAL_RUNTIME_RETRY__MAXIMUM_ATTEMPTS": "9"}
    cfg = load_config(env=env, overrides={"task_queue": "from-arg", "activity": {"heartbeat": 3}})
    assert cfg.task_queue == "from-arg"
    assert cfg.retry.maximum_attempts == 9
    assert cfg.activity.heartbeat == timedelta(seconds=3)
    assert cfg.activity.start_to_close == timedelta(minutes=2)


def test_process_environment_is_read(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEMPORAL_RUNTIME_WORKFLOW__EXECUTION_TIMEOUT", "1h")
    assert load_config().workflow.execution_timeout == timedelta(hours=1)


def test_config_env_var_names_file(project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    other = tmp_path / "runtime.toml"
    other.write_text('task_queue = "other"\n[retry]\nmaximum_attempts = 2\n')
    monkeypatch.setenv("TEMPORAL_RUNTIME_CONFIG", str(other))
    cfg = load_config()
    assert (cfg.task_queue, cfg.retry.maximum_attempts) == ("other", 2)


def test_bad_file_value_names_key_and_file(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.temporal-runtime.activity]\nstart_to_close = "soon"\n')
    with pytest.raises(ConfigError) as info:
        load_config(env={})
    message = str(info.value)
    assert "activity.start_to_close" in message
    assert "pyproject.toml" in message
    assert "'soon'" in message


def test_bad_env_value_names_variable(project: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(env={"TEMPORAL_RUNTIME_RETRY__MAXIMUM_ATTEMPTS": "-1"})
    assert "retry.maximum_attempts" in str(info.value)
    assert "TEMPORAL_RUNTIME_RETRY__MAXIMUM_ATTEMPTS" in str(info.value)


def test_unknown_env_key_is_an_error(project: Path) -> None:
    with pytest.raises(ConfigError, match="has no setting 'start_to_clos'"):
        load_config(env={"TEMPORAL_RUNTIME_ACTIVITY__START_TO_CLOS": "1"})
    with pytest.raises(ConfigError, match="TEMPORAL_RUNTIME_QUEUE is not a runtime setting"):
        load_config(env={"TEMPORAL_RUNTIME_QUEUE": "x"})


def test_unknown_file_key_is_an_error(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.temporal-runtime.retry]\nmax_attempts = 3\n")
    with pytest.raises(ConfigError, match=r"retry\.max_attempts: Extra inputs are not permitted"):
        load_config(env={})


def test_missing_explicit_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml", env={})


def test_env_overrides_shape() -> None:
    data, sources = env_overrides({"TEMPORAL_RUNTIME_WORKER__DRAIN_TIMEOUT": "5", "OTHER": "x"})
    assert data == {"worker": {"drain_timeout": "5"}}
    assert sources == {"worker.drain_timeout": "TEMPORAL_RUNTIME_WORKER__DRAIN_TIMEOUT"}


def test_from_config_reads_file_and_env_and_overrides(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEMPORAL_RUNTIME_WORKER__DRAIN_TIMEOUT", "20")
    engine = TemporalEngine.from_config(start_worker=False)
    assert engine.task_queue == "from-file"
    assert engine.drain_timeout == timedelta(seconds=20)
    assert engine.config.retry.maximum_attempts == 4

    engine = TemporalEngine.from_config(task_queue="arg", drain_timeout=1, start_worker=False)
    assert engine.task_queue == "arg"
    assert engine.drain_timeout == timedelta(seconds=1)

    engine = TemporalEngine.from_config(config={"retry": {"maximum_attempts": 1}}, start_worker=False)
    assert engine.config.retry.maximum_attempts == 1
    assert engine.config.task_queue == "from-file"


def test_from_config_with_explicit_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TEMPORAL_RUNTIME_CONFIG", raising=False)
    path = tmp_path / "rt.toml"
    path.write_text('[tool.temporal-runtime]\ntask_queue = "explicit"\n')
    assert TemporalEngine.from_config(path, start_worker=False).task_queue == "explicit"


def test_from_config_rejects_unknown_option(project: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown option\(s\) \['taskqueue'\]"):
        TemporalEngine.from_config(taskqueue="x")


def test_from_config_accepts_a_model(project: Path) -> None:
    cfg = RuntimeConfig(task_queue="model")
    assert TemporalEngine.from_config(config=cfg, start_worker=False).config is cfg


def test_auto_passthrough_from_file_env_and_argument(project: Path) -> None:
    assert load_config(env={}).worker.auto_passthrough is True
    (project / "pyproject.toml").write_text("[tool.temporal-runtime.worker]\nauto_passthrough = false\n")
    from_file = load_config(env={})
    assert from_file.worker.auto_passthrough is False
    from_env = load_config(env={"TEMPORAL_RUNTIME_WORKER__AUTO_PASSTHROUGH": "true"})
    assert from_env.worker.auto_passthrough is True
    # The engine takes the configuration's value unless its argument says otherwise, and
    # hands it to the workers it builds.
    engine = TemporalEngine(config=from_file, start_worker=False)
    assert engine.auto_passthrough is False and engine._worker_settings().auto_passthrough is False
    assert TemporalEngine(config=from_file, auto_passthrough=True, start_worker=False).auto_passthrough
