"""Definition-time rules and small pieces of issue 12's workflow capabilities (no server)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from temporal_runtime import NotInWorkflowError, RegistrationError, Workflow, wf_signal, wf_update
from temporal_runtime._internal import _dispatch
from temporal_runtime._internal._runtime import RUNTIME_ATTR
from temporal_runtime.testing import InMemoryEngine, LocalEngine
from temporal_runtime.testing._workflow_fakes import FakeTable


class UnitCapBase(Workflow, wait_for_handlers=False):
    def __init__(self, order_id: str, rush: bool = False) -> None:
        self.seen = (order_id, rush)

    @wf_update
    def set_note(self, note: str) -> str:
        return f"{note} for {self.seen[0]}"

    @wf_update
    async def set_note_later(self, note: str) -> str:
        await asyncio.sleep(0)
        return note

    @wf_signal
    def ping(self) -> None: ...

    async def process(self, order_id: str, rush: bool = False) -> str:
        return order_id

    async def audit(self, order_id: str) -> None: ...


class UnitCapChild(UnitCapBase):
    async def extra(self, order_id: str) -> None: ...


class UnitCapDefault(Workflow):
    async def run(self) -> None: ...


def test_wait_for_handlers_is_a_class_option_and_is_inherited() -> None:
    assert UnitCapDefault.__temporal_runtime__.wait_for_handlers is True
    assert UnitCapBase.__temporal_runtime__.wait_for_handlers is False
    assert UnitCapChild.__temporal_runtime__.wait_for_handlers is False


async def test_sync_and_async_updates_run_through_one_dispatch() -> None:
    defn = UnitCapBase.__temporal_runtime__
    instance = UnitCapBase("o-1")
    assert defn.updates["set_note"].is_async is False
    assert await _dispatch.update(instance, defn.updates["set_note"], ["hi"]) == "hi for o-1"
    assert await _dispatch.update(instance, defn.updates["set_note_later"], ["later"]) == "later"


def test_a_new_instance_gets_only_the_entry_arguments_its_init_declares() -> None:
    defn = UnitCapBase.__temporal_runtime__
    assert defn.init_params == ("order_id", "rush")
    runtime: Any = object()
    instance = _dispatch.new_instance(defn, runtime, {"order_id": "o-2"})
    assert instance.seen == ("o-2", False)
    assert getattr(instance, RUNTIME_ATTR) is runtime
    # An invalid input (no kwargs): the object exists, its __init__ never ran.
    bare = _dispatch.new_instance(defn, runtime, None)
    assert not hasattr(bare, "seen")


def test_new_helpers_outside_a_workflow_say_to_patch_them() -> None:
    wf = UnitCapDefault()
    with pytest.raises(NotInWorkflowError, match=r"all_handlers_finished\(\) was called outside"):
        wf.all_handlers_finished()
    with pytest.raises(NotInWorkflowError, match=r"external\(\) was called outside"):
        wf.external("other")


def test_a_public_async_helper_is_told_to_become_private() -> None:
    with pytest.raises(RegistrationError) as info:

        class UnitCapHelper(Workflow):
            async def run(self, n: int) -> int:
                return await self.charge_all(n)

            async def charge_all(self, *amounts: int) -> int:
                return sum(amounts)

    message = str(info.value)
    assert "1 reason(s)" in message
    assert "every public 'async def' of a workflow is an entry method that clients can start" in message
    assert "make it private: _charge_all" in message


def test_workflow_fakes_are_keyed_by_class_name_or_method() -> None:
    def by_class(**kwargs: Any) -> str:
        return "class"

    def by_method(**kwargs: Any) -> str:
        return "method"

    table = FakeTable({UnitCapBase: by_class, UnitCapBase.audit: by_method}, "InMemoryEngine")
    assert table.get("UnitCapBase", "process") is by_class
    assert table.get("UnitCapBase", "audit") is by_method  # the method's key wins
    assert table.get("UnitCapDefault", "run") is None
    assert FakeTable({"UnitCapDefault": by_class}, "x").get("UnitCapDefault", "run") is by_class
    assert not FakeTable(None, "x")


@pytest.mark.parametrize(
    ("key", "fake", "message"),
    [
        ("NoSuchWorkflow", len, r"InMemoryEngine\(children=...\): no workflow named 'NoSuchWorkflow'"),
        (UnitCapBase.ping, len, r"'UnitCapBase.ping' is not an entry method of a workflow class"),
        (len, len, r"'len' is not an entry method"),
        (UnitCapBase, "not callable", r"the fake for .*UnitCapBase.* is not callable"),
    ],
)
def test_bad_workflow_fakes_are_refused(key: Any, fake: Any, message: str) -> None:
    with pytest.raises(RegistrationError, match=message):
        InMemoryEngine(children={key: fake})


async def test_local_engine_clock_without_time_skipping_is_the_wall_clock() -> None:
    engine = LocalEngine(start_worker=False)
    before = datetime.now(UTC)
    await engine.advance(timedelta(milliseconds=20))
    now = await engine.get_current_time()
    assert now - before >= timedelta(milliseconds=20)
    assert now.tzinfo is not None


async def test_in_memory_clock_moves_only_when_told() -> None:
    start = datetime(2030, 1, 1, tzinfo=UTC)
    async with InMemoryEngine(start_time=start) as engine:
        assert await engine.get_current_time() == start
        await engine.advance(90)
        assert await engine.get_current_time() == start + timedelta(seconds=90)
