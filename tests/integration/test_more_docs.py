"""docs/more.md's examples run as written, against the dev server (and in memory where shown).

They run in a process of their own: each example defines workflows, and an engine that serves
every registered workflow must not meet them after this test, when their modules are gone.
"""

from __future__ import annotations

from pathlib import Path

from temporal_runtime import DevServer
from tests.docs_examples import ROOT, doc_examples, run_script

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

RUNNER = """
import asyncio, importlib, os, sys

async def run(address: str, names: list[str]) -> None:
    for name in names:
        module = importlib.import_module(name)
        await asyncio.wait_for(module.main(address), 120)
        for test in [n for n in vars(module) if n.startswith("test_")]:
            await asyncio.wait_for(getattr(module, test)(), 60)
        print("ok", name, flush=True)

if __name__ == "__main__":  # the process pool's processes import this file too
    asyncio.run(run(sys.argv[1], sys.argv[2:]))
    sys.stdout.flush()
    os._exit(0)  # temporalio's threads may abort a finishing interpreter (sdk-python#300)
"""


def test_the_page_has_these_examples() -> None:
    assert list(doc_examples(MORE)) == EXAMPLES


async def test_doc_examples_run(dev_server: DevServer, tmp_path: Path) -> None:
    names = []
    for name, code in doc_examples(MORE).items():
        module = f"docs_example_{name.replace('-', '_')}"
        (tmp_path / f"{module}.py").write_text(code)
        names.append(module)
    (tmp_path / "run_more.py").write_text(RUNNER)
    out = await run_script(tmp_path, "run_more.py", dev_server.address, *names, timeout=600)
    assert out.split() == [word for name in names for word in ("ok", name)]
