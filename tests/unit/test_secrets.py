"""Secrets in connection settings show as set, never as values: repr, connect_args, errors."""

from __future__ import annotations

import pytest
import temporalio.service

from temporal_runtime import ConfigError, TemporalEngine
from temporal_runtime._internal._connection import resolve_connect_args
from temporal_runtime._internal._secrets import REDACTED, credentials, redacted, scrub, secret_values

API_KEY = "tr-api-key-4f1c9a7e"
KEY_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7"
KEY = f"-----BEGIN PRIVATE KEY-----\n{KEY_BODY}\n-----END PRIVATE KEY-----\n"
TOKEN = "Bearer tok-9d8e7f6a5b"
CERT = "-----BEGIN CERTIFICATE-----\nMIIDpublicCERT\n-----END CERTIFICATE-----\n"


pytestmark = pytest.mark.usefixtures("clean_env")


def _leaks(text: str) -> list[str]:
    return [s for s in (API_KEY, KEY_BODY, "tok-9d8e7f6a5b") if s in text]


def test_connect_args_show_that_secrets_are_set_not_their_values() -> None:
    engine = TemporalEngine(start_worker=False, api_key=API_KEY, tls_client_key=KEY, tls_client_cert=CERT)
    shown = engine.connect_args
    assert shown["api_key"] == REDACTED
    tls = shown["tls"]
    assert isinstance(tls, temporalio.service.TLSConfig)
    assert tls.client_private_key == REDACTED.encode()
    assert tls.client_cert == CERT.encode()  # a certificate is public
    assert _leaks(repr(shown)) == [] and _leaks(str(shown)) == []
    assert _leaks(repr(engine)) == []
    # start() still gets the real values.
    real = resolve_connect_args(**engine._connect_args)
    assert real["api_key"] == API_KEY
    assert real["tls"].client_private_key == KEY.encode()


def test_connect_args_without_secrets_are_unchanged() -> None:
    given = temporalio.service.TLSConfig(domain="example")
    engine = TemporalEngine(start_worker=False, tls=given)
    assert engine.connect_args["tls"] is given
    assert "api_key" not in engine.connect_args


def test_credential_headers_from_the_environment_are_redacted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEMPORAL_GRPC_META_AUTHORIZATION", TOKEN)
    monkeypatch.setenv("TEMPORAL_GRPC_META_X_TENANT", "blue")
    shown = TemporalEngine(start_worker=False).connect_args
    assert shown["rpc_metadata"] == {"authorization": REDACTED, "x-tenant": "blue"}


def test_scrub_removes_every_secret_and_its_parts() -> None:
    args = {
        "api_key": API_KEY,
        "tls": temporalio.service.TLSConfig(client_private_key=KEY.encode()),
        "rpc_metadata": {"authorization": TOKEN},
    }
    text = f"failed with key {API_KEY}, pem {KEY_BODY} and token tok-9d8e7f6a5b"
    cleaned = scrub(text, secret_values(args))
    assert _leaks(cleaned) == []
    assert cleaned.count(REDACTED) == 3
    assert scrub("nothing secret", [None, "", "abc"]) == "nothing secret"
    assert credentials(redacted(args)) == {"tls": True, "api_key": REDACTED, "tls_client_key": REDACTED}


def test_a_private_key_that_is_not_pem_is_not_echoed_as_a_path() -> None:
    engine = TemporalEngine(start_worker=False, tls_client_key=KEY_BODY)  # base64 without the PEM lines
    with pytest.raises(ConfigError) as info:
        _ = engine.connect_args
    assert "tls_client_key: cannot read the file it names" in str(info.value)
    assert _leaks(str(info.value)) == []


async def test_connection_errors_do_not_show_the_api_key() -> None:
    engine = TemporalEngine(url="127.0.0.1:9", api_key=API_KEY, tls=False, start_worker=False)
    with pytest.raises(ConnectionError) as info:
        await engine.start()
    assert "cannot reach Temporal at 127.0.0.1:9" in str(info.value)
    assert _leaks(str(info.value)) == []
