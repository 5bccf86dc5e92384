"""Issue 12's workflow-side capabilities, each run on InMemoryEngine and on a real server.

The `make` fixture is parametrized like test_parity.py's `engine`: "memory" builds an
`InMemoryEngine`, "server" a `local_engine` on the session's dev server serving only the
workflows the test names (each served class costs worker start-up time). Time control runs on
the time-skipping test server instead, and "continue as new suggested" on a dev server started
with a low suggestion threshold, since neither can be had from the shared dev server.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager
from datetime import timedelta
from typing import Any

import pytest

from temporal_runtime import (
    DevServer,
    ExecutionStatus,
    TemporalEngine,
    UpdateFailedError,
    WorkflowCancelledError,
    WorkflowFailedError,
)
from temporal_runtime.testing import InMemoryEngine, LocalEngine, local_engine
from temporal_runtime.testing._local import wait_until_serving
from temporal_runtime.testing.pytest_plugin import SharedDevServer, TemporalServers
from tests.integration.capability_workflows import (
    CapAlarm,
    CapCaller,
    CapChild,
    CapContinue,
    CapContinueAbandon,
    CapDrain,
    CapGreeter,
    CapHistory,
    CapParent,
    CapTarget,
    CapThreads,
    Lineage,
)

Engine = LocalEngine | InMemoryEngine
Make = Callable[..., AbstractAsyncContextManager[Engine]]


@pytest.fixture(params=["memory", "server"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make(kind: str, dev_server: SharedDevServer, task_queue: str) -> Make:
    def make(*workflows: type[Any], **options: Any) -> AbstractAsyncContextManager[Engine]:
        if kind == "memory":
            # An update left running while the test takes its next step is a wait no workflow
            # can end: the grace keeps the engine from failing it as blocked meanwhile.
            return InMemoryEngine(task_queue=task_queue, deadlock_grace=0.5, **options)
        return local_engine(address=dev_server.address, task_queue=task_queue, workflows=workflows, **options)

    return make


# temporalio warns when a run ends with an update still running: what the undrained cases show.
CUT_OFF = pytest.mark.filterwarnings("ignore:.*Workflow finished while update handlers are still running")


async def eventually(check: Callable[[], Awaitable[object]], what: str) -> None:
    """Poll `check` until it holds (the server's worker runs beside the test)."""
    for _ in range(300):
        if await check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"never true: {what}")


# -- handler draining, sync updates ------------------------------------------------------------


@CUT_OFF
async def test_handlers_finish_before_the_run_returns(make: Make) -> None:
    async with make(CapDrain) as engine:
        handle = await CapDrain.client(engine).async_.run()
        adding = asyncio.create_task(handle.update(CapDrain.add, 5))
        await eventually(lambda: handle.query(CapDrain.adding_now), "the update is running")
        assert await handle.update(CapDrain.bump, 2) == 2  # a plain `def` update
        with pytest.raises(UpdateFailedError, match="bump takes n >= 0"):
            await handle.update(CapDrain.bump, -1)
        await handle.signal(CapDrain.finish)
        # The run waited for `add` (which still slept a second) before returning.
        assert await handle.result(timeout=60) == 7
        assert await adding == 7

        # Without the wait, the run returns first and the update's caller gets an error.
        handle = await CapDrain.client(engine).async_.run_undrained()
        adding = asyncio.create_task(handle.update(CapDrain.add, 5))
        await eventually(lambda: handle.query(CapDrain.adding_now), "the update is running")
        await handle.signal(CapDrain.finish)
        assert await handle.result(timeout=60) == 0
        with pytest.raises(UpdateFailedError):
            await adding


@CUT_OFF
async def test_continue_as_new_waits_for_running_handlers(make: Make) -> None:
    async with make(CapContinue, CapContinueAbandon) as engine:
        handle = await CapContinue.client(engine).async_.loop(1)
        adding = asyncio.create_task(handle.update(CapContinue.add, 5))
        await eventually(lambda: handle.query(CapContinue.adding_now), "the update is running")
        await handle.signal(CapContinue.finish)
        assert await adding == 5  # finished in the first run, before it continued
        assert (await handle.result(timeout=60)).startswith("done after ")
        first = await engine.get_status(handle.id, handle.run_id)
        assert first.status is ExecutionStatus.CONTINUED_AS_NEW

        # wait_for_handlers=False: the run continues at once and the update is cut off.
        handle = await CapContinueAbandon.client(engine).async_.loop(1)
        adding = asyncio.create_task(handle.update(CapContinueAbandon.add, 5))
        await eventually(lambda: handle.query(CapContinueAbandon.adding_now), "the update is running")
        await handle.signal(CapContinueAbandon.finish)
        assert await handle.result(timeout=60) == "done"
        with pytest.raises(UpdateFailedError):
            await adding


# -- history length ----------------------------------------------------------------------------


async def test_history_length_grows_with_the_run(make: Make) -> None:
    async with make(CapHistory) as engine:
        points = await CapHistory.client(engine).grow(3)
    lengths = [p.length for p in points]
    assert lengths[0] >= 1
    assert lengths == sorted(set(lengths))  # strictly growing
    assert not any(p.suggested for p in points)  # far below any server's threshold


@pytest.fixture
async def suggesting_server() -> AsyncIterator[DevServer]:
    # A dev server that suggests continuing as new past 12 events (3 at start, 6 per activity).
    server = await DevServer(
        ui=False, extra_args=("--dynamic-config-value", "limit.historyCount.suggestContinueAsNew=12")
    ).start()
    try:
        await wait_until_serving(server.address)
        yield server
    finally:
        await server.stop()


async def test_continue_as_new_when_suggested_in_memory() -> None:
    # In memory a run counts one event at its start and three per activity.
    async with InMemoryEngine(suggest_continue_as_new_after=7) as engine:
        points = await CapHistory.client(engine).grow(3)
        assert [(p.length, p.suggested) for p in points] == [(1, False), (4, False), (7, True), (10, True)]
        handle = await CapHistory.client(engine).async_.count_to(4)
        assert await handle.result() == "4 in 2 runs"
        assert len(engine.run_ids(handle.id)) == 2


async def test_continue_as_new_when_suggested_on_the_server(suggesting_server: DevServer) -> None:
    async with local_engine(address=suggesting_server.address, workflows=[CapHistory]) as engine:
        points = await CapHistory.client(engine).grow(3)
        assert [p.suggested for p in points] == [False, False, True, True]
        assert await CapHistory.client(engine).count_to(4) == "4 in 2 runs"


# -- __init__ with the entry arguments ---------------------------------------------------------


async def test_init_gets_the_entry_arguments_before_any_handler(make: Make) -> None:
    async with make(CapGreeter) as engine:
        wf = CapGreeter.client(engine)
        assert await wf.greet("ada", excited=True) == "hello ada!"
        # The signal arrives during the start delay, so it runs before the entry method does:
        # it already sees the greeting that __init__ made from the entry arguments.
        handle = await wf.after(1).greet("bob")
        await handle.signal(CapGreeter.shout)
        assert await handle.result(timeout=60) == "HELLO BOB"
        # Input that does not fit fails the run (its early signal is dropped, nothing hangs).
        bad = await engine.start_method(CapGreeter, "greet", 42, start_delay=1)
        await bad.signal(CapGreeter.shout)
        with pytest.raises(WorkflowFailedError) as caught:
            await bad.result(timeout=60)
        assert caught.value.root_cause_type == "InvalidWorkflowInput"


# -- other workflows by id, and the parent ----------------------------------------------------


async def test_external_workflows_are_signalled_and_cancelled_by_id(make: Make) -> None:
    async with make(CapTarget, CapCaller) as engine:
        caller = CapCaller.client(engine)
        target = await CapTarget.client(engine).async_.wait_for_pokes(2)
        assert await caller.poke(target.id, 2) == target.id
        assert await target.result(timeout=60) == ["caller-0", "caller-1"]
        # Signalling a closed workflow fails; cancelling one is no error (as on a server).
        assert await caller.poke_missing(target.id) == "signal: ExternalWorkflowExecutionNotFound"
        assert await caller.stop_missing(target.id) == "cancel delivered"
        missing = f"missing-{uuid.uuid4()}"
        assert await caller.poke_missing(missing) == "signal: ExternalWorkflowExecutionNotFound"
        assert await caller.stop_missing(missing) == "cancel: ExternalWorkflowExecutionNotFound"

        held = await CapTarget.client(engine).async_.wait_for_pokes(5)
        await caller.stop(held.id)
        with pytest.raises(WorkflowCancelledError):
            await held.result(timeout=60)


async def test_a_child_knows_its_parent(make: Make) -> None:
    async with make(CapParent, CapChild) as engine:
        family = await CapParent.client(engine).family()
        assert family.child.parent_id == family.parent_id
        assert family.child.parent_run_id == family.parent_run_id
        assert family.child.parent_namespace == "default"
        top = await CapChild.client(engine).lineage()
        assert top == Lineage(
            workflow_id=top.workflow_id, parent_id=None, parent_run_id=None, parent_namespace=None
        )


# -- fake children -----------------------------------------------------------------------------


async def test_a_child_entry_method_is_replaced_by_a_fake(make: Make) -> None:
    async def fake_ship(parcel: str, express: bool = False) -> str:
        return f"fake {'express' if express else 'ground'} {parcel}"

    async with make(CapParent, CapChild, children={CapChild.ship: fake_ship}) as engine:
        parent = CapParent.client(engine)
        assert await parent.ship_all(["a", "!b"]) == ["fake ground a", "fake express !b"]
        family = await parent.family()  # the method not faked runs for real
        assert family.child.parent_id == family.parent_id


async def test_a_failing_fake_fails_the_child(make: Make) -> None:
    def no_trucks(**kwargs: Any) -> str:
        raise ValueError(f"no trucks for {kwargs['parcel']}")

    async with make(CapParent, CapChild, children={"CapChild": no_trucks}) as engine:
        assert await CapParent.client(engine).ship_failing("p-1") == (
            "ChildWorkflowError: ApplicationError: ValueError: the fake of CapChild.ship raised "
            "ValueError: no trucks for p-1"
        )


# -- time control ------------------------------------------------------------------------------


@pytest.fixture
async def clock_engine(
    kind: str, temporal_servers: TemporalServers, task_queue: str
) -> AsyncIterator[Engine]:
    if kind == "memory":
        async with InMemoryEngine(task_queue=task_queue) as memory:
            yield memory
        return
    environment = await temporal_servers.time_skipping()
    async with local_engine(environment=environment, task_queue=task_queue, workflows=[CapAlarm]) as engine:
        yield engine


async def test_time_moves_when_the_test_says(clock_engine: Engine) -> None:
    handle = await CapAlarm.client(clock_engine).async_.ring_after(3600)
    before = await clock_engine.get_current_time()
    assert await handle.query(CapAlarm.rang) is None
    await clock_engine.advance(timedelta(hours=1))
    await eventually(lambda: handle.query(CapAlarm.rang), "the alarm rang")  # the worker's step
    after = await clock_engine.get_current_time()
    assert after - before >= timedelta(hours=1)
    await handle.signal(CapAlarm.stop)
    assert await handle.result(timeout=60) == (await handle.query(CapAlarm.rang))


# -- worker options ----------------------------------------------------------------------------


async def test_worker_options_activity_executor_is_the_users(
    dev_server: SharedDevServer, task_queue: str
) -> None:
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="users-pool") as pool:
        async with TemporalEngine(
            url=dev_server.address,
            task_queue=task_queue,
            workflows=[CapThreads],
            worker_options={"activity_executor": pool},
        ) as engine:
            assert (await CapThreads.client(engine).where()).startswith("users-pool")
