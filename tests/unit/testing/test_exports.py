"""temporal_runtime.testing exports exactly its public names; plain-object unit tests still work."""

from __future__ import annotations

from unittest.mock import AsyncMock, patch

import temporal_runtime.testing as testing
from tests.kit_workflows import Email, KitMailer, Sent


def test_public_names() -> None:
    assert sorted(testing.__all__) == [
        "ActivityCall",
        "InMemoryEngine",
        "LocalEngine",
        "ReplayError",
        "export_history",
        "local_engine",
        "replay",
        "replay_history",
        "replay_workflows",
    ]
    for name in testing.__all__:
        assert getattr(testing, name).__module__.startswith("temporal_runtime.testing")


async def test_patching_exec_on_a_plain_instance_keeps_working() -> None:
    wf = KitMailer()
    with patch.object(wf, "exec", new_callable=AsyncMock, return_value=Sent(message_id="m")) as fake:
        assert await wf.notify("ada@example.com") == Sent(message_id="m")
    args = fake.await_args
    assert args is not None and args.args[1] == Email(to="ada@example.com", subject="hi")
