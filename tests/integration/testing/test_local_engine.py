"""local_engine and the pytest plugin's fixtures, on real local servers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

import pytest

from examples import orders
from temporal_runtime import TemporalEngine
from temporal_runtime.errors import WorkflowFailedError
from temporal_runtime.testing import local_engine
from temporal_runtime.testing.pytest_plugin import SharedDevServer
from tests.kit_workflows import Email, KitGate, KitMailer, KitSleeper, Sent, send_email


@pytest.fixture
def temporal_activities() -> Mapping[Any, Callable[..., Any]]:
    async def fake(item: orders.Item) -> str:
        return f"fake-packed {item.sku}"

    return {orders.process_item: fake}


async def test_temporal_engine_fixture_serves_fakes(temporal_engine: TemporalEngine) -> None:
    result = await orders.OrderProcessingWorkflow.client(temporal_engine).process_order(
        orders.Order(order_id="F-1", items=[orders.Item(sku="kiwi")])
    )
    assert result == orders.OrderResult(status="completed", items=1)


async def test_time_skipping_fixture_sleeps_a_day_instantly(
    temporal_time_skipping_engine: TemporalEngine,
) -> None:
    clock = await KitSleeper.client(temporal_time_skipping_engine).nap(86400)
    assert clock.after - clock.before >= timedelta(days=1)


async def test_fake_failing_twice_shows_three_attempts_on_a_real_server(dev_server: SharedDevServer) -> None:
    attempts: list[int] = []

    async def flaky(args: Email) -> Sent:
        attempts.append(1)
        if len(attempts) < 3:
            raise ConnectionError("smtp down")
        return Sent(message_id=f"fake-{args.to}", attempt=len(attempts))

    async with local_engine(address=dev_server.address, activities={"kit_send_email": flaky}) as engine:
        sent = await KitMailer.client(engine).notify("ada@example.com", attempts=3)
    assert sent == Sent(message_id="fake-ada@example.com", attempt=3)
    assert len(attempts) == 3


async def test_fake_results_are_validated_on_the_worker(dev_server: SharedDevServer) -> None:
    async def wrong(args: Email) -> Any:
        return {"no": "id"}

    async with local_engine(address=dev_server.address, activities={send_email: wrong}) as engine:
        with pytest.raises(WorkflowFailedError) as caught:
            await KitMailer.client(engine).notify("b@example.com")
    assert caught.value.root_cause_type == "InvalidActivityResult"


async def test_local_engine_starts_its_own_time_skipping_server() -> None:
    async with local_engine(time_skipping=True) as engine:
        handle = await KitGate.client(engine).async_.wait(timeout=7 * 86400)
        assert await handle.result() == "timed out"


async def test_local_engine_starts_its_own_dev_server() -> None:
    async with local_engine() as engine:
        handle = await KitGate.client(engine).async_.wait()
        await handle.signal("open", "zoe")
        assert await handle.result(timeout=60) == "opened by zoe"
