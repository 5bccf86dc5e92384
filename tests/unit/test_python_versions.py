"""The Pythons the package claims: one list (pyproject's classifiers), said in the README, and
each one found on the machine by `make test-pythons` or named when it is missing."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from scripts import pythons
from scripts.pythons import MissingPythonError, claimed_versions, find_interpreter

ROOT = Path(__file__).resolve().parents[2]
RUNNING = f"{sys.version_info.major}.{sys.version_info.minor}"


def test_claimed_versions_start_at_requires_python_and_are_said_in_the_readme() -> None:
    claimed = claimed_versions()
    assert claimed == ["3.11", "3.12", "3.13"]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == f">={claimed[0]}"
    said = f"Supported: Python {', '.join(claimed[:-1])} and {claimed[-1]}."
    assert said in (ROOT / "README.md").read_text()


def _pyenv(tmp_path: Path, *names: str) -> Path:
    for name in names:
        bin_dir = tmp_path / "versions" / name / "bin"
        bin_dir.mkdir(parents=True)
        (bin_dir / f"python{RUNNING}").symlink_to(sys.executable)
    return tmp_path


def test_the_newest_pyenv_patch_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _pyenv(tmp_path, f"{RUNNING}.2", f"{RUNNING}.10", f"{RUNNING}.11t", f"{RUNNING}-dev")
    monkeypatch.setenv("PYENV_ROOT", str(root))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert find_interpreter(RUNNING) == root / "versions" / f"{RUNNING}.10" / "bin" / f"python{RUNNING}"


def test_an_interpreter_on_path_is_found_without_pyenv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / f"python{RUNNING}").symlink_to(sys.executable)
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "no-pyenv"))
    monkeypatch.setenv("PATH", str(bin_dir))
    assert find_interpreter(RUNNING) == bin_dir / f"python{RUNNING}"


def test_a_missing_python_is_named_with_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(MissingPythonError) as info:
        find_interpreter("3.99")
    message = str(info.value)
    assert message.startswith("Python 3.99 is claimed in pyproject.toml's classifiers")
    assert f"{tmp_path}/versions/3.99.N/bin/python3.99" in message
    assert "`pyenv install 3.99`" in message


def test_an_interpreter_of_another_version_is_not_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A `python3.99` that is really the running Python (a stale link, a shim) is refused, and named.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3.99").symlink_to(sys.executable)
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path))
    monkeypatch.setenv("PATH", str(bin_dir))
    with pytest.raises(MissingPythonError, match=f"tried {bin_dir}/python3.99 \\({RUNNING}\\)"):
        find_interpreter("3.99")


def test_an_unclaimed_version_is_refused_before_anything_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert pythons.main(["3.10"]) == 2
    assert "not claimed in pyproject.toml: 3.10 (claimed: 3.11, 3.12, 3.13)" in capsys.readouterr().out


def test_a_build_without_ssl_is_refused_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "versions" / "3.99.0" / "bin" / "python3.99"
    fake.parent.mkdir(parents=True)
    fake.write_text(
        "#!/bin/sh\necho 'Traceback (most recent call last):' >&2\n"
        "echo \"ModuleNotFoundError: No module named '_ssl'\" >&2\nexit 1\n"
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(
        MissingPythonError, match=r"tried .*python3\.99 \(ModuleNotFoundError: No module named '_ssl'\)"
    ):
        find_interpreter("3.99")
