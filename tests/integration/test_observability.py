"""metrics_port= serves temporalio's Prometheus metrics; tracing=True records OpenTelemetry spans."""

from __future__ import annotations

import asyncio
import urllib.request

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from temporal_runtime import DevServer, TemporalEngine
from temporal_runtime.devserver import free_port
from tests.integration.cli_app.activities import Greeting
from tests.integration.cli_app.workflows import CliAppWorkflow, GreetResult


def _scrape(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as resp:
        body: bytes = resp.read()
    return body.decode()


async def test_metrics_port(dev_server: DevServer, task_queue: str) -> None:
    port = free_port()
    async with TemporalEngine(
        url=dev_server.address, task_queue=task_queue, workflows=[CliAppWorkflow], metrics_port=port
    ) as engine:
        assert await CliAppWorkflow.client(engine).greet(Greeting(name="m")) == GreetResult(text="hello m")
        text = await asyncio.to_thread(_scrape, port)
    assert "temporal_workflow_completed" in text
    assert f'task_queue="{task_queue}"' in text


async def test_tracing(dev_server: DevServer, task_queue: str) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    async with TemporalEngine(
        url=dev_server.address, task_queue=task_queue, workflows=[CliAppWorkflow], tracing=True
    ) as engine:
        assert await CliAppWorkflow.client(engine).greet(Greeting(name="t")) == GreetResult(text="hello t")
    names = {span.name for span in exporter.get_finished_spans()}
    assert "StartWorkflow:CliAppWorkflow" in names
    assert "RunActivity:cli_app.compose_greeting" in names
