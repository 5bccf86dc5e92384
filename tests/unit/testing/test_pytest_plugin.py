"""The pytest plugin: loaded by entry point and by `pytest_plugins` at once, it registers once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
MODULE = "temporal_runtime.testing.pytest_plugin"


def _run_pytest(tmp_path: Path, entry_point_name: str) -> subprocess.CompletedProcess[str]:
    site = tmp_path / "site"
    dist = site / "tr_probe-0.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: tr-probe\nVersion: 0.0\n")
    (dist / "entry_points.txt").write_text(f"[pytest11]\n{entry_point_name} = {MODULE}\n")
    project = tmp_path / "project"
    project.mkdir()
    (project / "conftest.py").write_text(f"pytest_plugins = [{MODULE!r}]\n")
    (project / "test_probe.py").write_text(
        "def test_fixtures_and_option(temporal_activities, pytestconfig):\n"
        "    assert temporal_activities is None\n"
        "    assert pytestconfig.getoption('--temporal-reuse-server') is True\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)])}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--temporal-reuse-server",
            str(project),
        ],
        check=False,
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_entry_point_named_after_the_module_plus_pytest_plugins_registers_once(tmp_path: Path) -> None:
    result = _run_pytest(tmp_path, MODULE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_an_entry_point_under_another_name_would_register_twice(tmp_path: Path) -> None:
    # Why pyproject names the entry point after the module: any other name breaks projects
    # that also list the plugin in pytest_plugins.
    result = _run_pytest(tmp_path, "temporal_runtime")
    assert result.returncode != 0
    assert "already registered" in result.stdout + result.stderr


def test_pyproject_declares_the_entry_point_under_the_module_name() -> None:
    text = (ROOT / "pyproject.toml").read_text()
    assert f'[project.entry-points.pytest11]\n"{MODULE}" = "{MODULE}"' in text


@pytest.mark.temporal_reuse_server
def test_marker_is_declared(pytestconfig: pytest.Config) -> None:
    markers = pytestconfig.getini("markers")
    assert any(m.startswith("temporal_reuse_server:") for m in markers)


def test_without_pytest_asyncio_only_the_temporal_fixtures_fail(tmp_path: Path) -> None:
    shadow = tmp_path / "shadow" / "pytest_asyncio"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('pytest_asyncio is not installed here')\n")
    project = tmp_path / "project"
    project.mkdir()
    (project / "test_probe.py").write_text(
        "def test_unrelated():\n    assert True\n\ndef test_wants_a_server(temporal_engine):\n    pass\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path / "shadow"), str(ROOT)])}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:asyncio",
            "-p",
            MODULE,
            str(project),
        ],
        check=False,
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert "1 passed" in output, output
    assert "need pytest-asyncio" in output
