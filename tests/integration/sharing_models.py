"""Models and an activity, in a module that defines no workflow: the sandbox may share it."""

from __future__ import annotations

from pydantic import BaseModel

from temporal_runtime import activity_def


class Parcel(BaseModel):
    grams: int


class SharingReport(BaseModel):
    model_id: int  # id() of the Parcel class the workflow saw
    arg_is_model: bool  # the input was validated into that class
    runs: int  # runs counted in the workflow module's own state
    remembered: int  # entries in a stateful helper module's list
    weighed: int


@activity_def("sharing_weigh")
async def weigh(parcel: Parcel) -> Parcel:
    return Parcel(grams=parcel.grams + 1)
