"""The workflow sandbox of the engine's workers: temporalio's, with its restrictions, cheaper per run.

Every run in temporalio's sandbox re-imports the workflow's module (so its state is the run's
own) and drives the run by executing small snippets of code inside the sandbox. Two costs of
that are the same work each time, and are done once here, with nothing else changed:

- the snippets are compiled once (temporalio's `_run_code` compiles its text on every call);
- a module the sandbox re-imports is found and compiled once per version of its file: a
  finder on `sys.meta_path`, which answers only inside a sandbox and only for the modules
  registered here, hands the sandbox the file the process imported, with its code object
  cached by path, modification time and size. The module body still runs for every run, into
  a fresh module, exactly as before; a file changed on disk is read and compiled again.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import sys
import threading
from collections.abc import Iterable, Sequence
from importlib.machinery import ModuleSpec, SourceFileLoader
from types import CodeType, ModuleType
from typing import Any

import temporalio.workflow
from temporalio.worker import WorkflowInstance, WorkflowInstanceDetails
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner
from temporalio.worker.workflow_sandbox._runner import _Instance  # pyright: ignore[reportPrivateUsage]

_lock = threading.Lock()
# Module name -> (source path, package search locations or None), registered by the engines.
_files: dict[str, tuple[str, list[str] | None]] = {}
# Source path -> (modification time, size, code), the latest version of each file only.
_codes: dict[str, tuple[int, int, CodeType]] = {}


# One entry per snippet: a few fixed ones, and one import line per workflow class.
@functools.lru_cache(maxsize=1024)
def _compiled(code: str) -> CodeType:
    return compile(code, "<string>", "exec")


class _CompiledInstance(_Instance):
    def _run_code(self, code: str, **extra_globals: Any) -> None:
        # `exec` takes the compiled snippet as it takes its text.
        super()._run_code(_compiled(code), **extra_globals)  # type: ignore[arg-type]


class SandboxRunner(SandboxedWorkflowRunner):
    """temporalio's `SandboxedWorkflowRunner`, whose instances compile their snippets once."""

    def create_instance(self, det: WorkflowInstanceDetails) -> WorkflowInstance:
        return _CompiledInstance(det, self.runner_class, self.restrictions)


class _CachedSourceLoader(SourceFileLoader):
    def get_code(self, fullname: str) -> CodeType:
        stat = os.stat(self.path)
        found = _codes.get(self.path)
        if found is not None and found[:2] == (stat.st_mtime_ns, stat.st_size):
            return found[2]
        code = super().get_code(fullname)
        assert code is not None  # a source file always has code
        _codes[self.path] = (stat.st_mtime_ns, stat.st_size, code)
        return code


class _ReimportFinder:
    """Finds the registered modules for the sandbox's re-imports (and nothing else)."""

    @staticmethod
    def find_spec(fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None) -> Any:
        if not temporalio.workflow.unsafe.in_sandbox():
            return None
        found = _files.get(fullname)
        if found is None:
            return None
        origin, locations = found
        spec: ModuleSpec | None = importlib.util.spec_from_file_location(
            fullname,
            origin,
            loader=_CachedSourceLoader(fullname, origin),
            submodule_search_locations=locations,
        )
        return spec


def cache_reimports(modules: Iterable[str]) -> None:
    """Let the sandbox find and compile these modules (and their packages) once per file version."""
    registered: dict[str, tuple[str, list[str] | None]] = {}
    for name in modules:
        parts = name.split(".")
        for i in range(1, len(parts) + 1):
            prefix = ".".join(parts[:i])
            spec: ModuleSpec | None = getattr(sys.modules.get(prefix), "__spec__", None)
            # Plain source files only; anything else (a zip, a compiled module, the script run
            # as __main__) is left to Python.
            if (
                spec is not None
                and type(spec.loader) is SourceFileLoader
                and spec.name == prefix
                and isinstance(spec.origin, str)
            ):
                locations = spec.submodule_search_locations
                registered[prefix] = (spec.origin, None if locations is None else list(locations))
    with _lock:
        _files.update(registered)
        if _ReimportFinder not in sys.meta_path:
            sys.meta_path.insert(0, _ReimportFinder)
