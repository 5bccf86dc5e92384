"""docs/operations.md's encryption example runs as written, in a process of its own, on the dev server."""

from __future__ import annotations

from pathlib import Path

from temporal_runtime.testing.pytest_plugin import SharedDevServer
from tests.docs_examples import OPERATIONS, doc_examples, run_script

RUNNER = """
import asyncio, os, sys
from temporal_runtime import EncryptionCodec
import encryption_example as example

print(asyncio.run(example.main(sys.argv[1], EncryptionCodec.generate_key())), flush=True)
os._exit(0)  # temporalio's native threads can abort a finishing interpreter (sdk-python#300)
"""


async def test_the_encryption_example_runs(dev_server: SharedDevServer, tmp_path: Path) -> None:
    (tmp_path / "encryption_example.py").write_text(doc_examples(OPERATIONS)["encryption"])
    (tmp_path / "run_example.py").write_text(RUNNER)
    out = await run_script(tmp_path, "run_example.py", dev_server.address)
    assert out.strip() == "kept the card ending 4242"
