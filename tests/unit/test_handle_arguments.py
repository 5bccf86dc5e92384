"""How `MethodHandle` turns typed handler calls into Temporal's positional arguments."""

from __future__ import annotations

from typing import Any, cast

import pytest
import temporalio.client

from temporal_runtime import MethodHandle, TemporalEngine
from temporal_runtime._internal._workflow_defn import HANDLER_ATTR, HandlerKind, HandlerMarker


class _RecordingHandle:
    """Stands in for temporalio's WorkflowHandle: records what would be sent."""

    id = "wf-1"
    run_id = None
    first_execution_run_id = None

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, list[Any]]] = []

    async def signal(self, name: str, *, args: list[Any]) -> None:
        self.sent.append(("signal", name, args))

    async def query(self, name: str, *, args: list[Any]) -> Any:
        self.sent.append(("query", name, args))
        return None


class _Handlers:
    async def approve(self, approver: str, note: str = "") -> None: ...

    async def tagged(self, *, label: str) -> None: ...

    def lookup(self, key: str, default: int = 0) -> int:
        return default


def _handle() -> tuple[MethodHandle[Any], _RecordingHandle]:
    raw = _RecordingHandle()
    engine = TemporalEngine(start_worker=False)
    return MethodHandle(engine, cast(temporalio.client.WorkflowHandle[Any, Any], raw), None, None), raw


def _mark(fn: Any, kind: HandlerKind, name: str) -> Any:
    # What @wf_signal / @wf_query leave on a function, without defining a workflow class.
    setattr(fn, HANDLER_ATTR, HandlerMarker(kind, name))
    return fn


_mark(_Handlers.approve, "signal", "approve")
_mark(_Handlers.tagged, "signal", "tagged")
_mark(_Handlers.lookup, "query", "lookup")


async def test_positional_arguments_pass_through() -> None:
    handle, raw = _handle()
    await handle.signal(_Handlers.approve, "alice")
    await handle.signal("approve", "bob", "late")
    assert raw.sent == [("signal", "approve", ["alice"]), ("signal", "approve", ["bob", "late"])]


async def test_keywords_are_placed_by_the_handler_signature() -> None:
    handle, raw = _handle()
    await handle.signal(_Handlers.approve, note="n", approver="alice")
    await handle.query(_Handlers.lookup, key="k")
    assert raw.sent == [("signal", "approve", ["alice", "n"]), ("query", "lookup", ["k", 0])]


async def test_keywords_with_a_name_are_refused() -> None:
    handle, raw = _handle()
    with pytest.raises(TypeError, match="need the handler method"):
        await handle.signal("approve", approver="alice")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue]
    assert raw.sent == []


async def test_keyword_only_handler_parameters_are_refused() -> None:
    handle, raw = _handle()
    with pytest.raises(TypeError, match="keyword-only parameters \\['label'\\]"):
        await handle.signal(_Handlers.tagged, label="x")
    assert raw.sent == []
