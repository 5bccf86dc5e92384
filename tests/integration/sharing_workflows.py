"""A workflow reporting what its sandbox shares with the process (test_sandbox_sharing.py)."""

from __future__ import annotations

from temporal_runtime import Workflow
from tests.integration.sharing_models import Parcel, SharingReport, weigh
from tests.integration.sharing_state import remember

# The workflow module's own state: each run starts from an empty list.
RUNS: list[int] = []


class SharingProbe(Workflow, name="SharingProbe"):
    async def probe(self, parcel: Parcel) -> SharingReport:
        RUNS.append(1)
        weighed = await self.exec(weigh, parcel, timeout=30)
        return SharingReport(
            model_id=id(Parcel),
            arg_is_model=type(parcel) is Parcel,
            runs=len(RUNS),
            remembered=remember("probe"),
            weighed=weighed.grams,
        )
