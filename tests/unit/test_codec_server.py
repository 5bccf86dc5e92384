"""The codec server's HTTP endpoints, called directly on 127.0.0.1 (no Temporal server needed)."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator

import httpx
import pytest

from temporal_runtime import EncryptionCodec, Payload
from temporal_runtime.cli import CodecServer
from temporal_runtime.cli._codec_server import MAX_BODY

KEY = EncryptionCodec.generate_key()
TOKEN = "codec-test-token-7f3a"
UI = "http://localhost:8233"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


PLAIN = {"metadata": {"encoding": b64(b"json/plain")}, "data": b64(b'{"card": "4242"}')}


@pytest.fixture
async def server() -> AsyncIterator[CodecServer]:
    async with CodecServer(EncryptionCodec({"k1": KEY}), port=0, token=TOKEN) as started:
        yield started


@pytest.fixture
async def http(server: CodecServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
        yield client


AUTH = {"Authorization": f"Bearer {TOKEN}"}


async def test_encode_then_decode_round_trips_the_payloads(http: httpx.AsyncClient) -> None:
    encoded = await http.post("/encode", json={"payloads": [PLAIN, PLAIN]}, headers=AUTH)
    assert encoded.status_code == 200, encoded.text
    sealed = encoded.json()["payloads"]
    assert len(sealed) == 2
    assert base64.b64decode(sealed[0]["metadata"]["encoding"]) == b"binary/encrypted"
    assert base64.b64decode(sealed[0]["metadata"]["encryption-key-id"]) == b"k1"
    assert b"4242" not in base64.b64decode(sealed[0]["data"])
    # The UI sends the namespace as a header, the CLI's endpoint template as a path segment.
    decoded = await http.post(
        "/default/decode", json={"payloads": sealed}, headers={**AUTH, "X-Namespace": "default"}
    )
    assert decoded.status_code == 200, decoded.text
    assert decoded.json() == {"payloads": [PLAIN, PLAIN]}
    empty = await http.post("/decode", json={"payloads": []}, headers=AUTH)
    assert empty.json() == {"payloads": []}


async def test_the_ui_origin_passes_the_cors_preflight_and_gets_cors_headers(http: httpx.AsyncClient) -> None:
    preflight = await http.options(
        "/decode",
        headers={
            "Origin": UI,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-namespace",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == UI
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert preflight.headers["access-control-allow-headers"] == "content-type,x-namespace"
    assert preflight.headers["access-control-allow-credentials"] == "true"
    answer = await http.post("/decode", json={"payloads": [PLAIN]}, headers={**AUTH, "Origin": UI})
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == UI
    assert answer.headers["vary"] == "Origin"


async def test_an_origin_not_allowed_is_refused(http: httpx.AsyncClient) -> None:
    for method in ("OPTIONS", "POST"):
        answer = await http.request(method, "/decode", headers={**AUTH, "Origin": "http://evil.example"})
        assert answer.status_code == 403
        assert "access-control-allow-origin" not in answer.headers
        assert "origin http://evil.example may not call this codec server" in answer.json()["error"]


async def test_the_token_is_required_and_a_wrong_one_refused(http: httpx.AsyncClient) -> None:
    missing = await http.post("/decode", json={"payloads": [PLAIN]})
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    assert "needs a bearer token" in missing.json()["error"]
    for wrong in ("Bearer nope", f"Basic {TOKEN}", TOKEN):
        refused = await http.post("/decode", json={"payloads": [PLAIN]}, headers={"Authorization": wrong})
        assert refused.status_code == 401
        assert refused.json() == {"error": "the bearer token is wrong"}
        assert TOKEN not in refused.text
    # The browser's preflight carries no credentials: it is answered without the token.
    preflight = await http.options("/decode", headers={"Origin": UI})
    assert preflight.status_code == 204


async def test_without_a_token_no_authorization_is_needed() -> None:
    async with (
        CodecServer(EncryptionCodec({"k1": KEY}), port=0) as open_server,
        httpx.AsyncClient(base_url=open_server.url) as http,
    ):
        assert not open_server.token_required
        answer = await http.post("/encode", json={"payloads": [PLAIN]})
        assert answer.status_code == 200


async def test_undecodable_and_malformed_requests_get_clear_errors(http: httpx.AsyncClient) -> None:
    foreign = EncryptionCodec({"k0": EncryptionCodec.generate_key()})
    [payload] = await foreign.encode([Payload({"encoding": b"json/plain"}, b'"x"')])
    sealed = {"metadata": {k: b64(v) for k, v in payload.metadata.items()}, "data": b64(payload.data)}
    unknown = await http.post("/decode", json={"payloads": [sealed]}, headers=AUTH)
    assert unknown.status_code == 422
    assert "key id 'k0'" in unknown.json()["error"]
    assert KEY not in unknown.text
    bad_json = await http.post("/decode", content=b"{not json", headers=AUTH)
    assert bad_json.status_code == 400 and "is not" in bad_json.json()["error"]
    wrong_shape = await http.post("/decode", json={"payload": []}, headers=AUTH)
    assert wrong_shape.status_code == 400
    assert (await http.get("/decode", headers=AUTH)).status_code == 405
    assert (await http.post("/decrypt", json={}, headers=AUTH)).status_code == 404
    assert (await http.post("/a/b/decode", json={}, headers=AUTH)).status_code == 404


async def test_a_body_over_the_limit_is_refused_before_it_is_read(server: CodecServer) -> None:
    reader, writer = await asyncio.open_connection(server.host, server.port)
    writer.write(f"POST /decode HTTP/1.1\r\nHost: x\r\nContent-Length: {MAX_BODY + 1}\r\n\r\n".encode())
    await writer.drain()
    head = (await asyncio.wait_for(reader.read(), 10)).decode()
    writer.close()
    assert head.startswith("HTTP/1.1 413")
    assert json.loads(head.split("\r\n\r\n", 1)[1])["error"].startswith("the body is")
