"""A payload codec on both engines: every payload goes through it, and one it cannot read fails cleanly.

InMemoryEngine runs each payload through the codec's encode and then its decode in its JSON
round trip, where a client and a worker would each do half. The one difference is where a
payload the codec cannot decode fails: in memory at the round trip itself (a start raises
`PayloadCodecError`), on a server in the worker (the start succeeds and the workflow fails);
the test below says which it asserts.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

import pytest
import temporalio.api.common.v1
import temporalio.converter

from temporal_runtime import (
    EncryptionCodec,
    Payload,
    PayloadCodecError,
    TemporalEngine,
    WorkflowFailedError,
)
from temporal_runtime.testing import InMemoryEngine
from temporal_runtime.testing.pytest_plugin import SharedDevServer
from tests.integration.codec_workflows import SECRET, CodecVault, Note

Engine = TemporalEngine | InMemoryEngine
Codec = temporalio.converter.PayloadCodec | EncryptionCodec


class Recording:
    """Our protocol: encryption that records every plain payload it is given to encode."""

    def __init__(self) -> None:
        self.inner = EncryptionCodec({"parity": EncryptionCodec.generate_key()})
        self.encoded: list[bytes] = []

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        self.encoded.extend(p.data for p in payloads)
        return await self.inner.encode(payloads)

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return await self.inner.decode(payloads)


class Reversing(temporalio.converter.PayloadCodec):
    """temporalio's protocol, as a user with an existing codec would bring it."""

    def __init__(self) -> None:
        self.decoded = 0

    async def encode(
        self, payloads: Sequence[temporalio.api.common.v1.Payload]
    ) -> list[temporalio.api.common.v1.Payload]:
        return [
            temporalio.api.common.v1.Payload(
                metadata={"encoding": b"binary/reversed"}, data=p.SerializeToString()[::-1]
            )
            for p in payloads
        ]

    async def decode(
        self, payloads: Sequence[temporalio.api.common.v1.Payload]
    ) -> list[temporalio.api.common.v1.Payload]:
        self.decoded += len(payloads)
        return [temporalio.api.common.v1.Payload.FromString(p.data[::-1]) for p in payloads]


class Mismatched:
    """Encrypts under key id 'writer' but can only decrypt 'reader': nothing it writes reads back."""

    def __init__(self) -> None:
        self.writer = EncryptionCodec({"writer": EncryptionCodec.generate_key()})
        self.reader = EncryptionCodec({"reader": EncryptionCodec.generate_key()})

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return await self.writer.encode(payloads)

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return await self.reader.decode(payloads)


@pytest.fixture(params=["memory", "server"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def make(kind: str, server: SharedDevServer, task_queue: str, codec: object) -> Engine:
    if kind == "memory":
        return InMemoryEngine(task_queue=task_queue, codec=codec)  # type: ignore[arg-type]
    return TemporalEngine(url=server.address, task_queue=task_queue, workflows=[CodecVault], codec=codec)  # type: ignore[arg-type]


@pytest.fixture
async def recording(
    kind: str, dev_server: SharedDevServer, task_queue: str
) -> AsyncIterator[tuple[Engine, Recording]]:
    codec = Recording()
    async with make(kind, dev_server, task_queue, codec) as engine:
        yield engine, codec


async def test_every_payload_goes_through_the_codec(recording: tuple[Engine, Recording]) -> None:
    engine, codec = recording
    handle = await CodecVault.client(engine).async_.collect(2)
    await handle.signal("add", "alpha")
    assert await handle.query("seen") == ["alpha"]
    await handle.signal(CodecVault.add, "beta")
    assert await handle.result(timeout=30) == ["alpha", "beta"]
    kept = await CodecVault.client(engine).keep(Note(text=SECRET))
    assert kept == Note(text=f"{SECRET} [stamped]")
    seen = b"\n".join(codec.encoded)
    # The start input, the signals' arguments, the query's answer, the activity's input and
    # result, and the workflow results: each was handed to the codec (the memo too, in the
    # engine's own shape).
    for expected in (b'"method":"collect"', b'"alpha"', b'"beta"'):
        assert expected in seen, expected
    assert b'["alpha"]' in seen and b'["alpha","beta"]' in seen
    assert seen.count(SECRET.encode()) >= 4  # workflow input, activity input and result, result


async def test_temporalios_own_codec_is_accepted_too(
    kind: str, dev_server: SharedDevServer, task_queue: str
) -> None:
    codec = Reversing()
    async with make(kind, dev_server, task_queue, codec) as engine:
        assert await CodecVault.client(engine).echo("reversed and back") == "reversed and back"
    assert codec.decoded >= 2


async def test_a_payload_the_codec_cannot_read_fails_cleanly(
    kind: str, dev_server: SharedDevServer, task_queue: str
) -> None:
    async with make(kind, dev_server, task_queue, Mismatched()) as engine:
        if kind == "memory":
            # In memory the round trip is the worker's decode: the start itself fails.
            with pytest.raises(PayloadCodecError) as refused:
                await CodecVault.client(engine).async_.echo(SECRET)
            message = str(refused.value)
        else:
            handle = await CodecVault.client(engine).async_.echo(SECRET)
            with pytest.raises(WorkflowFailedError) as failed:
                await handle.result(timeout=30)
            assert failed.value.root_cause_type == "PayloadCodecError"
            message = str(failed.value)
        assert "key id 'writer'" in message and "['reader']" in message
        assert SECRET not in message
