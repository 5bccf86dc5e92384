"""Metrics (temporalio's Prometheus endpoint) and tracing (its OpenTelemetry contrib), opt-in."""

from __future__ import annotations

from typing import Any

from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig

from temporal_runtime.errors import ConfigError

# One Runtime per bind address: a Runtime owns the Prometheus listener, so a second engine in
# the same process on the same port must share it rather than fail to bind.
_runtimes: dict[str, Runtime] = {}


def metrics_runtime(port: int, host: str = "0.0.0.0") -> Runtime:
    """A temporalio `Runtime` that serves Prometheus metrics on ``host:port`` (/metrics)."""
    address = f"{host}:{port}"
    found = _runtimes.get(address)
    if found is None:
        try:
            found = Runtime(telemetry=TelemetryConfig(metrics=PrometheusConfig(bind_address=address)))
        except Exception as err:
            raise ConfigError(f"metrics_port={port}: cannot serve metrics on {address}: {err}") from err
        _runtimes[address] = found
    return found


def tracing_interceptors() -> list[Any]:
    """temporalio's OpenTelemetry interceptor (spans for starts, workflows and activities)."""
    try:
        from temporalio.contrib.opentelemetry import TracingInterceptor
    except ImportError as err:
        raise ConfigError(
            f"tracing=True needs OpenTelemetry: pip install 'temporal-runtime[otel]' ({err})"
        ) from err
    return [TracingInterceptor()]
