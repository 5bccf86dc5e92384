"""Run pyright and mypy (strict, with the package's plugin) over the typing contract files.

``check_common.py`` (exact types) and ``check_errors.py`` (calls that must be rejected) go to
both checkers; ``check_pyright.py`` and ``check_mypy.py`` hold what only one of them can say.
Every expected error is a ``# type: ignore[code]`` / ``# pyright: ignore[rule]`` comment, and
both checkers fail on an unneeded one, so a signature that loosens fails here as surely as
one that breaks. ``examples/`` (the seed's code) is checked by both as well.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
# The configs pin 3.11 for `make lint`; a user checks against the Python they run, and so do
# these tests on each Python the package claims (`make test-pythons`).
VERSION = f"{sys.version_info.major}.{sys.version_info.minor}"

BOTH = ["check_common.py", "check_errors.py"]
MYPY_ONLY = ["check_mypy.py"]
PYRIGHT_ONLY = ["check_pyright.py"]


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)


def test_pyright_strict() -> None:
    result = _run(
        [
            str(BIN / "pyright"),
            "-p",
            str(HERE / "pyrightconfig.json"),
            "--pythonpath",
            sys.executable,
            "--pythonversion",
            VERSION,
            "--outputjson",
        ]
    )
    report = json.loads(result.stdout)
    errors = [
        f"{d['file']}:{d['range']['start']['line'] + 1}: {d['message']} ({d.get('rule', '')})"
        for d in report["generalDiagnostics"]
        if d["severity"] == "error"
    ]
    assert result.returncode == 0 and not errors, "pyright lost a signature:\n" + "\n".join(errors)
    # The config's file list is what makes this test meaningful: all of it must be read.
    assert report["summary"]["filesAnalyzed"] >= len(BOTH) + len(PYRIGHT_ONLY) + 4


def test_mypy_strict_with_plugin() -> None:
    files = [str(HERE / name) for name in BOTH + MYPY_ONLY] + [str(ROOT / "examples")]
    # `python -m mypy` puts the project root on sys.path, so the plugin module is importable
    # exactly as users enable it: plugins = temporal_runtime.mypy.
    config = ["--config-file", str(HERE / "mypy.ini"), "--python-version", VERSION]
    result = _run([sys.executable, "-m", "mypy", "--strict", *config, *files])
    assert result.returncode == 0, f"mypy lost a signature:\n{result.stdout}{result.stderr}"
    assert "Success: no issues found in" in result.stdout


def test_plugin_is_what_makes_async_exact(tmp_path: Path) -> None:
    # Without the plugin the `.async_` forms fall back to MethodHandle[Any]: check_mypy.py must
    # then fail, which proves its assert_type lines depend on (and so test) the plugin.
    config = tmp_path / "mypy.ini"
    config.write_text((HERE / "mypy.ini").read_text().replace("plugins = temporal_runtime.mypy", ""))
    result = _run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--config-file",
            str(config),
            "--python-version",
            VERSION,
            "--cache-dir",
            str(tmp_path / "cache"),
            str(HERE / "check_mypy.py"),
        ]
    )
    assert result.returncode == 1, result.stdout
    assert 'Expression is of type "MethodHandle[Any]", not "MethodHandle[OrderResult]"' in result.stdout
