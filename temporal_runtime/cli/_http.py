"""The tiny stdlib asyncio HTTP listener under the health endpoint and the codec server."""

from __future__ import annotations

import asyncio
import json
from http import HTTPStatus
from typing import Any, Self


class SmallHTTPServer:
    """Listens on `host`:`port` (0 picks a free one) and hands each connection to `_handle`."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port: int = port
        self._server: asyncio.Server | None = None

    async def start(self) -> Self:
        """Start listening; `port` is the bound port afterwards (useful with port 0)."""
        self._server = await asyncio.start_server(self._handle, self.host, self.port)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self

    async def stop(self) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        raise NotImplementedError


async def write_response(
    writer: asyncio.StreamWriter,
    code: int,
    body: dict[str, Any] | None,
    headers: dict[str, str] | None = None,
    *,
    head_only: bool = False,
) -> None:
    """One HTTP/1.1 response with a JSON `body` (none for 204), then the connection closes."""
    payload = b"" if body is None else json.dumps(body).encode()
    lines = [f"HTTP/1.1 {code} {HTTPStatus(code).phrase}", f"Content-Length: {len(payload)}"]
    if body is not None:
        lines.append("Content-Type: application/json")
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    head = "\r\n".join([*lines, "Connection: close", "", ""]).encode("latin-1")
    writer.write(head if head_only else head + payload)
    await writer.drain()
