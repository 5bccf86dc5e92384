"""The ``# docs-example: NAME`` code blocks of the guides (docs/testing.md unless told): loaded as
modules, or run as scripts in a process of their own."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import re
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "testing.md"
OPERATIONS = ROOT / "docs" / "operations.md"
# Python blocks, and TOML ones (a configuration the tests load).
_BLOCK = re.compile(r"```(?:python|toml)\n# docs-example: ([\w-]+)\n(.*?)```", re.DOTALL)


def doc_examples(doc: Path = DOC) -> dict[str, str]:
    return {name: code for name, code in _BLOCK.findall(doc.read_text())}


def load_example(name: str, folder: Path, doc: Path = DOC) -> ModuleType:
    module_name = f"docs_example_{name.replace('-', '_')}"
    path = folder / f"{module_name}.py"
    path.write_text(doc_examples(doc)[name])
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def example_tests(module: ModuleType) -> list[str]:
    return [n for n in vars(module) if n.startswith("test_") and callable(getattr(module, n))]


async def run_script(folder: Path, script: str, *args: str, timeout: float = 120) -> str:
    """Run `folder`/`script` in a process of its own (importing from `folder` and the repo) and
    return what it printed; it must exit 0."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(folder), str(ROOT)])}
    env.pop("TEMPORAL_RUNTIME_CONFIG", None)  # the examples run on the defaults, as a reader's would
    process = await asyncio.create_subprocess_exec(
        sys.executable, script, *args,
        cwd=folder, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), timeout)
    assert process.returncode == 0, out.decode()[-2000:] + err.decode()[-4000:]
    return out.decode()
