"""``temporal-runtime codec-server``: the configured payload codec over HTTP, for the Web UI and CLI.

Temporal's Web UI and the ``temporal`` CLI (``--codec-endpoint``) show encoded payloads by
sending them to a codec server: ``POST /encode`` and ``POST /decode`` (also under a namespace,
``/{namespace}/decode``) with a JSON body ``{"payloads": [{"metadata": {...}, "data": ...}]}``
whose bytes are base64, answered in the same shape. The browser asks first (a CORS preflight,
``OPTIONS``), so the UI's origin must be allowed. Stdlib asyncio only, like the health endpoint.
"""

from __future__ import annotations

import argparse
import asyncio
import hmac
import json
import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import temporalio.api.common.v1
from google.protobuf import json_format
from temporalio.exceptions import ApplicationError

from temporal_runtime._internal._codec import AnyCodec, TemporalCodec, as_temporal, resolve_codec
from temporal_runtime.cli._discovery import UsageError
from temporal_runtime.cli._http import SmallHTTPServer, write_response
from temporal_runtime.cli._output import Output
from temporal_runtime.cli._serve import _stop_on_signals
from temporal_runtime.codec import CodecServerSettings
from temporal_runtime.config import current_config, load_config
from temporal_runtime.errors import ConfigError

logger = logging.getLogger("temporal_runtime.codec_server")

_ACTIONS = ("encode", "decode")
# What the Web UI and the CLI send with their requests.
_ALLOWED_HEADERS = "content-type, x-namespace, authorization"
_PREFLIGHT = {"Access-Control-Allow-Methods": "POST, OPTIONS", "Access-Control-Max-Age": "600"}
MAX_BODY = 64 * 1024 * 1024
DEFAULT_ORIGINS: tuple[str, ...] = CodecServerSettings().origins

Response = tuple[int, dict[str, str], dict[str, Any] | None]


class _Refused(Exception):
    """A request answered before it reaches the codec (malformed, too big)."""

    def __init__(self, code: int, error: str) -> None:
        super().__init__(error)
        self.response: Response = (code, {}, {"error": error})


def _action(path: str) -> str | None:
    """``encode``/``decode`` for ``/decode`` or ``/{namespace}/decode``, else None."""
    parts = [p for p in path.split("?", 1)[0].split("/") if p]
    if 1 <= len(parts) <= 2 and parts[-1] in _ACTIONS:
        return parts[-1]
    return None


class CodecServer(SmallHTTPServer):
    """A payload codec served over HTTP the way Temporal's Web UI and ``temporal`` CLI call one.

    ``POST /encode`` and ``POST /decode`` (or ``/{namespace}/...``) take and answer
    ``{"payloads": [...]}``. Browsers from `origins` may call it (CORS, with credentials);
    with a `token`, each request needs ``Authorization: Bearer <token>``. A payload the codec
    cannot decode (an unknown key id) is answered 422 with the codec's message.

    Example:
        >>> async def serve(codec):  # doctest: +SKIP
        ...     async with CodecServer(codec, port=8081) as server:
        ...         print(server.url)  # temporal workflow show --codec-endpoint <url> ...
    """

    def __init__(
        self,
        codec: AnyCodec,
        *,
        host: str = "127.0.0.1",
        port: int = 8081,
        origins: Iterable[str] = DEFAULT_ORIGINS,
        token: str | None = None,
    ) -> None:
        super().__init__(host, port)
        found = as_temporal(codec)
        assert found is not None
        self.codec: TemporalCodec = found
        self.origins: tuple[str, ...] = tuple(o.rstrip("/") for o in origins)
        self._token = token.encode() if token else None

    @property
    def url(self) -> str:
        """The endpoint to give the UI and the CLI."""
        return f"http://{self.host}:{self.port}"

    @property
    def token_required(self) -> bool:
        """Whether requests need a bearer token."""
        return self._token is not None

    def _cors(self, origin: str | None) -> dict[str, str] | None:
        """The CORS headers for `origin` ({} without one), or None when it is not allowed."""
        if origin is None:
            return {}
        if origin.rstrip("/") not in self.origins and "*" not in self.origins:
            return None
        return {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Credentials": "true",
            "Vary": "Origin",
        }

    def _refused_origin(self, origin: str) -> Response:
        logger.warning("refused a request from origin %s (allowed: %s)", origin, ", ".join(self.origins))
        error = (
            f"origin {origin} may not call this codec server; allowed: {list(self.origins)} (add it "
            "with --origin or [tool.temporal-runtime.codec_server] origins)"
        )
        return 403, {}, {"error": error}

    async def respond(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Response:
        """The status, headers and JSON body answering one request (headers in lower case)."""
        action = _action(path)
        if action is None:
            return 404, {}, {"error": f"unknown path {path}; use POST /encode or POST /decode"}
        origin = headers.get("origin")
        cors = self._cors(origin)
        if cors is None:
            return self._refused_origin(origin or "")
        if method == "OPTIONS":
            # The browser asks for the headers it will send; the UI's are content-type and x-namespace.
            wanted = headers.get("access-control-request-headers") or _ALLOWED_HEADERS
            return 204, {**cors, **_PREFLIGHT, "Access-Control-Allow-Headers": wanted}, None
        if method != "POST":
            return 405, {**cors, "Allow": "POST, OPTIONS"}, {"error": f"{method} not allowed; use POST"}
        refused = self._check_token(headers.get("authorization"))
        if refused is not None:
            logger.warning("refused %s: %s", action, refused.split(":")[0])
            return 401, {**cors, "WWW-Authenticate": "Bearer"}, {"error": refused}
        try:
            payloads = json_format.ParseDict(json.loads(body or b"{}"), temporalio.api.common.v1.Payloads())
        except (ValueError, json_format.ParseError) as err:
            return 400, cors, {"error": f'the body is not {{"payloads": [...]}} JSON: {err}'}
        try:
            done = await self.codec.apply(action, payloads.payloads)
        except ApplicationError as err:
            return 422, cors, {"error": err.message}
        except OSError as err:
            return 503, cors, {"error": f"the codec could not {action} now: {err}"}
        namespace = headers.get("x-namespace") or "-"
        logger.info("%s %d payload(s) (namespace %s, origin %s)", action, len(done), namespace, origin or "-")
        return 200, cors, {"payloads": [json_format.MessageToDict(p) for p in done]}

    def _check_token(self, authorization: str | None) -> str | None:
        if self._token is None:
            return None
        if authorization is None:
            return (
                "this codec server needs a bearer token: send 'Authorization: Bearer <token>' "
                "(temporal CLI: --codec-auth 'Bearer <token>')"
            )
        scheme, _, given = authorization.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), self._token):
            return "the bearer token is wrong"
        return None

    async def _read(self, reader: asyncio.StreamReader) -> tuple[str, str, dict[str, str], bytes]:
        request = (await asyncio.wait_for(reader.readline(), 10)).decode("latin-1").split()
        headers: dict[str, str] = {}
        while (line := await asyncio.wait_for(reader.readline(), 10)) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if len(request) < 2:
            raise _Refused(400, "not an HTTP request")
        length = headers.get("content-length")
        if length is None and "transfer-encoding" in headers:
            raise _Refused(411, "send the body with a Content-Length")
        size = int(length) if length and length.isdigit() else 0
        if size > MAX_BODY:
            raise _Refused(413, f"the body is {size} bytes; at most {MAX_BODY} per request")
        body = await asyncio.wait_for(reader.readexactly(size), 30) if size else b""
        return request[0].upper(), request[1], headers, body

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            try:
                code, extra, body = await self.respond(*await self._read(reader))
            except _Refused as refused:
                code, extra, body = refused.response
            await write_response(writer, code, body, extra)
        except (TimeoutError, ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


def _token(args: argparse.Namespace, settings: CodecServerSettings) -> str | None:
    path = args.token_file or settings.token_file
    if path is None:
        return settings.token.get_secret_value() if settings.token is not None else None
    try:
        token = Path(path).read_text().strip()
    except OSError as err:
        raise ConfigError(f"codec server token file {path}: cannot read it: {err.strerror or err}") from None
    if not token:
        raise ConfigError(f"codec server token file {path} is empty; put the token in it")
    return token


async def cmd_codec_server(args: argparse.Namespace, out: Output) -> int:
    """``codec-server``: serve the configured codec to the Web UI and CLI until SIGTERM/SIGINT."""
    config = load_config(args.config) if args.config else current_config()
    codec = resolve_codec(None, config)
    if codec is None:
        raise UsageError(
            "no payload codec is configured: set [tool.temporal-runtime.encryption] keys_file (or "
            "TEMPORAL_RUNTIME_ENCRYPTION__KEYS), or codec = 'module:attribute' (see docs/operations.md)"
        )
    settings = config.codec_server
    server = CodecServer(
        codec,
        host=args.host or settings.host,
        port=settings.port if args.port is None else args.port,
        origins=args.origin or settings.origins,
        token=_token(args, settings),
    )
    stop = asyncio.Event()
    _stop_on_signals(stop)
    async with server:
        out.emit(
            {
                "event": "serving",
                "url": server.url,
                "codec": repr(server.codec),
                "origins": list(server.origins),
                "token_required": server.token_required,
            },
            f"codec server on {server.url} with {server.codec!r}; origins {', '.join(server.origins)}; "
            f"{'bearer token required' if server.token_required else 'no token'}\n"
            f"  Web UI: temporal server start-dev --ui-codec-endpoint {server.url}\n"
            f"  CLI:    temporal workflow show --codec-endpoint {server.url} --workflow-id ID",
            line=True,
        )
        await stop.wait()
    out.emit({"event": "stopped"}, "codec server stopped", line=True)
    return 0
