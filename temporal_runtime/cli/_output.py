"""What the commands print: readable text for a person, one JSON document with ``--json``."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TextIO

from pydantic_core import to_jsonable_python

_SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


def jsonable(value: Any) -> Any:
    """Models, datetimes, enums ... as plain JSON values."""
    return to_jsonable_python(value, fallback=repr)


def dumps(value: Any, *, indent: int | None = 2) -> str:
    """`value` as JSON text."""
    return json.dumps(jsonable(value), indent=indent, ensure_ascii=False)


def when(value: datetime | None) -> str:
    """A timestamp for a table: local-free ISO seconds, or a dash."""
    return value.strftime("%Y-%m-%d %H:%M:%S") if value is not None else "-"


def table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> str:
    """Left-aligned columns, two spaces apart."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(headers, widths, strict=True)).rstrip()]
    lines.extend("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows)
    return "\n".join(lines)


class Output:
    """Prints results in the mode the user asked for."""

    def __init__(self, as_json: bool, stream: TextIO | None = None) -> None:
        self.as_json = as_json
        self.stream = stream or sys.stdout

    def emit(self, data: Any, text: str, *, line: bool = False) -> None:
        """Print `data` as JSON in ``--json`` mode (one line with `line`), else `text`."""
        print(dumps(data, indent=None if line else 2) if self.as_json else text, file=self.stream, flush=True)


class Progress:
    """A spinner with the elapsed time on stderr while a command waits (only on a terminal).

    Example:
        >>> async def wait(handle):  # doctest: +SKIP
        ...     async with Progress("waiting for order-42"):
        ...         return await handle.result()
    """

    def __init__(self, label: str, stream: TextIO | None = None, *, enabled: bool | None = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._task: asyncio.Task[None] | None = None
        self._start = 0.0

    async def _spin(self) -> None:
        frame = 0
        while True:
            elapsed = time.monotonic() - self._start
            self.stream.write(f"\r{_SPINNER[frame % len(_SPINNER)]} {self.label} ({elapsed:.1f}s)\x1b[K")
            self.stream.flush()
            frame += 1
            await asyncio.sleep(0.1)

    async def __aenter__(self) -> Progress:
        self._start = time.monotonic()
        if self.enabled:
            self._task = asyncio.create_task(self._spin())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self.stream.write("\r\x1b[K")
            self.stream.flush()
