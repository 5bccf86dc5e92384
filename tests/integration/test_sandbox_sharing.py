"""On the dev server: the sandbox shares the modules that define no workflow and hold no state
(by default), re-imports the others for every run, and shares nothing more when told not to."""

from __future__ import annotations

from temporal_runtime import TemporalEngine
from temporal_runtime.testing.pytest_plugin import SharedDevServer
from tests.integration import sharing_models, sharing_state, sharing_workflows
from tests.integration.sharing_models import Parcel
from tests.integration.sharing_workflows import SharingProbe


async def _two_runs(dev_server: SharedDevServer, task_queue: str, **engine_options: bool) -> list[object]:
    async with TemporalEngine(
        url=dev_server.address,
        task_queue=task_queue,
        workflows=[SharingProbe],
        activities=[sharing_models.weigh],
        **engine_options,
    ) as engine:
        client = SharingProbe.client(engine)
        return [await client.probe(Parcel(grams=n)) for n in (1, 2)]


async def test_models_are_shared_and_module_state_stays_per_run(
    dev_server: SharedDevServer, task_queue: str
) -> None:
    reports = await _two_runs(dev_server, task_queue)
    for grams, report in zip((2, 3), reports, strict=True):
        assert isinstance(report, sharing_models.SharingReport)
        # The models module passed through: the workflow saw the process's own class.
        assert report.model_id == id(Parcel) and report.arg_is_model
        # The workflow module and the stateful helper were imported afresh for each run.
        assert report.runs == 1 and report.remembered == 1
        assert report.weighed == grams
    # Nothing a run did reached the process's copies of those modules.
    assert sharing_workflows.RUNS == [] and sharing_state.SEEN == []


async def test_auto_passthrough_off_shares_only_what_is_configured(
    dev_server: SharedDevServer, task_queue: str
) -> None:
    reports = await _two_runs(dev_server, task_queue, auto_passthrough=False)
    for report in reports:
        assert isinstance(report, sharing_models.SharingReport)
        # Re-imported for the run: a class of the sandbox's own, and the input validated into it.
        assert report.model_id != id(Parcel) and report.arg_is_model
        assert report.runs == 1 and report.remembered == 1
