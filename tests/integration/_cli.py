"""Run `python -m temporal_runtime ...` as a subprocess, with this worktree on PYTHONPATH."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def cli_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEMPORAL_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return {**env, **(extra or {})}


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


async def run_cli(*args: str, timeout: float = 120, env: dict[str, str] | None = None) -> Result:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "temporal_runtime",
        *args,
        cwd=ROOT,
        env=cli_env(env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout)
    assert proc.returncode is not None
    return Result(proc.returncode, out.decode(), err.decode())


async def spawn_cli(*args: str, env: dict[str, str] | None = None) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "temporal_runtime",
        *args,
        cwd=ROOT,
        env=cli_env(env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def read_event(proc: asyncio.subprocess.Process, event: str, timeout: float = 60) -> dict[str, Any]:
    """Read stdout lines until a JSON line with this "event" (the --json worker/dev output).

    A command that fails prints its error as (indented) JSON: that is raised, with stderr.
    """
    assert proc.stdout is not None
    pending = ""
    while True:
        line = await asyncio.wait_for(proc.stdout.readline(), timeout)
        if not line:
            err = await proc.stderr.read() if proc.stderr else b""
            raise AssertionError(f"process ended before {event!r}: {pending}{err.decode()[-3000:]}")
        text = line.decode().strip()
        if not pending and not text.startswith("{"):
            continue
        pending += text
        try:
            data: dict[str, Any] = json.loads(pending)
        except json.JSONDecodeError:
            continue
        pending = ""
        if "error" in data and "event" not in data:
            err = await proc.stderr.read() if proc.stderr else b""
            raise AssertionError(f"the command failed before {event!r}: {data}\n{err.decode()[-3000:]}")
        if data.get("event") == event:
            return data
