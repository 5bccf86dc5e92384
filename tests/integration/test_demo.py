"""`make demo` runs a real workflow and keeps it, so `make dev` shows it in the Web UI afterwards."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from temporal_runtime import DevServer, ExecutionStatus, TemporalEngine

ROOT = Path(__file__).resolve().parents[2]


async def test_demo_keeps_its_run_for_the_web_ui(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "examples.demo", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    stdout, stderr = await asyncio.wait_for(proc.communicate(), 180)
    out = stdout.decode()
    assert proc.returncode == 0, out + stderr.decode()
    assert "result: OrderResult(status='completed', items=2)" in out
    db = tmp_path / ".temporal" / "dev.db"
    if "(already running)" not in out:  # a developer's own `make dev` serves the run instead
        assert db.is_file()
        assert "`make dev`" in out and "/namespaces/default/workflows/demo-order-1" in out
        # What `make dev` does: a dev server on the same SQLite file still has the run.
        async with DevServer(ui=False, db_file=db) as server:
            async with TemporalEngine(url=server.address, start_worker=False) as engine:
                status = await engine.get_status("demo-order-1")
        assert (status.status, status.method) == (ExecutionStatus.COMPLETED, "process_order")
