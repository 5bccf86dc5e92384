"""A tiny HTTP endpoint for orchestrators: ``/livez`` and ``/readyz`` (stdlib asyncio only)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from temporal_runtime.cli._http import SmallHTTPServer, write_response

if TYPE_CHECKING:
    from temporal_runtime.engine import TemporalEngine


class HealthServer(SmallHTTPServer):
    """Liveness and readiness of a worker process over HTTP.

    ``GET /livez`` answers 200 while the process runs its event loop. ``GET /readyz`` answers
    200 when the engine reaches the server and its workers run, and 503 otherwise, including
    from the moment the worker starts to drain (so a load balancer or Kubernetes stops sending
    it work). Both bodies are JSON.

    Example:
        >>> async def serve(engine):  # doctest: +SKIP
        ...     async with HealthServer(engine, port=8080) as health:
        ...         ...
        ...         health.draining = True   # readiness turns false
    """

    def __init__(self, engine: TemporalEngine, *, host: str = "0.0.0.0", port: int = 0) -> None:
        super().__init__(host, port)
        self.engine = engine
        self.draining = False

    async def readiness(self) -> tuple[bool, dict[str, Any]]:
        """Whether the worker should receive work, with the details."""
        status = await self.engine.health_check(timeout=2.0)
        body: dict[str, Any] = status.model_dump(mode="json")
        body["draining"] = self.draining
        ready = status.healthy and not self.draining
        body["ready"] = ready
        if self.draining:
            body["detail"] = "draining: finishing in-flight tasks, taking no new ones"
        return ready, body

    async def _respond(self, path: str, method: str) -> tuple[int, dict[str, Any]]:
        if method not in ("GET", "HEAD"):
            return 405, {"error": f"{method} not allowed; use GET"}
        if path == "/livez":
            return 200, {"alive": True, "state": self.engine.state.value}
        if path == "/readyz":
            ready, body = await self.readiness()
            return (200 if ready else 503), body
        return 404, {"error": f"unknown path {path}; use /livez or /readyz"}

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(reader.readline(), 5)
            while (await asyncio.wait_for(reader.readline(), 5)) not in (b"\r\n", b"\n", b""):
                pass  # headers carry nothing we need
            parts = request.decode("latin-1").split()
            method, path = (parts[0], parts[1].split("?", 1)[0]) if len(parts) >= 2 else ("GET", "/")
            code, body = await self._respond(path, method)
            await write_response(writer, code, body, head_only=method == "HEAD")
        except (TimeoutError, ConnectionError):
            pass
        finally:
            writer.close()
