"""``worker --processes N``: N worker processes on the same task queues, supervised together.

Each process is a whole ``temporal-runtime worker`` (its own engine, connection and workers),
so the server spreads the queues' tasks over them and CPU-bound workflow code uses every core.
The supervisor restarts a process that dies (and logs it), gives up when one keeps dying, and on
SIGTERM/SIGINT passes the signal on so that every process drains as a single worker does.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
from dataclasses import dataclass, field
from typing import Any

from temporal_runtime.cli._output import Output

logger = logging.getLogger("temporal_runtime.worker")

# Not passed on the command line: the processes get the API key the supervisor read through
# TEMPORAL_API_KEY, so it is neither in the process list nor read twice from stdin.
_OWN_OPTIONS = ("--processes", "--health-port", "--metrics-port", "--api-key", "--api-key-file")

# A process that dies this many times within the window is broken, not unlucky.
CRASH_LIMIT = 5
CRASH_WINDOW = 60.0
RESTART_DELAY = 1.0


@dataclass
class _Child:
    index: int
    process: asyncio.subprocess.Process | None = None
    crashes: list[float] = field(default_factory=list[float])


def _own_option(arg: str) -> bool:
    # argparse takes any unambiguous prefix (`--proc 3`), so a prefix of one is that option too:
    # passed on, `--proc` would make every process a supervisor in turn.
    name = arg.split("=", 1)[0]
    return name.startswith("--") and len(name) > 2 and any(own.startswith(name) for own in _OWN_OPTIONS)


def child_args(argv: list[str], index: int, args: argparse.Namespace) -> list[str]:
    """The command line of worker process `index`: the same, without --processes, with its ports."""
    out: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif _own_option(arg):
            skip = "=" not in arg  # its value is the next argument
        else:
            out.append(arg)
    if "--json" not in out:
        out.append("--json")
    # Each process needs its own ports: the given one plus the process's index.
    if args.health_port is not None:
        out += ["--health-port", str(args.health_port + index if args.health_port else 0)]
    if args.metrics_port is not None:
        out += ["--metrics-port", str(args.metrics_port + index)]
    return out


def child_env(args: argparse.Namespace) -> dict[str, str]:
    """The environment of a worker process: the supervisor's, with the API key it was given."""
    key: str | None = getattr(args, "api_key", None)
    return {**os.environ, "TEMPORAL_API_KEY": key} if key else dict(os.environ)


class Supervisor:
    """Starts, watches, restarts and drains the worker processes."""

    def __init__(self, argv: list[str], args: argparse.Namespace, out: Output) -> None:
        self.args = args
        self.out = out
        self.children = [_Child(i) for i in range(args.processes)]
        self._argv = argv
        self._stopping = False

    async def _spawn(self, child: _Child) -> None:
        child.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "temporal_runtime",
            *child_args(self._argv, child.index, self.args),
            stdout=asyncio.subprocess.PIPE,
            env=child_env(self.args),
        )
        logger.info("worker process %d started (pid %d)", child.index, child.process.pid)

    async def _relay(self, child: _Child) -> None:
        # Each process's events, tagged with which process said it.
        process = child.process
        assert process is not None and process.stdout is not None
        async for raw in process.stdout:
            text = raw.decode().strip()
            try:
                data: dict[str, Any] = json.loads(text)
            except json.JSONDecodeError:
                data = {"event": "output", "text": text}
            data.update(process=child.index, pid=process.pid)
            self.out.emit(data, f"[worker {child.index}] {data.get('text') or _summary(data)}", line=True)

    async def _watch(self, child: _Child) -> int:
        """Run one slot until shutdown: restart its process whenever it dies unasked."""
        loop = asyncio.get_running_loop()
        while True:
            await self._spawn(child)
            assert child.process is not None
            relay = asyncio.create_task(self._relay(child))
            code = await child.process.wait()
            await relay
            if self._stopping:
                return code
            now = loop.time()
            child.crashes = [t for t in child.crashes if now - t < CRASH_WINDOW] + [now]
            giving_up = len(child.crashes) >= CRASH_LIMIT
            then = (
                f"it died {CRASH_LIMIT} times within {CRASH_WINDOW:.0f} s, so all stop; run one "
                "`temporal-runtime worker` without --processes to see why"
                if giving_up
                else "restarting"
            )
            self.out.emit(
                {"event": "process_died", "process": child.index, "pid": child.process.pid, "code": code},
                f"worker process {child.index} (pid {child.process.pid}) exited with code {code}; {then}",
                line=True,
            )
            logger.error("worker process %d exited with code %d; %s", child.index, code, then)
            if giving_up:
                self.stop()
                return code or 1
            await asyncio.sleep(RESTART_DELAY)

    def stop(self, signum: int = signal.SIGTERM) -> None:
        """Pass `signum` on to every process (each drains as a single worker does)."""
        self._stopping = True
        for child in self.children:
            if child.process is not None and child.process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    child.process.send_signal(signum)

    async def run(self) -> int:
        """Supervise until SIGTERM/SIGINT; 0 when every process drained and exited cleanly."""
        loop = asyncio.get_running_loop()

        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, self.stop, signum)
        self.out.emit(
            {"event": "supervising", "processes": len(self.children)},
            f"supervising {len(self.children)} worker processes",
            line=True,
        )
        codes = await asyncio.gather(*(self._watch(child) for child in self.children))
        failed = [code for code in codes if code]
        self.out.emit({"event": "stopped", "codes": codes}, "all worker processes stopped", line=True)
        return failed[0] if failed else 0


def _summary(data: dict[str, Any]) -> str:
    event = data.get("event")
    if event == "serving":
        return f"serving {', '.join(sorted(data.get('task_queues', {})))} on {data.get('address')}"
    return str(event)
