"""InMemoryEngine replays every run it finishes and fails the test at the first difference."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from temporal_runtime import Workflow, WorkflowCancelled, activity_def, wf_signal, wf_update
from temporal_runtime.testing import InMemoryEngine, ReplayError
from tests.unit.testing import _replay_helpers

# -- workflows whose code depends on something outside their inputs and results -------------

# Module state a workflow reads and changes: the second time the code runs, it reads another value.
STATE: dict[str, Any] = {}


def _flip(key: str) -> bool:
    """False the first time a run reads `key`, True when its replay does."""
    seen = STATE.get(key, False)
    STATE[key] = True
    return seen


@activity_def("replay_charge")
async def charge(amount: int) -> str:
    return f"charged {amount}"


@activity_def("replay_refund")
async def refund(amount: int) -> str:
    return f"refunded {amount}"


@activity_def("replay_archive")
async def archive(reference: str) -> str:
    return reference


class ReplayShipping(Workflow):
    async def ship(self, parcel: str) -> str:
        return f"shipped {parcel}"


class Diverging(Workflow):
    """Each entry method takes another path when the module state says it ran before."""

    def __init__(self) -> None:
        self.approved = False

    @wf_signal
    async def approve(self) -> None:
        self.approved = True
        if _flip("approve"):
            await self.exec(refund, 1)

    async def activity(self, amount: int) -> str:
        if _flip("activity"):
            return await self.exec(refund, amount)
        return await self.exec(charge, amount)

    async def input(self, amount: int) -> str:
        return await self.exec(charge, amount + int(_flip("input")))

    async def timer(self) -> None:
        await self.sleep(60 if _flip("timer") else 30)

    async def shipped(self) -> str:
        parcel = "B" if _flip("shipped") else "A"
        return await self.child(ReplayShipping).ship(parcel)

    async def patch(self) -> bool:
        return self.patched("v2" if _flip("patch") else "v1")

    async def continued(self, n: int) -> int:
        if n == 0:
            self.continue_as_new(self.continued, 2 if _flip("continued") else 1)
        return n

    async def missing(self, amount: int) -> str:
        if _flip("missing"):
            return "skipped"
        return await self.exec(charge, amount)

    async def outcome(self) -> str:
        return "second" if _flip("outcome") else "first"

    async def signalled(self) -> str:
        await self.wait_until(lambda: self.approved)
        return "approved"

    async def wall_clock(self, order_id: str) -> str:
        # A helper of another module reads the wall clock: the definition-time check cannot see it.
        return await self.exec(archive, _replay_helpers.order_reference(order_id))


@pytest.fixture(autouse=True)
def fresh_state() -> None:
    STATE.clear()


async def _diverges(method: str, *args: Any) -> ReplayError:
    async with InMemoryEngine() as engine:
        with pytest.raises(ReplayError) as caught:
            await engine.execute_method(Diverging, method, *args)
    return caught.value


CASES = [
    ("activity", (5,), "at command 1", "issued activity 'replay_charge' with input 5",
     "issued activity 'replay_refund' with input 5"),
    ("input", (5,), "at command 1", "issued activity 'replay_charge' with input 5",
     "issued activity 'replay_charge' with input 6"),
    ("timer", (), "at command 1", "issued a sleep timer of 30s", "issued a sleep timer of 60s"),
    ("shipped", (), "at command 1", "child workflow ReplayShipping.ship (id 'ReplayShipping-ship-",
     "with {'parcel': 'B'}"),
    ("patch", (), "at command 1", "issued patched('v1')", "issued patched('v2')"),
    ("continued", (0,), "at command 1", "issued continue-as-new into Diverging.continued with {'n': 1}",
     "issued continue-as-new into Diverging.continued with {'n': 2}"),
    ("missing", (5,), "at the first run's command 1", "issued activity 'replay_charge' with input 5",
     "did not: it completed with 'skipped'"),
    ("outcome", (), "at its end", "completed with 'first'", "completed with 'second'"),
]  # fmt: skip


@pytest.mark.parametrize(("method", "args", "where", "first", "replayed"), CASES, ids=[c[0] for c in CASES])
async def test_the_first_command_that_differs_fails_with_both_sides(
    method: str, args: tuple[Any, ...], where: str, first: str, replayed: str
) -> None:
    err = await _diverges(method, *args)
    assert (err.workflow_type, err.method) == ("Diverging", method)
    assert err.workflow_id is not None and err.workflow_id.startswith(f"Diverging-{method}-")
    assert err.first_run is not None and first in err.first_run
    assert err.replayed is not None and replayed in err.replayed
    assert err.first_run != err.replayed
    message = str(err)
    assert message.startswith(f"Diverging.{method} (id {err.workflow_id!r}) is not deterministic")
    assert f"diverged {where}: the first run " in message
    assert "self.now(), self.random() and self.uuid4()" in message
    assert "InMemoryEngine(replay=False) turns this check off" in message


async def test_a_wall_clock_read_in_another_module_is_caught_by_the_replay() -> None:
    # The class was defined without a RegistrationError: the check does not read other modules.
    err = await _diverges("wall_clock", "A-1")
    assert err.method == "wall_clock"
    archived = "issued activity 'replay_archive' with input 'A-1@"
    assert err.first_run is not None and err.first_run.startswith(archived)
    assert err.replayed is not None and err.replayed.startswith(archived)
    assert err.first_run != err.replayed


async def test_a_signal_is_replayed_where_it_came() -> None:
    async with InMemoryEngine() as engine:
        handle = await Diverging.client(engine).async_.signalled()
        await handle.signal(Diverging.approve)
        with pytest.raises(ReplayError) as caught:
            await handle.result()
    assert caught.value.replayed == "issued activity 'replay_refund' with input 1"
    assert caught.value.first_run == "issued nothing more"


async def test_replay_can_be_turned_off() -> None:
    async with InMemoryEngine(replay=False) as engine:
        assert await Diverging.client(engine).activity(5) == "charged 5"
        assert await Diverging.client(engine).outcome() == "first"


async def test_a_run_nobody_awaited_fails_at_stop() -> None:
    engine = InMemoryEngine()
    await engine.start()
    handle = await Diverging.client(engine).async_.outcome()
    await engine.advance(0)
    assert (await handle.status()).status.value == "COMPLETED"
    with pytest.raises(ReplayError, match=r"Diverging\.outcome .* is not deterministic"):
        await engine.stop()


class ReplayParent(Workflow):
    async def run(self) -> str:
        return await self.child(Diverging).outcome()


async def test_a_child_that_diverged_fails_its_parent_awaiter() -> None:
    async with InMemoryEngine() as engine:
        with pytest.raises(ReplayError) as caught:
            await ReplayParent.client(engine).run()
    assert (caught.value.workflow_type, caught.value.method) == ("Diverging", "outcome")


# -- no false alarm: a workflow that uses every kind of command replays cleanly --------------

RUNS: list[str] = []


class Busy(Workflow):
    def __init__(self) -> None:
        RUNS.append("init")  # once for the run, once for its replay
        self.approved = False
        self.level = 0

    @wf_signal
    async def approve(self) -> None:
        self.approved = True
        await self.exec(charge, 1)

    @wf_update
    async def bump(self, by: int) -> int:
        self.level += by
        await self.sleep(1)
        return self.level

    async def run(self, n: int) -> str:
        if self.patched("busy-v2"):
            self.upsert_search_attributes({"CustomKeywordField": "busy"})
        charged, refunded = await self.gather(self.exec(charge, n), self.exec(refund, n))
        receipt = await self.child(ReplayShipping).ship(str(self.uuid4())[:4])
        try:  # met in the first run of the chain, timed out in the second
            await self.wait_until(lambda: self.approved, timeout=600)
        except TimeoutError:
            self.level = -1
        stamp = self.now().isoformat()
        if n > 1:
            self.continue_as_new(self.run, n - 1)
        return f"{charged} {refunded} {receipt[:7]} {self.level} {self.random().randint(1, 9)} {stamp[:4]}"


class Cancellable(Workflow):
    async def run(self) -> str:
        try:
            await self.sleep(3600)
        except WorkflowCancelled:
            await self.shield(self.exec(refund, 3))
            raise
        return "slept"


async def test_every_kind_of_command_replays_without_a_false_alarm() -> None:
    RUNS.clear()
    async with InMemoryEngine() as engine:
        handle = await Busy.client(engine).async_.run(2)
        await handle.signal(Busy.approve)
        assert await handle.update(Busy.bump, 2) == 2
        last = await handle.result()
        assert last.startswith("charged 1 refunded 1 shipped ")
        assert " -1 " in last
        cancelled = await Cancellable.client(engine).async_.run()
        await engine.advance(10)
        await cancelled.cancel()
        await asyncio.sleep(0)
    # Both runs of the continue-as-new chain were replayed: __init__ ran twice for each.
    assert RUNS == ["init"] * 4
    assert [c.activity for c in engine.calls()].count("replay_refund") == 3


class SignalOrder(Workflow):
    def __init__(self) -> None:
        self.log: list[str] = []

    @wf_signal
    async def slow(self) -> None:  # an async handler starts when its task first runs
        self.log.append("async")

    @wf_signal
    def quick(self) -> None:  # a plain one runs as it is delivered
        self.log.append("sync")

    async def run(self) -> list[str]:
        await self.wait_until(lambda: len(self.log) == 2)
        return self.log


async def test_signal_handlers_replay_in_the_order_they_ran() -> None:
    async with InMemoryEngine() as engine:
        handle = await SignalOrder.client(engine).async_.run()
        # Delivered one after the other: the plain handler runs before the async one begins.
        await asyncio.gather(handle.signal(SignalOrder.slow), handle.signal(SignalOrder.quick))
        assert await handle.result() == ["sync", "async"]
