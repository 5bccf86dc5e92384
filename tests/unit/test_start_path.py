"""The start path's work done once: options per method and configuration, payloads per client.

A stub service records each StartWorkflowExecution request, so the tests compare what reaches
the server with and without the reuse (an interceptor on the client turns it off).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
import temporalio.api.workflowservice.v1 as wsv1
import temporalio.client
import temporalio.service
from temporalio.contrib.pydantic import pydantic_data_converter

from temporal_runtime import TemporalEngine, Workflow
from temporal_runtime._internal import _start, _start_payloads
from temporal_runtime._internal._codec import as_temporal, data_converter
from temporal_runtime._internal._envelope import METHOD_MEMO_KEY
from temporal_runtime._internal._payloads import PayloadLimitInterceptor
from temporal_runtime._internal._start import NO_OPTIONS, StartPlans, resolved_options
from temporal_runtime._internal._start_payloads import StartPayloads
from temporal_runtime.config import RuntimeConfig, WorkflowDefaults
from temporal_runtime.encryption import EncryptionCodec
from temporal_runtime.options import StartOptions


class StartPathWorkflow(Workflow, name="StartPathWorkflow"):
    async def go(self, n: int) -> int:
        return n

    async def stop(self) -> None:
        return None


class _Service:
    def __init__(self) -> None:
        self.requests: list[wsv1.StartWorkflowExecutionRequest] = []

    async def start_workflow_execution(self, req: Any, **_: Any) -> wsv1.StartWorkflowExecutionResponse:
        self.requests.append(req)
        return wsv1.StartWorkflowExecutionResponse(run_id=f"run-{len(self.requests)}")


class _ServiceClient:
    def __init__(self) -> None:
        self.config = temporalio.service.ConnectConfig(target_host="stub:7233", identity="test@stub")
        self.workflow_service = _Service()


class _PassThrough(temporalio.client.Interceptor):
    """An interceptor that changes nothing: its presence alone keeps the values as text."""


def _client(*interceptors: temporalio.client.Interceptor) -> temporalio.client.Client:
    return temporalio.client.Client(
        _ServiceClient(),  # type: ignore[arg-type]
        namespace="default",
        data_converter=pydantic_data_converter,
        interceptors=interceptors,
    )


def _requests(engine: TemporalEngine) -> list[wsv1.StartWorkflowExecutionRequest]:
    service: _Service = engine.client.service_client.workflow_service  # type: ignore[assignment]
    return service.requests


async def _starts(engine: TemporalEngine, *, reused: bool) -> list[wsv1.StartWorkflowExecutionRequest]:
    async with engine:
        client = StartPathWorkflow.client(engine)
        await client.async_.go(1)
        await client.async_.go(2)
        await client.async_.stop()
        await client.with_options(memo={"team": "a"}, summary="by hand").async_.go(3)
        await client.with_options(workflow_id="fixed").async_.go(4)
        payloads = engine._start_payloads  # pyright: ignore[reportPrivateUsage]
        assert payloads is not None and payloads._reuse is reused  # pyright: ignore[reportPrivateUsage]
        return _requests(engine)


async def test_starts_send_what_they_sent_before_with_the_method_encoded_once() -> None:
    reused = await _starts(TemporalEngine(client=_client(), task_queue="q", start_worker=False), reused=True)
    plain = await _starts(
        TemporalEngine(client=_client(_PassThrough()), task_queue="q", start_worker=False), reused=False
    )
    assert len(reused) == len(plain) == 5
    for got, want in zip(reused, plain, strict=True):
        assert got.memo == want.memo
        assert got.user_metadata == want.user_metadata
        assert (got.workflow_type, got.task_queue, got.input) == (
            want.workflow_type,
            want.task_queue,
            want.input,
        )
    converter = pydantic_data_converter.payload_converter
    memo = [converter.from_payload(r.memo.fields[METHOD_MEMO_KEY]) for r in reused]
    assert memo == ["go", "go", "stop", "go", "go"]
    summaries = [converter.from_payload(r.user_metadata.summary) for r in reused]
    assert summaries == ["go", "go", "stop", "by hand", "go"]
    assert converter.from_payload(reused[3].memo.fields["team"]) == "a"
    ids = [r.workflow_id for r in reused]
    assert len(set(ids)) == 5 and ids[4] == "fixed"
    assert all(i.startswith("StartPathWorkflow-") for i in ids[:4])


def test_payloads_are_reused_only_where_encoding_cannot_vary() -> None:
    assert StartPayloads(_client())._reuse  # pyright: ignore[reportPrivateUsage]
    # The engine's own size check reads only the arguments, so it keeps the reuse.
    assert StartPayloads(_client(PayloadLimitInterceptor()))._reuse  # pyright: ignore[reportPrivateUsage]
    assert not StartPayloads(_client(_PassThrough()))._reuse  # pyright: ignore[reportPrivateUsage]
    converter = data_converter(as_temporal(EncryptionCodec({"k1": b"0" * 32})))
    encrypted = temporalio.client.Client(
        _ServiceClient(),  # type: ignore[arg-type]
        namespace="default",
        data_converter=converter,
    )
    assert not StartPayloads(encrypted)._reuse  # pyright: ignore[reportPrivateUsage]


def test_the_keyword_cache_stays_bounded_and_keys_on_the_options_object(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_start_payloads, "_MAX_TEMPLATES", 4)
    payloads = StartPayloads(_client())
    memo = {METHOD_MEMO_KEY: "go"}
    for n in range(10):
        options = StartOptions(summary=f"run {n}")
        kwargs = payloads.start_kwargs(options, workflow_id=f"w-{n}", task_queue="q", memo=memo)
        assert (kwargs["id"], kwargs["static_summary"]) == (f"w-{n}", f"run {n}")
        assert len(payloads._templates) <= 4  # pyright: ignore[reportPrivateUsage]
    shared = resolved_options(NO_OPTIONS, "go", WorkflowDefaults())
    first = payloads.start_kwargs(shared, workflow_id="a", task_queue="q", memo=memo)
    second = payloads.start_kwargs(shared, workflow_id="b", task_queue="q", memo=memo)
    assert (first["id"], second["id"]) == ("a", "b")
    assert first["static_summary"] is second["static_summary"]  # one payload, encoded once


def test_default_options_are_resolved_once_per_method_and_configuration() -> None:
    defaults = WorkflowDefaults(execution_timeout=timedelta(hours=1), task_timeout=timedelta(seconds=5))
    shared = resolved_options(NO_OPTIONS, "go", defaults)
    assert shared is resolved_options(
        NO_OPTIONS, "go", WorkflowDefaults.model_validate(defaults.model_dump())
    )
    assert shared == NO_OPTIONS.with_workflow_defaults(defaults).with_summary("go")
    assert (shared.execution_timeout, shared.run_timeout, shared.summary) == (timedelta(hours=1), None, "go")
    assert resolved_options(NO_OPTIONS, "stop", defaults).summary == "stop"
    # Options of their own are resolved on each call, with the same rules.
    own = StartOptions().merge(run_timeout=30, summary="mine")
    resolved = resolved_options(own, "go", defaults)
    assert (resolved.execution_timeout, resolved.run_timeout, resolved.summary) == (
        timedelta(hours=1),
        timedelta(seconds=30),
        "mine",
    )


def test_a_plan_is_made_once_per_method_and_options_object_and_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_start, "_MAX_PLANS", 4)
    plans = StartPlans(RuntimeConfig(), "q")
    definition = StartPathWorkflow.__temporal_runtime__
    go = definition.method("go")
    first = plans.request(definition, go, {"n": 1}, NO_OPTIONS)
    second = plans.request(definition, go, {"n": 2}, NO_OPTIONS)
    assert first.memo is second.memo and first.options is second.options  # resolved once
    assert (first.envelope, second.envelope) == (
        {"method": "go", "kwargs": {"n": 1}},
        {"method": "go", "kwargs": {"n": 2}},
    )
    assert first.workflow_id != second.workflow_id and first.task_queue == "q"
    suffix = first.workflow_id.removeprefix("StartPathWorkflow-go-")
    assert str(uuid.UUID(suffix)) == suffix and uuid.UUID(suffix).version == 4
    for n in range(10):  # options made per call: a fresh plan each, the cache kept bounded
        own = plans.request(definition, go, {"n": n}, StartOptions(workflow_id=f"w-{n}", memo={"k": n}))
        assert (own.workflow_id, own.memo) == (f"w-{n}", {"k": n, METHOD_MEMO_KEY: "go"})
        assert len(plans._plans) <= 4  # pyright: ignore[reportPrivateUsage]
