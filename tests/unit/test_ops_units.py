"""Health endpoint, metrics endpoint, tracing option and log formatting, without a server."""

from __future__ import annotations

import asyncio
import json
import logging
import urllib.request
from typing import Any, cast

import pytest

from temporal_runtime import ConfigError, EngineState, HealthStatus, TemporalEngine
from temporal_runtime._internal import _observability
from temporal_runtime._internal._logging import MethodLoggerAdapter
from temporal_runtime.cli import HealthServer
from temporal_runtime.cli._logging import JsonFormatter
from temporal_runtime.devserver import free_port


class FakeEngine:
    def __init__(self) -> None:
        self.state = EngineState.RUNNING
        self.healthy = True

    async def health_check(self, timeout: float = 5.0) -> HealthStatus:
        return HealthStatus(
            healthy=self.healthy,
            state=self.state,
            server_reachable=self.healthy,
            workers_running=self.healthy,
            task_queues=["q"],
            detail="ok" if self.healthy else "server unreachable",
        )


async def _get(port: int, path: str, method: str = "GET") -> tuple[int, dict[str, Any]]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"{method} {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    await writer.drain()
    raw = await reader.read()
    writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body) if body else {}


async def test_health_server_states() -> None:
    engine = FakeEngine()
    async with HealthServer(cast(TemporalEngine, engine), host="127.0.0.1", port=0) as health:
        assert await _get(health.port, "/livez") == (200, {"alive": True, "state": "running"})
        code, body = await _get(health.port, "/readyz")
        assert (code, body["ready"], body["draining"]) == (200, True, False)

        health.draining = True
        code, body = await _get(health.port, "/readyz")
        assert (code, body["ready"], body["draining"]) == (503, False, True)
        assert body["detail"].startswith("draining")
        assert (await _get(health.port, "/livez"))[0] == 200

        health.draining = False
        engine.healthy = False
        code, body = await _get(health.port, "/readyz")
        assert (code, body["detail"]) == (503, "server unreachable")

        assert (await _get(health.port, "/other"))[0] == 404
        assert (await _get(health.port, "/livez", "POST"))[0] == 405


async def test_health_server_with_unstarted_engine() -> None:
    engine = TemporalEngine(start_worker=False)
    async with HealthServer(engine, host="127.0.0.1", port=0) as health:
        code, body = await _get(health.port, "/readyz")
        assert (code, body["state"]) == (503, "not_started")


def test_metrics_runtime_serves_prometheus_text() -> None:
    port = free_port()
    runtime = _observability.metrics_runtime(port, host="127.0.0.1")
    assert _observability.metrics_runtime(port, host="127.0.0.1") is runtime  # shared per address
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as resp:
        assert resp.status == 200
        assert "text/plain" in resp.headers.get("Content-Type", "")
        resp.read()


def test_metrics_port_in_use_is_config_error() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        with pytest.raises(ConfigError, match=f"metrics_port={port}"):
            _observability.metrics_runtime(port, host="127.0.0.1")


def test_tracing_interceptor() -> None:
    from temporalio.contrib.opentelemetry import TracingInterceptor

    (interceptor,) = _observability.tracing_interceptors()
    assert isinstance(interceptor, TracingInterceptor)


def test_json_formatter_includes_temporal_context() -> None:
    record = logging.LogRecord("wf", logging.INFO, __file__, 1, "charged %s", ("A-1",), None)
    record.temporal_workflow = {"workflow_id": "order-1", "run_id": "r1", "workflow_type": "Orders"}
    record.temporal_runtime = {"method": "process_order"}
    data = json.loads(JsonFormatter().format(record))
    assert data["message"] == "charged A-1"
    assert (data["workflow_id"], data["run_id"], data["method"]) == ("order-1", "r1", "process_order")
    assert data["level"] == "INFO"


def test_method_logger_adapter_adds_method(caplog: pytest.LogCaptureFixture) -> None:
    class Merging(logging.LoggerAdapter[logging.Logger]):
        # Merges extras as temporalio's workflow.logger does (tested for real in integration).
        def process(self, msg: Any, kwargs: Any) -> tuple[Any, Any]:
            kwargs["extra"] = {**(self.extra or {}), **(kwargs.get("extra") or {})}
            return msg, kwargs

    inner = Merging(logging.getLogger("test.method_logger"), {})
    adapter = MethodLoggerAdapter(inner, "process_order")
    with caplog.at_level(logging.INFO, logger="test.method_logger"):
        adapter.info("hello")
    (record,) = caplog.records
    assert record.getMessage() == "[process_order] hello"
    assert record.temporal_runtime == {"method": "process_order"}  # type: ignore[attr-defined]
