"""Payload codecs without a server: EncryptionCodec, the settings, and how engines pick and wrap a codec."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Sequence
from pathlib import Path

import pytest
import temporalio.api.common.v1
import temporalio.converter
from temporalio.exceptions import ApplicationError

from temporal_runtime import (
    ConfigError,
    EncryptionCodec,
    Payload,
    PayloadCodec,
    PayloadCodecError,
    RuntimeConfig,
    TemporalEngine,
    load_config,
)
from temporal_runtime._internal._codec import (
    PAYLOAD_CODEC_ERROR,
    TemporalCodec,
    data_converter,
    resolve_codec,
    run_now,
)
from temporal_runtime._internal._failures import translate
from temporal_runtime.codec import EncryptionSettings
from temporal_runtime.encryption import parse_keys

KEY = EncryptionCodec.generate_key()
OLD_KEY = EncryptionCodec.generate_key()
JSON = Payload({"encoding": b"json/plain"}, b'{"card": "4242 4242 4242 4242"}')


def seal(codec: PayloadCodec, *payloads: Payload) -> list[Payload]:
    return asyncio.run(codec.encode(list(payloads)))


def unseal(codec: PayloadCodec, payloads: Sequence[Payload]) -> list[Payload]:
    return asyncio.run(codec.decode(payloads))


def test_a_payload_round_trips_and_is_sealed_whole() -> None:
    codec = EncryptionCodec({"k1": KEY})
    [sealed] = seal(codec, JSON)
    assert sealed.metadata == {"encoding": b"binary/encrypted", "encryption-key-id": b"k1"}
    assert b"4242" not in sealed.data and b"json/plain" not in sealed.data
    assert unseal(codec, [sealed]) == [JSON]
    # A fresh nonce each time: the same value never encrypts to the same bytes.
    assert seal(codec, JSON)[0].data != sealed.data


def test_keys_rotate_new_payloads_use_the_current_key_and_old_ones_still_open() -> None:
    before = EncryptionCodec({"2024-12": OLD_KEY})
    [old] = seal(before, JSON)
    after = EncryptionCodec({"2025-06": KEY, "2024-12": OLD_KEY})
    assert after.key_id == "2025-06"
    assert unseal(after, [old]) == [JSON]
    assert seal(after, JSON)[0].metadata["encryption-key-id"] == b"2025-06"
    assert EncryptionCodec({"a": KEY, "b": OLD_KEY}, key_id="b").key_id == "b"


def test_an_unknown_key_id_names_the_id_and_never_a_key() -> None:
    [old] = seal(EncryptionCodec({"2024-12": OLD_KEY}), JSON)
    with pytest.raises(PayloadCodecError) as caught:
        unseal(EncryptionCodec({"2025-06": KEY}), [old])
    message = str(caught.value)
    assert "key id '2024-12'" in message and "['2025-06']" in message
    assert KEY not in message and OLD_KEY not in message


def test_a_changed_or_misfiled_payload_does_not_open() -> None:
    codec = EncryptionCodec({"k1": KEY})
    [sealed] = seal(codec, JSON)
    flipped = Payload(sealed.metadata, sealed.data[:-1] + bytes([sealed.data[-1] ^ 1]))
    same_id_other_key = EncryptionCodec({"k1": OLD_KEY})
    # Claiming compression that was not applied changes the authenticated metadata.
    relabelled = Payload({**sealed.metadata, "encryption-compression": b"zlib"}, sealed.data)
    for bad, reader in ((flipped, codec), (sealed, same_id_other_key), (relabelled, codec)):
        with pytest.raises(PayloadCodecError, match="key id 'k1' does not decrypt: it is corrupt"):
            unseal(reader, [bad])
    with pytest.raises(PayloadCodecError, match="too short"):
        unseal(codec, [Payload(sealed.metadata, b"xx")])
    with pytest.raises(PayloadCodecError, match="no 'encryption-key-id' metadata"):
        unseal(codec, [Payload({"encoding": b"binary/encrypted"}, sealed.data)])


def test_payloads_that_are_not_encrypted_pass_decode_unchanged() -> None:
    assert unseal(EncryptionCodec({"k1": KEY}), [JSON]) == [JSON]


def test_compression_applies_when_it_makes_the_payload_smaller() -> None:
    codec = EncryptionCodec({"k1": KEY}, compress=True)
    big = Payload({"encoding": b"json/plain"}, b'"' + b"ab" * 5000 + b'"')
    [packed, small] = seal(codec, big, Payload({"encoding": b"json/plain"}, b"1"))
    assert packed.metadata["encryption-compression"] == b"zlib"
    assert len(packed.data) < 1000
    assert "encryption-compression" not in small.metadata
    assert unseal(codec, [packed, small]) == [big, Payload({"encoding": b"json/plain"}, b"1")]
    # A reader without compress turned on still opens compressed payloads.
    assert unseal(EncryptionCodec({"k1": KEY}), [packed]) == [big]


def test_no_key_shows_in_reprs_of_the_codec_or_the_settings() -> None:
    codec = EncryptionCodec({"k2": KEY, "k1": base64.b64decode(OLD_KEY)})
    assert repr(codec) == "EncryptionCodec(key_id='k2', key_ids=['k2', 'k1'], compress=False)"
    config = RuntimeConfig.model_validate({"encryption": {"keys": f"k2:{KEY}"}})
    for shown in (repr(config), str(config), config.model_dump_json()):
        assert KEY not in shown
    assert repr(TemporalCodec(codec)) == repr(codec)


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ("k1", "entry 1 is not 'key-id:base64-key'"),
        (f"k1:{KEY},k1:{OLD_KEY}", "key id 'k1' is given twice"),
        ("k1:not*base64!", "the key of 'k1' is not base64 text"),
        (f"k1:{base64.b64encode(b'short').decode()}", "the key of 'k1' is 5 bytes; AES-GCM takes 16, 24"),
        (f"bad id:{KEY}", "key id 'bad id' is not valid"),
    ],
)
def test_bad_keys_are_config_errors_that_never_echo_the_key(keys: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        parse_keys(keys)
    assert KEY not in str(caught.value) and OLD_KEY not in str(caught.value)
    assert "not*base64" not in str(caught.value)


def test_keys_file_env_and_table_forms(tmp_path: Path) -> None:
    keys_file = tmp_path / "keys"
    keys_file.write_text(f"# rotated 2025-06\n2025-06:{KEY}\n\n")
    env = {
        "TEMPORAL_RUNTIME_ENCRYPTION__KEYS_FILE": str(keys_file),
        "TEMPORAL_RUNTIME_ENCRYPTION__KEYS": f"2024-12:{OLD_KEY}",
        "TEMPORAL_RUNTIME_ENCRYPTION__COMPRESS": "true",
    }
    config = load_config(start=tmp_path, env=env)
    codec = EncryptionCodec.from_settings(config.encryption)
    assert (codec.key_ids, codec.key_id, codec.compress) == (["2025-06", "2024-12"], "2025-06", True)
    table = EncryptionSettings.model_validate({"keys": {"a": KEY, "b": OLD_KEY}, "key_id": "b"})
    assert EncryptionCodec.from_settings(table).key_id == "b"


def test_bad_encryption_settings_say_what_to_fix(tmp_path: Path) -> None:
    missing = EncryptionSettings(keys_file=tmp_path / "nope")
    with pytest.raises(ConfigError, match=r"encryption.keys_file .*nope: cannot read it"):
        EncryptionCodec.from_settings(missing)
    with pytest.raises(ConfigError, match=r"encryption.key_id 'k9' is not one of the keys \['k1'\]"):
        EncryptionCodec.from_settings(EncryptionSettings(keys=f"k1:{KEY}", key_id="k9"))  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="list no key"):
        EncryptionCodec.from_settings(EncryptionSettings(keys="# none yet"))  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="sets key_id or compress but no keys"):
        resolve_codec(None, RuntimeConfig.model_validate({"encryption": {"compress": True}}))
    both = RuntimeConfig.model_validate({"codec": "x:y", "encryption": {"keys": f"k1:{KEY}"}})
    with pytest.raises(ConfigError, match="both codec and"):
        resolve_codec(None, both)
    with pytest.raises(ConfigError, match="use 'module:attribute'"):
        resolve_codec(None, RuntimeConfig(codec="no_colon"))
    with pytest.raises(ConfigError, match="cannot import it"):
        resolve_codec(None, RuntimeConfig(codec="tests.unit.test_codec:NoSuchCodec"))
    with pytest.raises(ConfigError, match="is not a payload codec"):
        TemporalEngine(start_worker=False, codec=object())  # type: ignore[arg-type]


class Upper:
    """A codec of our protocol, for the import-path setting."""

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [Payload(p.metadata, p.data.upper()) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [Payload(p.metadata, p.data.lower()) for p in payloads]


def test_an_engine_takes_its_codec_from_the_argument_else_the_configuration() -> None:
    configured = RuntimeConfig.model_validate({"encryption": {"keys": f"k1:{KEY}"}})
    engine = TemporalEngine(start_worker=False, config=configured)
    codec = engine._data_converter.payload_codec
    assert isinstance(codec, TemporalCodec) and isinstance(codec.codec, EncryptionCodec)
    mine = Upper()
    given = TemporalEngine(start_worker=False, config=configured, codec=mine)._data_converter.payload_codec
    assert isinstance(given, TemporalCodec) and given.codec is mine
    imported = resolve_codec(None, RuntimeConfig(codec="tests.unit.test_codec:Upper"))
    assert imported is not None and isinstance(imported.codec, Upper)
    assert TemporalEngine(start_worker=False, config=RuntimeConfig())._data_converter.payload_codec is None
    assert data_converter(None).payload_codec is None


def _proto(payload: Payload) -> temporalio.api.common.v1.Payload:
    return temporalio.api.common.v1.Payload(metadata=dict(payload.metadata), data=payload.data)


class Broken(temporalio.converter.PayloadCodec):
    """A temporalio codec whose decode fails one way or another."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    async def encode(
        self, payloads: Sequence[temporalio.api.common.v1.Payload]
    ) -> list[temporalio.api.common.v1.Payload]:
        return list(payloads)

    async def decode(
        self, payloads: Sequence[temporalio.api.common.v1.Payload]
    ) -> list[temporalio.api.common.v1.Payload]:
        raise self.error


def test_a_codec_failure_becomes_a_non_retryable_failure_a_transient_one_does_not() -> None:
    ours = TemporalCodec(EncryptionCodec({"k1": KEY}))
    [sealed] = asyncio.run(ours.encode([_proto(JSON)]))
    other = TemporalCodec(EncryptionCodec({"k2": KEY}))
    with pytest.raises(ApplicationError) as caught:
        asyncio.run(other.decode([sealed]))
    assert caught.value.type == PAYLOAD_CODEC_ERROR and caught.value.non_retryable
    assert caught.value.message.startswith("the payload codec (EncryptionCodec) cannot decode: a payload")
    with pytest.raises(ApplicationError, match=r"cannot decode: ValueError: garbage"):
        asyncio.run(TemporalCodec(Broken(ValueError("garbage"))).decode([sealed]))
    # A key service that is down: the task is retried rather than the workflow failed.
    with pytest.raises(ConnectionRefusedError):
        asyncio.run(TemporalCodec(Broken(ConnectionRefusedError("kms down"))).decode([sealed]))


def test_a_client_call_whose_payload_the_codec_refuses_raises_payload_codec_error() -> None:
    failure = ApplicationError("the payload codec (X) cannot decode: boom", type=PAYLOAD_CODEC_ERROR)
    err = translate(failure, workflow_id="w-1", workflow_type="Orders", method="run", action="result")
    assert isinstance(err, PayloadCodecError)
    assert str(err) == "result on workflow 'w-1': the payload codec (X) cannot decode: boom"
    assert (err.workflow_id, err.method) == ("w-1", "run")


def test_in_memory_the_codec_runs_in_place_and_one_that_waits_is_refused() -> None:
    codec = TemporalCodec(EncryptionCodec({"k1": KEY}))
    [sealed] = run_now(codec.encode([_proto(JSON)]), codec)
    assert sealed.metadata["encoding"] == b"binary/encrypted"

    class Waits:
        async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
            await asyncio.get_running_loop().run_in_executor(None, lambda: None)
            return list(payloads)

        async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
            return list(payloads)

    async def in_a_loop() -> None:
        waits = TemporalCodec(Waits())
        with pytest.raises(ConfigError, match="InMemoryEngine runs the payload codec in place, and Waits"):
            run_now(waits.encode([_proto(JSON)]), waits)

    asyncio.run(in_a_loop())
