"""The payload examples of docs/operations.md that need no server run as written."""

from __future__ import annotations

from pathlib import Path

from temporal_runtime import EncryptionCodec, load_config
from temporal_runtime._internal._codec import resolve_codec
from tests.docs_examples import OPERATIONS, doc_examples, example_tests, load_example


def test_operations_has_the_examples() -> None:
    # Every example of the page, each run by a test: the payload ones here and in
    # tests/integration; the routing and context ones in test_operations_examples.py.
    assert set(doc_examples(OPERATIONS)) == {
        "encryption",
        "encryption-config",
        "custom-codec",
        "deployment-versioning",
        "priorities",
        "user-metadata",
        "context-propagation",
        "worker-tuning",
    }


async def test_the_custom_codec_example_runs(tmp_path: Path) -> None:
    module = load_example("custom-codec", tmp_path, OPERATIONS)
    tests = example_tests(module)
    assert tests == ["test_the_codec_round_trips"]
    for test in tests:
        await getattr(module, test)()


def test_the_encryption_config_example_loads(tmp_path: Path) -> None:
    key = EncryptionCodec.generate_key()
    (tmp_path / "payload-keys").write_text(f"2024-12:{key}\n2025-06:{EncryptionCodec.generate_key()}\n")
    (tmp_path / "codec-token").write_text("t0ken\n")
    text = doc_examples(OPERATIONS)["encryption-config"].replace("/run/secrets", str(tmp_path))
    (tmp_path / "runtime.toml").write_text(text)
    config = load_config(tmp_path / "runtime.toml", env={})
    codec = resolve_codec(None, config)
    assert codec is not None and isinstance(codec.codec, EncryptionCodec)
    assert (codec.codec.key_id, codec.codec.key_ids, codec.codec.compress) == (
        "2025-06",
        ["2024-12", "2025-06"],
        True,
    )
    assert config.codec_server.port == 8081 and config.codec_server.token_file == tmp_path / "codec-token"
    assert key not in repr(config)
