"""The engine's sandbox finds and compiles a re-imported module once per version of its file,
only inside a sandbox, and compiles temporalio's snippets once."""

from __future__ import annotations

import importlib
import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from unittest.mock import patch

import pytest
import temporalio.workflow
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from temporal_runtime._internal import _sandbox_runner
from temporal_runtime._internal._sandbox_runner import SandboxRunner, cache_reimports


@pytest.fixture
def plain_module(tmp_path: Path) -> Iterator[ModuleType]:
    name = f"reimported_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{name}.py").write_text("VALUE = 1\n")
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(name)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop(name, None)
        _sandbox_runner._files.pop(name, None)


def _code_in_sandbox(name: str) -> object:
    with patch.object(temporalio.workflow.unsafe, "in_sandbox", return_value=True):
        spec = _sandbox_runner._ReimportFinder.find_spec(name)
    assert spec is not None and spec.loader is not None
    return spec.loader.get_code(name)  # type: ignore[attr-defined]


def test_a_registered_module_is_compiled_once_per_file_version(plain_module: ModuleType) -> None:
    name = plain_module.__name__
    cache_reimports([name])
    assert _sandbox_runner._ReimportFinder in sys.meta_path
    first = _code_in_sandbox(name)
    assert _code_in_sandbox(name) is first
    path = Path(plain_module.__file__ or "")
    path.write_text("VALUE = 2  # a new version\n")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    changed = _code_in_sandbox(name)
    assert changed is not first
    namespace: dict[str, object] = {}
    exec(changed, namespace)  # type: ignore[arg-type]
    assert namespace["VALUE"] == 2


def test_the_finder_answers_only_inside_a_sandbox_and_only_for_registered_modules(
    plain_module: ModuleType,
) -> None:
    cache_reimports([plain_module.__name__])
    assert _sandbox_runner._ReimportFinder.find_spec(plain_module.__name__) is None
    with patch.object(temporalio.workflow.unsafe, "in_sandbox", return_value=True):
        assert _sandbox_runner._ReimportFinder.find_spec("json") is None
        assert _sandbox_runner._ReimportFinder.find_spec(plain_module.__name__) is not None


def test_the_runner_is_temporalios_with_snippets_compiled_once() -> None:
    runner = SandboxRunner()
    assert isinstance(runner, SandboxedWorkflowRunner)
    snippet = "x = 1\n"
    assert _sandbox_runner._compiled(snippet) is _sandbox_runner._compiled(snippet)
