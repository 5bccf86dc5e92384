"""`activity_def`: inference, validation on the worker side, and direct calls."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from pydantic import BaseModel, Field
from temporalio.common import RawValue
from temporalio.exceptions import ApplicationError

from temporal_runtime import Activity, RegistrationError, RetryPolicy, activity_def
from temporal_runtime._internal._payloads import BLOB_SIZE_LIMIT, DATA_CONVERTER


class Mail(BaseModel):
    to: str
    retries: int = Field(default=0, ge=0)


class Sent(BaseModel):
    message_id: str


async def send_impl(args: Mail) -> Sent:
    return Sent(message_id=f"m-{args.to}")


def test_call_form_with_explicit_types_calls_the_implementation() -> None:
    send = activity_def("unit_send", Args=Mail, Result=Sent)(send_impl)
    assert isinstance(send, Activity)
    assert send.name == "unit_send"
    assert send.__wrapped__ is send_impl
    assert send.__name__ == "send_impl"
    assert send.definition.args_type is Mail
    assert send.definition.result_type is Sent
    assert send.definition.is_async
    assert asyncio.run(send(Mail(to="a"))) == Sent(message_id="m-a")


def test_decorator_form_infers_types_and_keeps_defaults() -> None:
    @activity_def(
        "unit_charge_sync", timeout=30, retry_policy=RetryPolicy(maximum_attempts=2), task_queue="pay"
    )
    def charge(args: Mail) -> str:
        return f"charged {args.to}"

    defn = charge.definition
    assert (defn.args_type, defn.result_type) == (Mail, str)
    assert not defn.is_async
    assert defn.takes_args
    assert defn.defaults.timeout == timedelta(seconds=30)
    assert defn.task_queue == "pay"
    assert charge(Mail(to="b")) == "charged b"


def test_no_argument_activity() -> None:
    @activity_def("unit_noargs")
    async def tick() -> None: ...

    assert not tick.definition.takes_args
    assert tick.definition.result_type is None


async def test_worker_entry_validates_input_and_names_the_field() -> None:
    send = activity_def("unit_send_checked", Args=Mail, Result=Sent)(send_impl)
    entry = send.definition.temporal_fn
    # The entry hands temporalio the result already encoded (its size checked).
    sent = await entry({"to": "x"})
    assert isinstance(sent, RawValue)
    assert DATA_CONVERTER.payload_converter.from_payload(sent.payload, Sent) == Sent(message_id="m-x")
    with pytest.raises(ApplicationError) as info:
        await entry({"to": "x", "retries": -1})
    assert info.value.type == "InvalidActivityInput"
    assert info.value.non_retryable
    assert "args.retries" in info.value.message
    assert "unit_send_checked" in info.value.message
    with pytest.raises(ApplicationError, match="takes 1 argument"):
        await entry()


def test_worker_entry_validates_result_and_names_the_field() -> None:
    @activity_def("unit_bad_result", Result=Sent)
    def bad() -> Sent:
        return {"id": "no"}  # type: ignore[return-value]

    with pytest.raises(ApplicationError) as info:
        bad.definition.temporal_fn()
    assert info.value.type == "InvalidActivityResult"
    assert info.value.non_retryable
    assert "result.message_id" in info.value.message


def test_worker_entry_fails_a_result_over_the_payload_limit_for_good() -> None:
    @activity_def("unit_huge_result")
    def huge() -> str:
        return "x" * BLOB_SIZE_LIMIT

    with pytest.raises(ApplicationError) as info:
        huge.definition.temporal_fn()
    assert info.value.type == "PayloadTooLarge"
    assert info.value.non_retryable
    assert "activity 'unit_huge_result'" in info.value.message
    assert "bytes encoded, over Temporal's payload size limit" in info.value.message
    assert f"{BLOB_SIZE_LIMIT:,} bytes" in info.value.message


def test_malformed_activities_list_every_problem() -> None:
    with pytest.raises(RegistrationError) as info:

        @activity_def("unit_bad_shape")
        async def bad(a: int, b: int) -> None: ...

    assert "takes 2 parameters" in str(info.value)

    with pytest.raises(RegistrationError) as info:

        @activity_def("unit_bad_star")
        async def star(*args: int, **kwargs: int) -> None: ...

    message = str(info.value)
    assert "2 reason(s)" in message
    assert "'args'" in message and "'kwargs'" in message

    with pytest.raises(RegistrationError, match="has no type annotation"):

        @activity_def("unit_bad_annotation")
        async def untyped(x):  # type: ignore[no-untyped-def]
            return x


def test_activity_with_a_local_type_reports_only_that() -> None:
    class LocalArgs(BaseModel):  # invisible to this module's string annotations
        n: int

    with pytest.raises(RegistrationError) as info:

        @activity_def("unit_local_type")
        async def local(args: LocalArgs) -> int:
            return args.n

    message = str(info.value)
    assert "1 reason(s)" in message
    assert "the annotation of parameter 'args' ('LocalArgs') cannot be resolved" in message
    assert "define or import 'LocalArgs' at module level" in message
