"""`temporal-runtime codec-server` as its clients use it: the `temporal` CLI and the dev server's Web UI.

The CLI test runs the real command (a subprocess configured by a TOML file) and reads an
encrypted workflow with ``temporal workflow show --codec-endpoint``; the UI test starts a dev
server whose UI is configured with ``--ui-codec-endpoint`` and reads the workflow's page in
headless Chromium, whose browser calls the codec server across origins.
"""

from __future__ import annotations

import asyncio
import json
import signal
import time
import urllib.request
from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By

from temporal_runtime import EncryptionCodec, RuntimeConfig, TemporalEngine, load_config
from temporal_runtime.cli import CodecServer
from temporal_runtime.devserver import free_port
from temporal_runtime.testing.pytest_plugin import SharedDevServer
from tests.integration._browser import chromium
from tests.integration._cli import read_event, run_cli, spawn_cli
from tests.integration._temporal_cli import temporal_cli
from tests.integration.codec_workflows import SECRET, CodecVault, Note

KEY = EncryptionCodec.generate_key()
TOKEN = "codec-token-1c9e2b"


def write_config(folder: Path, port: int) -> Path:
    (folder / "keys").write_text(f"2025-06:{KEY}\n")
    (folder / "token").write_text(f"{TOKEN}\n")
    config = folder / "runtime.toml"
    config.write_text(
        "[tool.temporal-runtime.encryption]\n"
        f'keys_file = "{folder / "keys"}"\n'
        "compress = true\n"
        "[tool.temporal-runtime.codec_server]\n"
        f"port = {port}\n"
        f'token_file = "{folder / "token"}"\n'
    )
    return config


async def stopped(process: asyncio.subprocess.Process) -> str:
    """SIGTERM, then everything the process printed; it must exit 0 and show no secret."""
    process.send_signal(signal.SIGTERM)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    printed = out.decode() + err.decode()
    assert process.returncode == 0, printed[-3000:]
    for secret in (KEY, TOKEN):
        assert secret not in printed
    return printed


async def test_the_temporal_cli_reads_encrypted_payloads_through_the_codec_server(
    dev_server: SharedDevServer, task_queue: str, tmp_path: Path
) -> None:
    config_file = write_config(tmp_path, free_port())
    config = ["--config", str(config_file), "--address", dev_server.address]
    # A `temporal-runtime worker` whose encryption comes from the configuration file.
    worker = await spawn_cli(
        "worker", "tests.integration.codec_workflows", "--task-queue", task_queue, *config, "--json"
    )
    server = None
    try:
        assert (await read_event(worker, "serving"))["codec"].startswith("EncryptionCodec(key_id='2025-06'")
        async with TemporalEngine(
            url=dev_server.address, task_queue=task_queue, start_worker=False, config=load_config(config_file)
        ) as engine:
            handle = await CodecVault.client(engine).async_.keep(Note(text=SECRET))
            await handle.result(timeout=30)
        # The library's client commands take the codec from the same configuration.
        executed = await run_cli(
            "execute", "CodecVault.echo", "-m", "tests.integration.codec_workflows",
            "--task-queue", task_queue, *config,
            "--input", json.dumps({"text": "through the library's CLI"}), "--json",
        )  # fmt: skip
        assert executed.code == 0, executed.err
        assert executed.json()["result"] == "through the library's CLI"

        server = await spawn_cli("codec-server", "--config", str(config_file), "--json")
        serving = await read_event(server, "serving")
        assert serving["token_required"] is True
        assert serving["codec"].startswith("EncryptionCodec(key_id='2025-06'")
        show = ["workflow", "show", "--detailed", "--workflow-id", handle.id]
        decoded = await temporal_cli(
            dev_server.address, *show, "--codec-endpoint", serving["url"], "--codec-auth", f"Bearer {TOKEN}"
        )
        assert decoded.returncode == 0, decoded.stderr
        assert f"input[0].kwargs.note.text: {SECRET}" in decoded.stdout
        assert f"result[0].text: {SECRET} [stamped]" in decoded.stdout
        stored = await temporal_cli(dev_server.address, *show)
        assert stored.returncode == 0, stored.stderr
        assert SECRET not in stored.stdout
    finally:
        printed = await stopped(worker)
        if server is not None:
            assert '"event": "stopped"' in await stopped(server)
    assert '"event": "stopped"' in printed


async def test_codec_server_without_a_codec_says_how_to_configure_one(tmp_path: Path) -> None:
    empty = tmp_path / "runtime.toml"
    empty.write_text("[tool.temporal-runtime]\n")
    result = await run_cli("codec-server", "--config", str(empty))
    assert result.code == 2
    assert "no payload codec is configured: set [tool.temporal-runtime.encryption] keys_file" in result.err


def _settings(ui_url: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{ui_url}/api/v1/settings", timeout=10) as answer:
        settings: dict[str, Any] = json.load(answer)
    return settings


def _browse(profile: Path, url: str, wanted: str, timeout: float = 30) -> tuple[str, list[str]]:
    """The page's text once it shows `wanted` (or at the timeout), and the console's errors."""
    with chromium(profile) as browser:
        browser.get(url)
        deadline = time.monotonic() + timeout
        text = ""
        while wanted not in text and time.monotonic() < deadline:
            time.sleep(0.25)
            text = browser.find_element(By.TAG_NAME, "body").text
        errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    return text, errors


async def test_the_web_ui_shows_decrypted_payloads(tmp_path: Path) -> None:
    codec = EncryptionCodec({"2025-06": KEY})
    endpoint = f"http://127.0.0.1:{free_port()}"
    port, ui_port = str(free_port()), str(free_port())
    dev = await spawn_cli(
        "dev", "--in-memory", "--port", port, "--ui-port", ui_port, "--ui-codec-endpoint", endpoint, "--json"
    )
    try:
        serving = await read_event(dev, "serving")
        ui_url, address = serving["ui_url"], serving["address"]
        # The dev server's Web UI is configured to call the codec server.
        settings = await asyncio.to_thread(_settings, ui_url)
        assert settings["Codec"]["Endpoint"] == endpoint
        async with (
            CodecServer(codec, port=int(endpoint.rsplit(":", 1)[1]), origins=[ui_url]),
            TemporalEngine(
                url=address, task_queue="ui", workflows=[CodecVault], config=RuntimeConfig(), codec=codec
            ) as engine,
        ):
            handle = await CodecVault.client(engine).async_.keep(Note(text=SECRET))
            await handle.result(timeout=30)
            page = f"{ui_url}/namespaces/default/workflows/{handle.id}/{handle.run_id}/history"
            # In a thread: the codec server answering the browser runs on this loop.
            text, errors = await asyncio.to_thread(_browse, tmp_path / "profile", page, SECRET)
    finally:
        dev.send_signal(signal.SIGTERM)
        await asyncio.wait_for(dev.wait(), 30)
    assert SECRET in text, text[-2000:]
    # The UI's own requests all succeeded (its newsfeed aside, which it fetches from the internet).
    assert [e for e in errors if "newsfeed" not in e] == []
