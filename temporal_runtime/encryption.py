"""`EncryptionCodec`: AES-GCM payload encryption with rotating keys, optionally compressed.

Needs the ``encryption`` extra (``pip install 'temporal-runtime[encryption]'``, which brings
`cryptography`). Each payload is sealed whole (its metadata too) under the current key; the
key id travels in the payload's metadata, so a payload written under an older key still
opens while that key is listed. Keys never appear in a repr, a log line or an error.

Example:
    >>> import asyncio
    >>> from temporal_runtime.codec import Payload
    >>> codec = EncryptionCodec({"2025-06": EncryptionCodec.generate_key()})
    >>> sealed = asyncio.run(codec.encode([Payload({"encoding": b"json/plain"}, b'"card 4242"')]))
    >>> sealed[0].encoding, sealed[0].metadata["encryption-key-id"]
    ('binary/encrypted', b'2025-06')
    >>> asyncio.run(codec.decode(sealed))[0].data
    b'"card 4242"'
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

from temporal_runtime.codec import EncryptionSettings, Payload
from temporal_runtime.errors import ConfigError, PayloadCodecError

__all__ = ["ENCODING", "EncryptionCodec", "parse_keys"]

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
COMPRESSION = "encryption-compression"
_NONCE = 12
_TAG = 16
_KEY_SIZES = (16, 24, 32)
_KEY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_ENTRY = "'key-id:base64-key'"


def _aesgcm() -> Any:
    try:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    except ImportError as err:
        raise ConfigError(
            "payload encryption needs the 'encryption' extra: pip install "
            f"'temporal-runtime[encryption]' ({err})"
        ) from err
    return AESGCM


def _key_bytes(key_id: str, key: bytes | str, source: str) -> bytes:
    if isinstance(key, str):
        text = key.strip()
        try:
            key = base64.b64decode(text.replace("-", "+").replace("_", "/"), validate=True)
        except (binascii.Error, ValueError):
            # The value itself is never part of the message.
            raise ConfigError(
                f"{source}: the key of {key_id!r} is not base64 text; make one with "
                "EncryptionCodec.generate_key()"
            ) from None
    if len(key) not in _KEY_SIZES:
        raise ConfigError(
            f"{source}: the key of {key_id!r} is {len(key)} bytes; AES-GCM takes 16, 24 or 32 "
            "(32 recommended: EncryptionCodec.generate_key())"
        )
    return key


def _check_id(key_id: str, source: str) -> str:
    if not _KEY_ID.match(key_id):
        raise ConfigError(
            f"{source}: key id {key_id!r} is not valid; use 1-64 letters, digits, '.', '_' or '-' "
            "(a date such as 2025-06 works well)"
        )
    return key_id


def parse_keys(text: str, source: str = "the encryption keys") -> dict[str, bytes]:
    """Read ``key-id:base64-key`` entries, separated by commas or lines (``#`` starts a comment).

    Errors name the entry's position or key id, never a key.

    Example:
        >>> sorted(parse_keys("2025-06:" + "A" * 43 + "=, 2024-12:" + "B" * 43 + "="))
        ['2024-12', '2025-06']
        >>> parse_keys("2025-06=abc")
        Traceback (most recent call last):
        ...
        temporal_runtime.errors.ConfigError: the encryption keys: entry 1 is not 'key-id:base64-key'
    """
    keys: dict[str, bytes] = {}
    entries = [e.strip() for e in re.split(r"[,\n]", text)]
    for number, entry in enumerate((e for e in entries if e and not e.startswith("#")), start=1):
        key_id, colon, key = entry.partition(":")
        if not colon:
            raise ConfigError(f"{source}: entry {number} is not {_ENTRY}")
        key_id = _check_id(key_id.strip(), source)
        if key_id in keys:
            raise ConfigError(f"{source}: key id {key_id!r} is given twice; each id names one key")
        keys[key_id] = _key_bytes(key_id, key, source)
    return keys


def _aad(key_id: bytes, compression: bytes) -> bytes:
    # The metadata that says how to open a payload is authenticated with it.
    return b"temporal-runtime/aes-gcm;" + key_id + b";" + compression


class EncryptionCodec:
    """AES-GCM encryption of every payload, under rotating keys, with optional zlib compression.

    `keys` maps key ids to keys (32 random bytes, or their base64 text:
    `generate_key`). New payloads are encrypted with `key_id` (default: the first key), and
    any listed key decrypts, so rotating is: add the new key first, deploy, and drop the old
    one once nothing written under it is still needed. A payload under an id this codec does
    not have, or one that does not authenticate, raises `PayloadCodecError` naming the key
    id. Payloads that are not encrypted pass `decode` unchanged. With `compress`, a payload
    is deflated first when that makes it smaller.

    Example:
        >>> EncryptionCodec({"k2": EncryptionCodec.generate_key(), "k1": EncryptionCodec.generate_key()})
        EncryptionCodec(key_id='k2', key_ids=['k2', 'k1'], compress=False)
    """

    def __init__(
        self, keys: Mapping[str, bytes | str], *, key_id: str | None = None, compress: bool = False
    ) -> None:
        aesgcm = _aesgcm()
        source = "EncryptionCodec"
        if not keys:
            raise ConfigError(
                f"{source}: no keys; give one, e.g. {{'2025-06': EncryptionCodec.generate_key()}}"
            )
        self._ciphers: dict[str, Any] = {
            _check_id(kid, source): aesgcm(_key_bytes(kid, key, source)) for kid, key in keys.items()
        }
        self.key_id: str = key_id if key_id is not None else next(iter(keys))
        if self.key_id not in self._ciphers:
            raise ConfigError(f"{source}: key_id {self.key_id!r} is not one of the keys {self.key_ids}")
        self.compress = compress

    @classmethod
    def from_settings(cls, settings: EncryptionSettings) -> EncryptionCodec:
        """The codec the ``[tool.temporal-runtime.encryption]`` settings describe.

        Example:
            >>> settings = EncryptionSettings(keys="k1:" + EncryptionCodec.generate_key())
            >>> EncryptionCodec.from_settings(settings).key_ids
            ['k1']
        """
        keys: dict[str, bytes | str] = {}
        if settings.keys_file is not None:
            source = f"encryption.keys_file {settings.keys_file}"
            try:
                text = settings.keys_file.read_text()
            except OSError as err:
                raise ConfigError(f"{source}: cannot read it: {err.strerror or err}; fix the path") from None
            keys.update(parse_keys(text, source))
        if settings.keys is not None:
            for kid, key in parse_keys(settings.keys.get_secret_value(), "encryption.keys").items():
                if kid in keys:
                    raise ConfigError(f"encryption: key id {kid!r} is in both keys and keys_file")
                keys[kid] = key
        if not keys:
            raise ConfigError(
                "encryption: the keys (or the keys_file) list no key; add a 'key-id:base64-key' entry"
            )
        if settings.key_id is not None and settings.key_id not in keys:
            raise ConfigError(f"encryption.key_id {settings.key_id!r} is not one of the keys {list(keys)}")
        return cls(keys, key_id=settings.key_id, compress=settings.compress)

    @staticmethod
    def generate_key() -> str:
        """A new random 256-bit key, as base64 text (for a keys file or the environment).

        Example:
            >>> len(EncryptionCodec.generate_key())
            44
        """
        return base64.b64encode(os.urandom(32)).decode()

    @property
    def key_ids(self) -> list[str]:
        """The ids of the keys this codec can decrypt with (the current one included)."""
        return list(self._ciphers)

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        """Each payload sealed under the current key (see the class)."""
        return [self._seal(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        """Each encrypted payload opened; others as they are (see the class)."""
        return [self._open(p) if p.metadata.get("encoding") == ENCODING else p for p in payloads]

    def _seal(self, payload: Payload) -> Payload:
        body = payload.to_bytes()
        compression = b""
        if self.compress:
            packed = zlib.compress(body)
            if len(packed) < len(body):
                body, compression = packed, b"zlib"
        key_id = self.key_id.encode()
        nonce = os.urandom(_NONCE)
        sealed = self._ciphers[self.key_id].encrypt(nonce, body, _aad(key_id, compression))
        metadata = {"encoding": ENCODING, KEY_ID: key_id}
        if compression:
            metadata[COMPRESSION] = compression
        return Payload(metadata, nonce + sealed)

    def _open(self, payload: Payload) -> Payload:
        raw_id = payload.metadata.get(KEY_ID)
        if raw_id is None:
            raise PayloadCodecError(
                f"an encrypted payload has no {KEY_ID!r} metadata, so no key can open it; it was not "
                "written by EncryptionCodec"
            )
        key_id = raw_id.decode("utf-8", "replace")
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise PayloadCodecError(
                f"a payload was encrypted with key id {key_id!r}, which this codec does not have (its "
                f"keys: {self.key_ids}); add the key {key_id!r} to the encryption keys to read it"
            )
        compression = payload.metadata.get(COMPRESSION, b"")
        data = payload.data
        try:
            body = cipher.decrypt(data[:_NONCE], data[_NONCE:], _aad(raw_id, compression))
        except Exception:
            short = " (too short to be one)" if len(data) < _NONCE + _TAG else ""
            raise PayloadCodecError(
                f"a payload encrypted with key id {key_id!r} does not decrypt{short}: it is corrupt, was "
                "changed, or was encrypted with another key under the same id"
            ) from None
        try:
            if compression == b"zlib":
                body = zlib.decompress(body)
            elif compression:
                raise ValueError(f"unknown compression {compression!r}")
            return Payload.from_bytes(body)
        except Exception as err:
            raise PayloadCodecError(
                f"a payload encrypted with key id {key_id!r} decrypts but cannot be read: {err}"
            ) from None

    def __repr__(self) -> str:
        return f"EncryptionCodec(key_id={self.key_id!r}, key_ids={self.key_ids}, compress={self.compress})"
