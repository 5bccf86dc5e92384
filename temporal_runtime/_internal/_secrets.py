"""Secrets in connection settings (API keys, TLS private keys, auth headers): shown as set, never as values.

Every place that shows connection settings to a person (``engine.connect_args``, the CLI's
output, error messages) goes through `redacted` or `scrub`; the real values only ever reach
``Client.connect``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

import temporalio.service

REDACTED = "<redacted>"
# gRPC metadata whose name contains one of these carries a credential.
_SECRET_HEADER_WORDS = ("auth", "key", "token", "secret", "password", "cookie", "credential")
# Fragments shorter than this are not scrubbed from text: they would hit ordinary words.
_MIN_SECRET = 6


def _secret_header(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in _SECRET_HEADER_WORDS)


def redacted(args: Mapping[str, Any]) -> dict[str, Any]:
    """`Client.connect` arguments with every secret replaced by ``<redacted>``, for display."""
    shown = dict(args)
    if shown.get("api_key"):
        shown["api_key"] = REDACTED
    tls = shown.get("tls")
    if isinstance(tls, temporalio.service.TLSConfig) and tls.client_private_key:
        shown["tls"] = dataclasses.replace(tls, client_private_key=REDACTED.encode())
    metadata: Mapping[str, Any] = shown.get("rpc_metadata") or {}
    if metadata:
        shown["rpc_metadata"] = {
            name: REDACTED if _secret_header(name) else value for name, value in metadata.items()
        }
    return shown


def credentials(shown: Mapping[str, Any]) -> dict[str, Any]:
    """Whether TLS, an API key and a client key are in use, from `redacted` arguments (for output)."""
    tls = shown.get("tls")
    client_key = isinstance(tls, temporalio.service.TLSConfig) and bool(tls.client_private_key)
    return {
        "tls": bool(tls),
        "api_key": REDACTED if shown.get("api_key") else None,
        "tls_client_key": REDACTED if client_key else None,
    }


def secret_values(args: Mapping[str, Any]) -> list[str]:
    """The secret strings in `Client.connect` arguments, to scrub from text."""
    found: list[str] = []
    if isinstance(args.get("api_key"), str):
        found.append(args["api_key"])
    tls = args.get("tls")
    if isinstance(tls, temporalio.service.TLSConfig) and tls.client_private_key:
        text = tls.client_private_key.decode(errors="replace")
        # The whole key, and each line of it, in case a message re-wrapped it.
        lines = (line.strip() for line in text.splitlines())
        found.extend([text, *(line for line in lines if not line.startswith("-----"))])
    metadata: Mapping[str, Any] = args.get("rpc_metadata") or {}
    for name, value in metadata.items():
        if _secret_header(name) and isinstance(value, str):
            found.append(value)
            found.extend(value.split())  # "Bearer <token>": the token alone too
    return [value for value in found if len(value) >= _MIN_SECRET]


def scrub(text: str, secrets: Iterable[str | None]) -> str:
    """`text` with every occurrence of a secret replaced by ``<redacted>``."""
    for secret in sorted((s for s in secrets if s and len(s) >= _MIN_SECRET), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text
