"""The no-server examples of docs/testing.md run as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs_examples import ROOT, doc_examples, example_tests, load_example


def test_docs_have_the_examples() -> None:
    assert set(doc_examples()) == {
        "in-memory",
        "in-memory-patterns",
        "in-memory-children",
        "local-engine",
        "local-engine-clock",
        "plugin",
        "replay",
        "replay-in-memory",
    }


@pytest.mark.parametrize(
    "name", ["in-memory", "in-memory-patterns", "in-memory-children", "replay", "replay-in-memory"]
)
async def test_doc_example_runs(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    module = load_example(name, tmp_path)
    tests = example_tests(module)
    assert tests
    for test in tests:
        await getattr(module, test)()
