"""Versioning: a history recorded with the old code replays against the patched code."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions
from temporalio.workflow import NondeterminismError

from temporal_runtime import DevServer, TemporalEngine, Workflow
from temporal_runtime._internal._workers import DEFAULT_PASSTHROUGH
from temporal_runtime.workflow import definition_of
from tests.integration import _versioning_v2 as v2
from tests.integration._engines import engine_serving

ROOT = Path(__file__).resolve().parents[2]


async def _record_old_history(dev_server: DevServer, tmp_path: Path) -> str:
    out = tmp_path / "history.json"
    code = (
        "import asyncio, os, sys; from tests.integration import _versioning_v1 as m; "
        f"asyncio.run(m.record({dev_server.address!r}, 'versioning-old', {str(out)!r})); "
        # Skip interpreter teardown: temporalio/sdk-python#300 can abort it in short-lived processes.
        "sys.stdout.flush(); os._exit(0)"
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    stdout, stderr = await proc.communicate()
    assert proc.returncode == 0, stderr.decode()
    return out.read_text()


def _as_type(history_json: str, workflow_type: str) -> str:
    """The same history, as if recorded for another workflow type (to replay a variant)."""
    data = json.loads(history_json)
    data["events"][0]["workflowExecutionStartedEventAttributes"]["workflowType"]["name"] = workflow_type
    return json.dumps(data)


async def _replay(cls: type[Workflow], history_json: str) -> None:
    adapter = definition_of(cls).adapter
    assert adapter is not None
    replayer = Replayer(
        workflows=[adapter],
        data_converter=pydantic_data_converter,
        workflow_runner=SandboxedWorkflowRunner(
            restrictions=SandboxRestrictions.default.with_passthrough_modules(*DEFAULT_PASSTHROUGH)
        ),
    )
    await replayer.replay_workflow(WorkflowHistory.from_json("replayed", history_json))


async def test_old_history_replays_across_patch(dev_server: DevServer, tmp_path: Path) -> None:
    old = await _record_old_history(dev_server, tmp_path)
    assert "versioning_label_ground" in old
    await _replay(v2.Shipment, old)  # the patched code takes the old branch: no error
    with pytest.raises(NondeterminismError):
        await _replay(v2.ShipmentUnguarded, _as_type(old, "PatchShipmentUnguarded"))


async def test_new_runs_take_the_patch_and_survive_deprecation(engine: TemporalEngine) -> None:
    handle = await v2.Shipment.client(engine).async_.ship("o-2")
    assert await handle.result(timeout=60) == "express:o-2"
    history = (await handle.raw.fetch_history()).to_json()
    assert "EVENT_TYPE_MARKER_RECORDED" in history  # the patch marker was recorded
    await _replay(v2.Shipment, history)
    await _replay(v2.ShipmentDeprecated, _as_type(history, "PatchShipmentDeprecated"))


engine = engine_serving(v2.Shipment)
