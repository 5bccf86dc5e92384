"""Payload codecs: what every input, result, signal and memo passes through on its way to Temporal.

A codec turns the payloads the data converter made (JSON for your values) into the bytes the
server stores, and back: encryption, compression, or both. Give one to an engine,
``TemporalEngine(codec=...)`` / ``InMemoryEngine(codec=...)``, or configure it, and every
client call, worker and ``temporal-runtime`` command of that engine uses it. A codec is either
this module's `PayloadCodec` (no temporalio import needed) or temporalio's own
``temporalio.converter.PayloadCodec``; `EncryptionCodec` is a ready one.

The settings sections here are part of `RuntimeConfig`: ``[tool.temporal-runtime.encryption]``
and ``[tool.temporal-runtime.codec_server]``.

Example:
    >>> import asyncio
    >>> class Reverse:
    ...     async def encode(self, payloads):
    ...         return [Payload(metadata={**p.metadata, "reversed": b"1"}, data=p.data[::-1])
    ...                 for p in payloads]
    ...     async def decode(self, payloads):
    ...         return [Payload(metadata={k: v for k, v in p.metadata.items() if k != "reversed"},
    ...                         data=p.data[::-1]) for p in payloads]
    >>> codec = Reverse()
    >>> isinstance(codec, PayloadCodec)
    True
    >>> [p.data for p in asyncio.run(codec.encode([Payload({"encoding": b"json/plain"}, b'"hi"')]))]
    [b'"ih"']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, ClassVar, Protocol, runtime_checkable

import temporalio.api.common.v1
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, SecretStr

__all__ = ["CodecServerSettings", "EncryptionSettings", "Payload", "PayloadCodec"]


@dataclass(frozen=True)
class Payload:
    """One encoded value: metadata (``encoding`` names the format) and the bytes.

    Attributes:
        metadata: Header entries, such as ``{"encoding": b"json/plain"}``.
        data: The value's bytes.

    Example:
        >>> Payload({"encoding": b"json/plain"}, b'{"order": 42}')
        Payload(encoding='json/plain', 13 bytes)
    """

    metadata: Mapping[str, bytes] = field(default_factory=dict[str, bytes])
    data: bytes = b""

    @property
    def encoding(self) -> str:
        """The ``encoding`` metadata entry, or "" when there is none."""
        return self.metadata.get("encoding", b"").decode("utf-8", "replace")

    def to_bytes(self) -> bytes:
        """The whole payload, metadata included, as bytes (Temporal's ``Payload`` message).

        A codec that wraps payloads seals these bytes, so `from_bytes` gives back the original.

        Example:
            >>> p = Payload({"encoding": b"json/plain"}, b"1")
            >>> Payload.from_bytes(p.to_bytes()) == p
            True
        """
        message = temporalio.api.common.v1.Payload(metadata=dict(self.metadata), data=self.data)
        return message.SerializeToString(deterministic=True)

    @classmethod
    def from_bytes(cls, data: bytes) -> Payload:
        """The payload that `to_bytes` gave `data` for (`ValueError` if `data` is not one)."""
        try:
            message = temporalio.api.common.v1.Payload.FromString(data)
        except Exception as err:
            raise ValueError(f"not a serialized payload ({len(data)} bytes): {err}") from None
        return cls(dict(message.metadata), message.data)

    def __repr__(self) -> str:
        # Never the bytes: a payload carries user data, and reprs end up in logs.
        return f"Payload(encoding={self.encoding!r}, {len(self.data)} bytes)"


@runtime_checkable
class PayloadCodec(Protocol):
    """Encodes payloads for the server and decodes them back, both async.

    `decode` must undo `encode`, and should pass through payloads it did not encode (their
    ``encoding`` is not its own), so that data written before the codec was added still
    reads. Raise `PayloadCodecError` for a payload that cannot be decoded: on a worker it
    fails that one workflow (not its task, which would be retried forever), with your message.
    An `OSError` (a key service that is down, a timeout) counts as passing trouble instead:
    the task is retried. Keep it free of I/O if `InMemoryEngine` should use it.

    Example:
        >>> from temporal_runtime import EncryptionCodec
        >>> isinstance(EncryptionCodec({"k1": EncryptionCodec.generate_key()}), PayloadCodec)
        True
    """

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        """The payloads as they should be stored (the same number, or fewer)."""
        ...

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        """The payloads `encode` was given, from what it returned."""
        ...


def _key_table(value: Any) -> Any:
    # A TOML table of keys, {"key-id" = "base64-key"}, in the entry format of files and env.
    if isinstance(value, Mapping):
        return ",".join(f"{kid}:{key}" for kid, key in value.items())  # pyright: ignore[reportUnknownVariableType]
    return value


class _Settings(BaseModel):
    """A frozen settings section that rejects unknown keys and never echoes a value in an error."""

    model_config: ClassVar[ConfigDict] = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


class EncryptionSettings(_Settings):
    """``[tool.temporal-runtime.encryption]``: the ready `EncryptionCodec`, on when keys are set.

    `keys` (best from ``TEMPORAL_RUNTIME_ENCRYPTION__KEYS``) and the file `keys_file` hold
    ``key-id:base64-key`` entries separated by commas or lines; in TOML `keys` may be a table.
    `key_id` names the key new payloads are encrypted with (default: the first one); every key
    decrypts. `compress` deflates payloads (zlib) before encrypting them.

    Example:
        >>> EncryptionSettings(keys="k1:c2VjcmV0", compress=True)
        EncryptionSettings(keys=SecretStr('**********'), keys_file=None, key_id=None, compress=True)
    """

    keys: Annotated[SecretStr | None, BeforeValidator(_key_table)] = None
    keys_file: Path | None = None
    key_id: str | None = None
    compress: bool = False

    @property
    def enabled(self) -> bool:
        """Whether any key is configured (then the engines encrypt)."""
        return self.keys is not None or self.keys_file is not None


class CodecServerSettings(_Settings):
    """``[tool.temporal-runtime.codec_server]``: where it listens, who may call it, its token.

    `origins` are the Web UI origins allowed by CORS (the local UI's by default); with a
    `token` (or a `token_file`), every encode/decode request needs ``Authorization: Bearer
    <token>``.

    Example:
        >>> CodecServerSettings(token="t0ps3cret").token
        SecretStr('**********')
    """

    host: str = "127.0.0.1"
    port: int = Field(default=8081, ge=0, le=65535)
    origins: tuple[str, ...] = ("http://localhost:8233", "http://127.0.0.1:8233")
    token: SecretStr | None = None
    token_file: Path | None = None
