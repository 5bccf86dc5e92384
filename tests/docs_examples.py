"""Load the ``# docs-example: NAME`` code blocks of the guides (docs/testing.md unless told) as modules."""

from __future__ import annotations

import importlib.util
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
