"""docs/guide.md's Python examples run as written, in a process of their own, on the dev server."""

from __future__ import annotations

import re
from pathlib import Path

from temporal_runtime import DevServer
from tests.docs_examples import run_script

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "guide.md"

RUNNER = """
import asyncio, os, sys
import guide_example as g
from temporal_runtime import TemporalEngine

async def run() -> None:
    await g.test_process_order()
    await g.test_charge_activity()
    assert "Stamped.stamp (guide_example.py:" in g.determinism_examples()
    await g.main()
    async with TemporalEngine(url=sys.argv[1], task_queue="orders") as engine:
        await g.follow(engine)
    assert asyncio.iscoroutinefunction(g.run_locally)
    print("guide ok")

asyncio.run(run())
sys.stdout.flush()
os._exit(0)  # temporalio's threads may crash a finishing interpreter (sdk-python#300)
"""


def guide_module(address: str) -> str:
    blocks = re.findall(r"```python\n(.*?)```", GUIDE.read_text(), flags=re.DOTALL)
    assert len(blocks) >= 7
    return "\n\n".join(blocks).replace('"localhost:7233"', repr(address))


async def test_guide_examples_run(dev_server: DevServer, tmp_path: Path) -> None:
    (tmp_path / "guide_example.py").write_text(guide_module(dev_server.address))
    (tmp_path / "run_guide.py").write_text(RUNNER)
    out = await run_script(tmp_path, "run_guide.py", dev_server.address)
    assert "guide ok" in out
