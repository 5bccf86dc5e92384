"""The server examples of docs/testing.md run as written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.docs_examples import ROOT, doc_examples, example_tests, load_example


@pytest.mark.parametrize("name", ["local-engine", "local-engine-clock"])
async def test_local_engine_examples(name: str, tmp_path: Path) -> None:
    module = load_example(name, tmp_path)
    tests = example_tests(module)
    assert len(tests) == 2
    for test in tests:
        await getattr(module, test)()


def test_plugin_example_under_pytest(tmp_path: Path) -> None:
    (tmp_path / "test_plugin_example.py").write_text(doc_examples()["plugin"])
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "temporal_runtime.testing.pytest_plugin",
            "-o",
            "asyncio_mode=auto",
            str(tmp_path),
        ],
        check=False,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
