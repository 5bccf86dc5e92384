"""Activities shared by the old and new versions of the patched workflow."""

from __future__ import annotations

from temporal_runtime import activity_def


@activity_def("versioning_label_ground", timeout=30)
async def label_ground(order: str) -> str:
    return f"ground:{order}"


@activity_def("versioning_label_express", timeout=30)
async def label_express(order: str) -> str:
    return f"express:{order}"
