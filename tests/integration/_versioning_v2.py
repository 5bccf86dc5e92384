"""The NEW code of workflow "PatchShipment" (guarded by a patch), and variants for replay."""

from __future__ import annotations

from temporal_runtime import Workflow
from tests.integration._versioning_activities import label_express, label_ground


class Shipment(Workflow, name="PatchShipment"):
    async def ship(self, order: str) -> str:
        if self.patched("express-labels"):
            return await self.exec(label_express, order)
        return await self.exec(label_ground, order)


class ShipmentUnguarded(Workflow, name="PatchShipmentUnguarded"):
    """The same change made without a patch: old histories no longer replay."""

    async def ship(self, order: str) -> str:
        return await self.exec(label_express, order)


class ShipmentDeprecated(Workflow, name="PatchShipmentDeprecated"):
    """After every pre-patch run has closed: the old branch is deleted."""

    async def ship(self, order: str) -> str:
        self.deprecate_patch("express-labels")
        return await self.exec(label_express, order)
