"""Temporal Schedules for entry methods; memo and search attributes on a server that has them."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from pydantic import BaseModel

from temporal_runtime import (
    DevServer,
    ScheduleNotFoundError,
    SearchAttributeKey,
    TemporalEngine,
    Workflow,
    wf_signal,
)
from tests.integration._engines import engine_serving
from tests.integration._eventually import eventually


class Report(BaseModel):
    name: str
    rows: int


class ReportWorkflow(Workflow):
    async def build(self, name: str, rows: int = 10) -> Report:
        return Report(name=name, rows=rows)


async def test_schedule_trigger_pause_list_delete(engine: TemporalEngine) -> None:
    schedule_id = f"reports-{uuid.uuid4().hex[:8]}"
    handle = await engine.schedule(
        ReportWorkflow,
        "build",
        "sales",
        rows=3,
        schedule_id=schedule_id,
        every=3600,
        workflow_id="sales-report",
    )
    info = await handle.describe()
    assert (info.workflow_type, info.method, info.paused) == ("ReportWorkflow", "build", False)
    assert [e.total_seconds() for e in info.every] == [3600.0]

    await handle.trigger()

    async def started() -> bool:
        return bool((await handle.describe()).recent_workflow_ids)

    await eventually(started, "a triggered run")
    run_id = (await handle.describe()).recent_workflow_ids[0]
    assert run_id.startswith("sales-report-")
    assert await engine.get_result(run_id, timeout_seconds=60) == Report(name="sales", rows=3)

    await handle.pause("maintenance")
    paused = await handle.describe()
    assert (paused.paused, paused.note) == (True, "maintenance")
    await handle.unpause()
    assert not (await handle.describe()).paused

    async def listed() -> bool:
        return schedule_id in {s.schedule_id for s in await engine.list_schedules()}

    await eventually(listed, "the schedule in the list")
    await handle.delete()
    with pytest.raises(ScheduleNotFoundError, match=f"schedule '{schedule_id}' not found"):
        await engine.get_schedule(schedule_id).describe()


async def test_schedule_needs_a_spec(engine: TemporalEngine) -> None:
    with pytest.raises(ValueError, match="cron="):
        await engine.schedule(ReportWorkflow, "build", "x", schedule_id="no-spec")


# -- memo and search attributes ----------------------------------------------------------


class TaggedOrder(Workflow):
    def __init__(self) -> None:
        self.done = False

    @wf_signal
    async def finish(self) -> None:
        self.done = True

    async def run(self, priority: int) -> str:
        self.upsert_search_attributes(
            {"Priority": priority, SearchAttributeKey.for_text("Notes"): "rush order"}
        )
        await self.wait_until(lambda: self.done)
        self.upsert_search_attributes({SearchAttributeKey.for_text("Notes"): None})
        return "ok"


@pytest.fixture(scope="module")
async def search_server() -> AsyncIterator[DevServer]:
    extra = ("--search-attribute", "Customer=Keyword", "--search-attribute", "Priority=Int")
    async with DevServer(ui=False, extra_args=(*extra, "--search-attribute", "Notes=Text")) as server:
        yield server


async def test_memo_and_search_attributes(search_server: DevServer, task_queue: str) -> None:
    async with TemporalEngine(
        url=search_server.address, task_queue=task_queue, workflows=[TaggedOrder]
    ) as engine:
        wf = TaggedOrder.client(engine).with_options(
            memo={"team": "sales"}, search_attributes={"Customer": "acme"}
        )
        handle = await wf.async_.run(3)

        async def upserted() -> bool:
            attrs = (await handle.raw.describe()).typed_search_attributes
            return attrs.get(SearchAttributeKey.for_int("Priority")) == 3

        await eventually(upserted, "the upserted Priority")
        attrs = (await handle.raw.describe()).typed_search_attributes
        assert attrs.get(SearchAttributeKey.for_keyword("Customer")) == "acme"
        assert attrs.get(SearchAttributeKey.for_text("Notes")) == "rush order"
        status = await engine.get_status(handle.id)
        assert status.memo == {"team": "sales"}

        async def found() -> bool:
            query = f"Customer = 'acme' AND Priority = 3 AND WorkflowId = '{handle.id}'"
            return [w.id async for w in engine.client.list_workflows(query)] == [handle.id]

        await eventually(found, "the workflow by its search attributes")
        await handle.signal(TaggedOrder.finish)
        assert await handle.result(timeout=60) == "ok"
        attrs = (await handle.raw.describe()).typed_search_attributes
        assert attrs.get(SearchAttributeKey.for_text("Notes")) is None


engine = engine_serving(ReportWorkflow)
