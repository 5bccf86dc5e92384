"""docs/more.md's examples run as written, each against the dev server (and in memory where shown)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from temporal_runtime import DevServer
from tests.docs_examples import ROOT, doc_examples, example_tests, load_example

MORE = ROOT / "docs" / "more.md"
EXAMPLES = [
    "with-start",
    "update-handles",
    "start-options",
    "describe",
    "schedules",
    "replay-runs",
    "async-completion",
    "process-pool",
    "failures",
]


def test_the_page_has_these_examples() -> None:
    assert list(doc_examples(MORE)) == EXAMPLES


@pytest.mark.parametrize("name", EXAMPLES)
async def test_doc_example_runs(
    name: str, dev_server: DevServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The worker's sandbox, and a process pool's processes, import the example by its name.
    monkeypatch.syspath_prepend(str(tmp_path))
    module = load_example(name, tmp_path, MORE)
    await asyncio.wait_for(module.main(dev_server.address), 120)
    for test in example_tests(module):
        await asyncio.wait_for(getattr(module, test)(), 60)
