"""Unit tests of the pattern helpers: no server; executors and activities are faked."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn
from unittest.mock import AsyncMock, patch

import pytest

from temporal_runtime import (
    ConfigError,
    NotInWorkflowError,
    ParentClosePolicy,
    RegistrationError,
    SearchAttributeKey,
    Workflow,
    WorkflowCancelled,
    wf_update,
)
from temporal_runtime._internal._runtime import RUNTIME_ATTR, ContinueAsNew
from temporal_runtime._internal._search import search_attribute_pairs, typed_search_attributes
from temporal_runtime.options import ChildOptions


class Unit(Workflow):
    async def first(self, start: int, label: str = "x") -> int:
        self.continue_as_new(self.second, start + 1, label=label)

    async def second(self, start: int, label: str = "x") -> int:
        return start

    async def book(self, fail: bool) -> str:
        async with self.saga() as saga:
            await self.exec("unit_reserve", "a")
            saga.compensate_with("unit_undo", "a", timeout=5)
            await self.exec("unit_reserve", "b")
            saga.compensate_with("unit_undo", "b")
            if fail:
                raise ValueError("step c failed")
        return "booked"

    async def book_quietly(self) -> str:
        async with self.saga(reraise=False) as saga:
            saga.compensate_with("unit_undo", "a")
            raise ValueError("boom")
        return f"swallowed {saga.error}"


class _ContinueAsNewCalled(Exception):
    pass


class FakeRuntime:
    method = "first"

    def __init__(self) -> None:
        self.requests: list[ContinueAsNew] = []

    def continue_as_new(self, request: ContinueAsNew) -> NoReturn:
        self.requests.append(request)
        raise _ContinueAsNewCalled


def test_helpers_outside_a_workflow_say_how_to_test() -> None:
    wf = Unit()
    for call in (
        lambda: wf.child(Unit),
        lambda: wf.continue_as_new("second", 1),
        lambda: wf.patched("p"),
        lambda: wf.deprecate_patch("p"),
        lambda: wf.upsert_search_attributes({"A": "b"}),
    ):
        with pytest.raises(NotInWorkflowError, match="patch"):
            call()


def test_continue_as_new_keeps_the_envelope() -> None:
    wf = Unit()
    runtime = FakeRuntime()
    setattr(wf, RUNTIME_ATTR, runtime)
    with pytest.raises(_ContinueAsNewCalled):
        asyncio.run(wf.first(41, label="y"))
    with pytest.raises(_ContinueAsNewCalled):
        wf.continue_as_new("second", 7)
    assert [(r.workflow, dict(r.envelope)) for r in runtime.requests] == [
        ("Unit", {"method": "second", "kwargs": {"start": 42, "label": "y"}}),
        ("Unit", {"method": "second", "kwargs": {"start": 7}}),
    ]
    assert runtime.requests[0].memo == {"temporal_runtime.method": "second"}
    with pytest.raises(AttributeError, match="entry methods"):
        wf.continue_as_new("nope")
    with pytest.raises(TypeError, match="second"):
        wf.continue_as_new("second", 1, 2, 3)


def test_saga_compensates_newest_first_and_reraises() -> None:
    wf = Unit()
    with patch.object(wf, "exec", new_callable=AsyncMock) as exec_:
        with pytest.raises(ValueError, match="step c failed"):
            asyncio.run(wf.book(fail=True))
    calls = [(c.args, c.kwargs.get("timeout")) for c in exec_.await_args_list]
    assert calls == [
        (("unit_reserve", "a"), None),
        (("unit_reserve", "b"), None),
        (("unit_undo", "b"), None),
        (("unit_undo", "a"), 5),
    ]


def test_saga_success_runs_no_compensation() -> None:
    wf = Unit()
    with patch.object(wf, "exec", new_callable=AsyncMock) as exec_:
        assert asyncio.run(wf.book(fail=False)) == "booked"
    assert [c.args[0] for c in exec_.await_args_list] == ["unit_reserve", "unit_reserve"]


def test_saga_reraise_false_and_failing_compensation() -> None:
    wf = Unit()
    with patch.object(wf, "exec", new_callable=AsyncMock, side_effect=RuntimeError("undo down")):
        assert asyncio.run(wf.book_quietly()) == "swallowed boom"


def test_reserved_pattern_names() -> None:
    with pytest.raises(RegistrationError, match="'saga' is a Workflow helper"):

        class Clash(Workflow):  # pyright: ignore[reportUnusedClass]
            async def saga(self) -> None: ...  # pyright: ignore[reportIncompatibleMethodOverride]

            async def run(self) -> None: ...


def test_update_validator_must_be_sync() -> None:
    with pytest.raises(RegistrationError, match="plain 'def'"):

        class BadValidator(Workflow):  # pyright: ignore[reportUnusedClass]
            @wf_update
            async def set_it(self, v: int) -> None: ...

            @set_it.validator  # type: ignore[attr-defined, misc]
            async def check(self, v: int) -> None: ...

            async def run(self) -> None: ...


async def test_gather_cancels_the_rest_on_first_error() -> None:
    cancelled: list[str] = []

    async def slow() -> int:
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.append("slow")
            raise
        return 1

    async def bad() -> int:
        await asyncio.sleep(0)
        raise KeyError("bad")

    wf = Unit()
    with pytest.raises(KeyError, match="bad"):
        await wf.gather(slow(), bad())
    assert cancelled == ["slow"]
    results = await wf.gather(bad(), asyncio.sleep(0, "ok"), return_exceptions=True)
    assert isinstance(results[0], KeyError)
    assert results[1] == "ok"


async def test_shield_finishes_the_work_then_reports_the_cancel() -> None:
    done: list[str] = []

    async def cleanup() -> None:
        await asyncio.sleep(0.05)
        done.append("cleaned")

    wf = Unit()
    task = asyncio.ensure_future(wf.shield(cleanup()))
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(WorkflowCancelled):
        await task
    assert done == ["cleaned"]


def test_search_attributes_from_plain_values() -> None:
    when = datetime(2026, 1, 2, tzinfo=UTC)
    pairs = search_attribute_pairs(
        {"Customer": "acme", "Priority": 3, "Vip": True, "Score": 1.5, "At": when, "Tags": ("a", "b")}
    )
    assert [(k.name, k.indexed_value_type.name.removeprefix("INDEXED_VALUE_TYPE_"), v) for k, v in pairs] == [
        ("Customer", "KEYWORD", "acme"),
        ("Priority", "INT", 3),
        ("Vip", "BOOL", True),
        ("Score", "DOUBLE", 1.5),
        ("At", "DATETIME", when),
        ("Tags", "KEYWORD_LIST", ["a", "b"]),
    ]
    notes = SearchAttributeKey.for_text("Notes")
    assert search_attribute_pairs({notes: None}) == [(notes, None)]
    assert (
        typed_search_attributes({"Customer": "acme"}).get(SearchAttributeKey.for_keyword("Customer"))
        == "acme"
    )
    with pytest.raises(ConfigError, match="typed key"):
        search_attribute_pairs({"Notes": None})
    with pytest.raises(ConfigError, match="for_text"):
        search_attribute_pairs({"Blob": {"a": 1}})


def test_child_options_defaults() -> None:
    options = ChildOptions(parent_close_policy=ParentClosePolicy.ABANDON)
    assert options.workflow_id is None
    assert options.parent_close_policy is ParentClosePolicy.ABANDON


class Shipper(Workflow, task_queue="shipping"):
    async def ship(self, weight: int, fast: bool = False) -> str:
        return f"{weight}{fast}"


class FakeChildRun:
    id = "child-1"

    async def result(self) -> Any:
        return "12True"

    async def signal(self, name: str, args: Any) -> None: ...

    def cancel(self) -> None: ...


class ChildRecorder:
    method = "run"

    def __init__(self) -> None:
        self.started: list[tuple[str, dict[str, Any], ChildOptions]] = []

    def uuid4(self) -> uuid.UUID:
        return uuid.UUID(int=7)

    async def start_child(self, workflow: str, envelope: Any, options: ChildOptions) -> FakeChildRun:
        self.started.append((workflow, dict(envelope), options))
        return FakeChildRun()


async def test_child_start_envelope_and_options() -> None:
    wf = Unit()
    runtime = ChildRecorder()
    setattr(wf, RUNTIME_ATTR, runtime)
    assert await wf.child(Shipper).ship(12, fast=True) == "12True"
    handle = await wf.child(Shipper, execution_timeout=60).with_options(workflow_id="s-1").async_.ship(3)
    assert (handle.id, handle.method, handle.workflow_type) == ("child-1", "ship", "Shipper")
    (name1, env1, opt1), (_, env2, opt2) = runtime.started
    assert (name1, env1) == ("Shipper", {"method": "ship", "kwargs": {"weight": 12, "fast": True}})
    assert opt1.workflow_id == f"Shipper-ship-{uuid.UUID(int=7)}"
    assert opt1.task_queue == "shipping"
    assert opt1.memo == {"temporal_runtime.method": "ship"}
    assert env2 == {"method": "ship", "kwargs": {"weight": 3}}
    assert (opt2.workflow_id, opt2.execution_timeout) == ("s-1", timedelta(seconds=60))
    # The method key always wins over a memo entry of the same name, as on a client start.
    await wf.child(Shipper, memo={"temporal_runtime.method": "not-it", "team": "a"}).ship(1)
    assert runtime.started[-1][2].memo == {"team": "a", "temporal_runtime.method": "ship"}
    with pytest.raises(AttributeError, match="entry methods: ship"):
        wf.child(Shipper).nope  # noqa: B018
    with pytest.raises(TypeError, match="Workflow subclass"):
        wf.child(int)
