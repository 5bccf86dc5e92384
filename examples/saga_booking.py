"""Saga: book a hotel, a flight and a payment; undo the finished steps if a later one fails.

Each reservation registers its compensation right after it succeeds. When a step fails (or
the workflow is cancelled), the compensations run as activities, newest first, shielded
from cancellation, each with its own retry policy; then the error is re-raised.

Run: python -m examples.saga_booking
"""

from __future__ import annotations

import logging

from pydantic import BaseModel

from examples._server import example_engine, run_example
from temporal_runtime import (
    ApplicationError,
    RetryPolicy,
    TemporalEngine,
    Workflow,
    WorkflowFailedError,
    activity_def,
)


class Trip(BaseModel):
    user_id: str
    hotel_id: str
    flight_id: str
    total: float
    fail_at: str | None = None  # "hotel", "flight" or "payment": inject a failure there


class Reservation(BaseModel):
    reservation_id: str


class Booking(BaseModel):
    status: str
    hotel: str
    flight: str
    payment: str


# What ran, in order; a real system would call its services here.
journal: list[str] = []

NO_RETRY = RetryPolicy(maximum_attempts=1)
UNDO_RETRY = RetryPolicy(maximum_attempts=5, initial_interval=0.2)


def _maybe_fail(trip: Trip, step: str) -> None:
    if trip.fail_at == step:
        raise ApplicationError(f"{step} unavailable", type="BookingFailed", non_retryable=True)


@activity_def("saga_reserve_hotel", timeout=30, retry_policy=NO_RETRY)
async def reserve_hotel(trip: Trip) -> Reservation:
    _maybe_fail(trip, "hotel")
    journal.append(f"reserve hotel {trip.hotel_id}")
    return Reservation(reservation_id=f"H-{trip.hotel_id}")


@activity_def("saga_cancel_hotel", timeout=30)
async def cancel_hotel(reservation: Reservation) -> None:
    journal.append(f"cancel hotel {reservation.reservation_id}")


@activity_def("saga_reserve_flight", timeout=30, retry_policy=NO_RETRY)
async def reserve_flight(trip: Trip) -> Reservation:
    _maybe_fail(trip, "flight")
    journal.append(f"reserve flight {trip.flight_id}")
    return Reservation(reservation_id=f"F-{trip.flight_id}")


@activity_def("saga_cancel_flight", timeout=30)
async def cancel_flight(reservation: Reservation) -> None:
    journal.append(f"cancel flight {reservation.reservation_id}")


@activity_def("saga_charge_payment", timeout=30, retry_policy=NO_RETRY)
async def charge_payment(trip: Trip) -> Reservation:
    _maybe_fail(trip, "payment")
    journal.append(f"charge {trip.user_id} {trip.total}")
    return Reservation(reservation_id=f"P-{trip.user_id}")


class BookingSagaWorkflow(Workflow):
    async def book(self, trip: Trip) -> Booking:
        async with self.saga() as saga:
            hotel = await self.exec(reserve_hotel, trip)
            saga.compensate_with(cancel_hotel, hotel, retry_policy=UNDO_RETRY)

            flight = await self.exec(reserve_flight, trip)
            saga.compensate_with(cancel_flight, flight, retry_policy=UNDO_RETRY)

            payment = await self.exec(charge_payment, trip)
        return Booking(
            status="success",
            hotel=hotel.reservation_id,
            flight=flight.reservation_id,
            payment=payment.reservation_id,
        )


async def run(engine: TemporalEngine, fail_at: str | None = None) -> Booking | str:
    trip = Trip(user_id="u-7", hotel_id="ritz", flight_id="LH400", total=1250.0, fail_at=fail_at)
    try:
        return await BookingSagaWorkflow.client(engine).book(trip)
    except WorkflowFailedError as err:
        return f"failed: {err.root_cause_message}"


async def main() -> None:
    # The injected failures are expected here; keep the worker's failure tracebacks out of the output.
    logging.getLogger("temporalio.activity").setLevel(logging.ERROR)
    async with example_engine("bookings") as engine:
        for fail_at in (None, "hotel", "flight", "payment"):
            journal.clear()
            outcome = await run(engine, fail_at)
            print(f"failure at {fail_at or 'nothing'}: {outcome}\n  steps: {journal}")


if __name__ == "__main__":
    run_example(main)
