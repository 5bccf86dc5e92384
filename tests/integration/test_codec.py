"""Encrypted payloads on the dev server: at rest, across a key rotation, and when a key is missing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory

from temporal_runtime import (
    EncryptionCodec,
    ExecutionStatus,
    RuntimeConfig,
    TemporalEngine,
    WorkflowFailedError,
    load_config,
)
from temporal_runtime.testing import replay
from temporal_runtime.testing.pytest_plugin import SharedDevServer
from tests.integration.codec_workflows import SECRET, CodecVault, Note

NEW_KEY = EncryptionCodec.generate_key()
OLD_KEY = EncryptionCodec.generate_key()


def engine_with(
    server: SharedDevServer, task_queue: str, codec: EncryptionCodec | None, **options: object
) -> TemporalEngine:
    return TemporalEngine(
        url=server.address,
        task_queue=task_queue,
        workflows=[CodecVault],
        config=RuntimeConfig(),
        codec=codec,
        **options,  # type: ignore[arg-type]
    )


@pytest.fixture
async def plain(dev_server: SharedDevServer, task_queue: str) -> AsyncIterator[TemporalEngine]:
    """A client without a codec: it sees what the server stores."""
    async with engine_with(dev_server, task_queue, None, start_worker=False) as engine:
        yield engine


async def stored(plain: TemporalEngine, workflow_id: str) -> WorkflowHistory:
    return await plain.client.get_workflow_handle(workflow_id).fetch_history()


async def test_payloads_are_encrypted_at_rest_and_read_back(
    dev_server: SharedDevServer, task_queue: str, plain: TemporalEngine
) -> None:
    codec = EncryptionCodec({"2025-06": NEW_KEY}, compress=True)
    async with engine_with(dev_server, task_queue, codec) as engine:
        handle = await CodecVault.client(engine).async_.keep(Note(text=SECRET))
        assert await handle.result(timeout=30) == Note(text=f"{SECRET} [stamped]")
        status = await engine.get_status(handle.id)
        assert (status.method, status.status) == ("keep", ExecutionStatus.COMPLETED)
        await replay(engine, handle.id)
    history = await stored(plain, handle.id)
    assert SECRET not in history.to_json() and "card" not in history.to_json()
    started = history.events[0].workflow_execution_started_event_attributes
    [payload] = started.input.payloads
    assert payload.metadata["encoding"] == b"binary/encrypted"
    assert payload.metadata["encryption-key-id"] == b"2025-06"
    assert started.memo.fields["temporal_runtime.method"].metadata["encoding"] == b"binary/encrypted"


async def test_after_a_key_rotation_old_runs_still_read_and_new_ones_use_the_new_key(
    dev_server: SharedDevServer, task_queue: str, plain: TemporalEngine
) -> None:
    async with engine_with(dev_server, task_queue, EncryptionCodec({"2024-12": OLD_KEY})) as before:
        old = await CodecVault.client(before).async_.echo("written under the old key")
        assert await old.result(timeout=30) == "written under the old key"
    rotated = EncryptionCodec({"2025-06": NEW_KEY, "2024-12": OLD_KEY})
    async with engine_with(dev_server, task_queue, rotated) as after:
        assert await after.get_result(old.id, timeout_seconds=30) == "written under the old key"
        new = await CodecVault.client(after).async_.echo("written under the new key")
        assert await new.result(timeout=30) == "written under the new key"
    [payload] = (
        (await stored(plain, new.id)).events[0].workflow_execution_started_event_attributes.input.payloads
    )
    assert payload.metadata["encryption-key-id"] == b"2025-06"


async def test_an_unknown_key_or_a_corrupt_payload_fails_one_workflow_and_the_worker_serves_on(
    dev_server: SharedDevServer, task_queue: str, plain: TemporalEngine
) -> None:
    worker_codec = EncryptionCodec({"2025-06": NEW_KEY})
    async with engine_with(dev_server, task_queue, worker_codec) as worker:
        # One client encrypts under a key id the worker does not have, another under the
        # worker's id with another key (what a corrupted or tampered payload looks like).
        strangers = {
            "key id '2019-01', which this codec does not have (its keys: ['2025-06'])": EncryptionCodec(
                {"2019-01": OLD_KEY}
            ),
            "key id '2025-06' does not decrypt": EncryptionCodec({"2025-06": OLD_KEY}),
        }
        for expected, codec in strangers.items():
            async with engine_with(dev_server, task_queue, codec, start_worker=False) as stranger:
                handle = await CodecVault.client(stranger).async_.echo(SECRET)
                with pytest.raises(WorkflowFailedError) as failed:
                    # Bounded: a failure that only failed the workflow task would retry forever.
                    await asyncio.wait_for(handle.result(), 30)
            message = str(failed.value)
            assert failed.value.root_cause_type == "PayloadCodecError", message
            assert expected in message
            for secret in (NEW_KEY, OLD_KEY, SECRET):
                assert secret not in message
            # The workflow failed at once: no workflow task failed (and none is retrying).
            history = await stored(plain, handle.id)
            kinds = [event.event_type for event in history.events]
            assert kinds[-1] == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED
            assert EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED not in kinds
            failure = history.events[-1].workflow_execution_failed_event_attributes.failure
            assert failure.application_failure_info.type == "PayloadCodecError"
            assert failure.application_failure_info.non_retryable
            # Its status still reads on the worker's engine (whose codec cannot read its memo).
            status = await worker.get_status(handle.id)
            assert status.status is ExecutionStatus.FAILED
        # The same worker goes on serving workflows it can read.
        assert await CodecVault.client(worker).keep(Note(text="still served")) == Note(
            text="still served [stamped]"
        )


async def test_the_configured_encryption_applies_to_engines(
    dev_server: SharedDevServer, task_queue: str, plain: TemporalEngine, tmp_path: Path
) -> None:
    # The keys from the environment, the current one named; the file form is the CLI test's.
    keys = f"2024-12:{OLD_KEY},2025-06:{NEW_KEY}"
    config = load_config(
        start=tmp_path,
        env={
            "TEMPORAL_RUNTIME_ENCRYPTION__KEYS": keys,
            "TEMPORAL_RUNTIME_ENCRYPTION__KEY_ID": "2025-06",
            "TEMPORAL_RUNTIME_ENCRYPTION__COMPRESS": "1",
        },
    )
    async with TemporalEngine(
        url=dev_server.address, task_queue=task_queue, workflows=[CodecVault], config=config
    ) as engine:
        handle = await CodecVault.client(engine).async_.echo("x" * 4000)
        assert await handle.result(timeout=30) == "x" * 4000
    [payload] = (
        (await stored(plain, handle.id)).events[0].workflow_execution_started_event_attributes.input.payloads
    )
    assert payload.metadata["encryption-key-id"] == b"2025-06"
    assert payload.metadata["encryption-compression"] == b"zlib"
    assert len(payload.data) < 500
