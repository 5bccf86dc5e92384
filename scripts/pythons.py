"""Run the unit tests, the typing tests and one integration test on every Python the package claims.

The versions are pyproject.toml's ``Programming Language :: Python :: 3.X`` classifiers. Each is
found under pyenv (``$PYENV_ROOT/versions/3.X.N``, newest patch first) or as ``python3.X`` on
PATH; a claimed version that is not installed fails the run and says which, before anything is
built. Each version gets its own virtualenv, ``.venv-3.X`` (made once, remade when pyproject.toml
changes), except the one the project's ``.venv`` already runs, which is reused.

    make test-pythons                          # every claimed version
    .venv/bin/python -m scripts.pythons 3.13   # some of them
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
CLASSIFIER = re.compile(r"^Programming Language :: Python :: (3\.\d+)$")
# One integration test against the dev server: it starts a workflow, queries, updates and
# signals it, and gets a typed result back (annotations read under `from __future__`).
INTEGRATION = (
    "tests/integration/test_typed_calls.py::test_handle_by_id_converts_when_given_the_handler_method"
)
SUITES = ["tests/unit", "tests/typing", INTEGRATION]
# pip and the dev server need ssl; the virtualenv needs venv and ensurepip.
PROBE = "import ensurepip, ssl, sys, venv; print('%d.%d' % sys.version_info[:2])"


class MissingPythonError(RuntimeError):
    """A claimed Python version has no usable interpreter on this machine."""


def claimed_versions(pyproject: Path = PYPROJECT) -> list[str]:
    """The ``3.X`` versions pyproject.toml's classifiers claim, oldest first."""
    classifiers: list[str] = tomllib.loads(pyproject.read_text())["project"]["classifiers"]
    found = [m.group(1) for c in classifiers if (m := CLASSIFIER.match(c))]
    return sorted(found, key=lambda v: tuple(int(p) for p in v.split(".")))


def _pyenv_candidates(version: str) -> list[Path]:
    root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    patches: list[tuple[int, Path]] = []
    for path in root.glob(f"{version}.*"):
        # Only final releases (3.12.1, not 3.13.0t or 3.14-dev).
        match = re.fullmatch(rf"{re.escape(version)}\.(\d+)", path.name)
        if match:
            patches.append((int(match.group(1)), path / "bin" / f"python{version}"))
    return [path for _, path in sorted(patches, reverse=True)]


def _path_candidates(version: str) -> list[Path]:
    found: list[Path] = []
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        candidate = Path(folder or ".") / f"python{version}"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            found.append(candidate)
    return found


def _why_not(probe: subprocess.CompletedProcess[str]) -> str:
    # A build without OpenSSL ends in "ModuleNotFoundError: No module named '_ssl'"; a pyenv
    # shim for an inactive version starts with "pyenv: python3.X: command not found".
    lines = [line.strip() for line in probe.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if re.match(r"^\w+(Error|Exception)\b", line)]
    if errors:
        return errors[-1]
    return lines[0] if lines else probe.stdout.strip() or f"exit {probe.returncode}"


def find_interpreter(version: str) -> Path:
    """The interpreter for ``version`` (``"3.12"``), or `MissingPythonError` saying what to do."""
    tried: list[str] = []
    for candidate in [*_pyenv_candidates(version), *_path_candidates(version)]:
        if not candidate.exists():
            continue
        try:
            probe = subprocess.run(
                [str(candidate), "-c", PROBE], capture_output=True, text=True, timeout=60, check=False
            )
        except OSError as err:
            tried.append(f"{candidate} ({err})")
            continue
        if probe.returncode == 0 and probe.stdout.strip() == version:
            return candidate
        tried.append(f"{candidate} ({_why_not(probe)})")
    pyenv_root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    detail = f"; tried {', '.join(tried)}" if tried else ""
    raise MissingPythonError(
        f"Python {version} is claimed in pyproject.toml's classifiers but no usable interpreter was "
        f"found (looked for {pyenv_root}/versions/{version}.N/bin/python{version}, then python{version} "
        f"on PATH{detail}); install it with `pyenv install {version}` (with OpenSSL, venv and "
        f"ensurepip), or drop the classifier if the package no longer supports it"
    )


def _running(version: str) -> bool:
    return Path(sys.prefix) == ROOT / ".venv" and version == f"{sys.version_info[0]}.{sys.version_info[1]}"


def _run(args: list[str], env: dict[str, str] | None = None) -> int:
    print("+", " ".join(args), flush=True)
    return subprocess.run(args, cwd=ROOT, env=env, check=False).returncode


def _venv(version: str, interpreter: Path) -> Path:
    """The virtualenv for ``version`` with the package and its test dependencies installed."""
    if _running(version):
        return ROOT / ".venv"
    venv = ROOT / f".venv-{version}"
    stamp = venv / ".installed"
    python = venv / "bin" / "python"
    # Remade when pyproject.toml changed, or when the interpreter it links to is gone.
    if python.exists() and stamp.exists() and stamp.stat().st_mtime >= PYPROJECT.stat().st_mtime:
        return venv
    steps = [
        [str(interpreter), "-m", "venv", "--clear", str(venv)],
        [str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
        [str(python), "-m", "pip", "install", "--quiet", "-e", ".[dev,docs]"],  # the extras make install uses
    ]
    for step in steps:
        if _run(step) != 0:
            raise RuntimeError(f"building {venv.name} failed at: {' '.join(step)}")
    stamp.touch()
    return venv


@dataclass
class Outcome:
    """How one version went, for the closing summary."""

    version: str
    interpreter: Path
    venv: str = ""
    setup_seconds: float = 0.0
    test_seconds: float = 0.0
    status: str = "not run"


def run_version(version: str, interpreter: Path) -> Outcome:
    """Build (or reuse) the version's virtualenv and run the suites in one pytest session."""
    outcome = Outcome(version, interpreter)
    print(f"\n=== Python {version}: {interpreter}", flush=True)
    started = time.monotonic()
    try:
        venv = _venv(version, interpreter)
    except RuntimeError as err:
        outcome.status = f"FAILED ({err})"
        return outcome
    finally:
        outcome.setup_seconds = time.monotonic() - started
    outcome.venv = venv.name
    bin_dir = venv / "bin"
    env = {**os.environ, "VIRTUAL_ENV": str(venv), "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    started = time.monotonic()
    code = _run([str(bin_dir / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider", *SUITES], env)
    outcome.test_seconds = time.monotonic() - started
    outcome.status = "passed" if code == 0 else f"FAILED (pytest exit {code})"
    return outcome


def main(argv: list[str]) -> int:
    """Test every claimed version (or those named in ``argv``); 0 when all pass."""
    claimed = claimed_versions()
    versions = argv or claimed
    unknown = [v for v in versions if v not in claimed]
    if unknown:
        print(f"not claimed in pyproject.toml: {', '.join(unknown)} (claimed: {', '.join(claimed)})")
        return 2
    interpreters: dict[str, Path] = {}
    missing: list[str] = []
    for version in versions:
        try:
            interpreters[version] = (
                Path(sys.executable).resolve() if _running(version) else find_interpreter(version)
            )
        except MissingPythonError as err:
            missing.append(str(err))
    if missing:
        print("\n".join(missing), file=sys.stderr)
        return 1
    outcomes = [run_version(v, interpreters[v]) for v in versions]
    print("\nPython  set-up    tests  result  venv         made from")
    for o in outcomes:
        times = f"{o.setup_seconds:4.0f} s {o.test_seconds:6.0f} s"
        print(f"{o.version:<7} {times}  {o.status:<7} {o.venv:<12} {o.interpreter}")
    return 0 if all(o.status == "passed" for o in outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
