"""No API key or TLS private key in a log line, an error, a repr or the CLI's output (SPEC §8).

The engine and the CLI run against the real dev server with an API key (it ignores the
header); TLS stays off through ``tls=False`` / ``TEMPORAL_TLS=false``.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import uuid
from pathlib import Path

import pytest

from examples import orders
from temporal_runtime import DevServer, TemporalEngine
from tests.integration._cli import read_event, run_cli, spawn_cli

API_KEY = "tr-secret-api-key-51e0c3"
KEY_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDsecret"
KEY_PEM = f"-----BEGIN PRIVATE KEY-----\n{KEY_BODY}\n-----END PRIVATE KEY-----\n"
MODULE = "tests.integration.cli_app"


def assert_no_secret(text: str) -> None:
    for secret in (API_KEY, KEY_BODY):
        assert secret not in text, f"a secret leaked into: {text[-2000:]}"


async def test_engine_with_an_api_key_logs_and_shows_none_of_it(
    dev_server: DevServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    engine = TemporalEngine(
        url=dev_server.address,
        api_key=API_KEY,
        tls=False,
        task_queue=f"tq-secret-{uuid.uuid4().hex[:8]}",
        workflows=[orders.OrderProcessingWorkflow],
    )
    assert engine.connect_args["api_key"] == "<redacted>"
    async with engine:
        order = orders.Order(order_id="s-1", items=[orders.Item(sku="a", quantity=1)])
        result = await orders.OrderProcessingWorkflow.client(engine).process_order(order)
        assert result.status == "completed"
        health = await engine.health_check()
        shown = [repr(engine), str(engine.connect_args), repr(health)]
    records = [f"{r.getMessage()} {r.exc_text or ''} {r.__dict__}" for r in caplog.records]
    assert records, "nothing was logged: the check would be empty"
    assert_no_secret("\n".join(shown + records))


async def test_cli_worker_shows_that_a_key_is_set_not_the_key(dev_server: DevServer) -> None:
    queue = f"cli-secret-{uuid.uuid4().hex[:8]}"
    env = {"TEMPORAL_API_KEY": API_KEY, "TEMPORAL_TLS": "false"}
    proc = await spawn_cli(
        "worker", MODULE, "--task-queue", queue, "--address", dev_server.address, "--json", env=env
    )
    try:
        serving = await read_event(proc, "serving")
        assert (serving["api_key"], serving["tls"], serving["tls_client_key"]) == ("<redacted>", False, None)
    finally:
        proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(proc.wait(), 120)
    assert proc.stdout is not None and proc.stderr is not None
    rest = (await proc.stdout.read() + await proc.stderr.read()).decode()
    assert_no_secret(str(serving) + rest)


async def test_cli_reads_the_key_from_a_file_and_never_prints_it(
    dev_server: DevServer, tmp_path: Path
) -> None:
    key_file = tmp_path / "api-key"
    key_file.write_text(API_KEY + "\n")
    no_tls = {"TEMPORAL_TLS": "false"}
    res = await run_cli(
        "list", "--limit", "1", "--api-key-file", str(key_file), "--address", dev_server.address, env=no_tls
    )
    assert res.code == 0, res.err
    assert_no_secret(res.out + res.err)

    both = await run_cli("list", "--api-key", API_KEY, "--api-key-file", str(key_file), "--json")
    assert both.code == 2
    assert "not both" in both.err
    assert_no_secret(both.out + both.err)

    missing = await run_cli("list", "--api-key-file", str(tmp_path / "nope"))
    assert missing.code == 2 and "cannot read" in missing.err


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
async def test_cli_errors_show_no_secret(tmp_path: Path, as_json: bool) -> None:
    key = tmp_path / "client.key"
    key.write_text(KEY_PEM)
    cert = tmp_path / "client.pem"
    cert.write_text("-----BEGIN CERTIFICATE-----\nMIIpublic\n-----END CERTIFICATE-----\n")
    flags = ["--json"] if as_json else []
    # Nothing listens on port 9: the connection fails, with the key and TLS settings in play.
    unreachable = await run_cli(
        "status", "wf-1", "--address", "127.0.0.1:9", "--api-key", API_KEY, "--tls-key", str(key),
        "--tls-cert", str(cert), *flags,
    )  # fmt: skip
    assert unreachable.code == 4, unreachable.err
    assert_no_secret(unreachable.out + unreachable.err)
    # A private key given as text that is not PEM is not echoed back as a file name.
    not_pem = await run_cli("status", "wf-1", "--tls-key", KEY_BODY, *flags)
    assert not_pem.code == 2, not_pem.err
    assert "tls_client_key: cannot read the file it names" in not_pem.err
    assert_no_secret(not_pem.out + not_pem.err)
