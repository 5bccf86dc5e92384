"""The engines' data converter: temporalio's Pydantic one, lenient only where inputs go unhinted."""

from __future__ import annotations

import pytest
from temporalio.api.common.v1 import Payload
from temporalio.common import RawValue
from temporalio.exceptions import ApplicationError

from temporal_runtime._internal._payloads import (
    BLOB_SIZE_LIMIT,
    DATA_CONVERTER,
    UPDATE_RESERVE,
    encode_checked,
    oversize,
)

NOT_JSON = Payload(metadata={"encoding": b"json/plain"}, data=b"{not json")
CONVERTER = DATA_CONVERTER.payload_converter


def test_several_unhinted_payloads_hand_over_the_unreadable_one_raw() -> None:
    good = CONVERTER.to_payload({"method": "run"})
    values = CONVERTER.from_payloads([NOT_JSON, good])
    assert isinstance(values[0], RawValue)
    assert values[0].payload == NOT_JSON
    assert values[1] == {"method": "run"}


def test_a_single_payload_still_raises() -> None:
    # Results and memo values are single payloads: those keep temporalio's behaviour.
    with pytest.raises(Exception, match="Invalid JSON"):
        CONVERTER.from_payloads([NOT_JSON])


def test_hinted_payloads_are_untouched() -> None:
    with pytest.raises(Exception, match="Invalid JSON"):
        CONVERTER.from_payloads([NOT_JSON, NOT_JSON], [dict, dict])
    raw = CONVERTER.from_payloads([NOT_JSON], [RawValue])
    assert raw[0].payload == NOT_JSON


def test_round_trip_is_pydantics() -> None:
    payloads = CONVERTER.to_payloads([{"a": 1}, [1, 2], "x"])
    assert CONVERTER.from_payloads(payloads) == [{"a": 1}, [1, 2], "x"]


def test_a_payload_at_the_limit_passes_and_one_over_it_fails_for_good() -> None:
    small = encode_checked(CONVERTER, {"a": 1}, "the result of x")
    assert CONVERTER.from_payload(small.payload) == {"a": 1}
    at_limit = CONVERTER.to_payload("x" * (BLOB_SIZE_LIMIT - 64))
    assert oversize([at_limit], "it") is None
    with pytest.raises(ApplicationError) as info:
        encode_checked(CONVERTER, "x" * BLOB_SIZE_LIMIT, "the result of activity 'a'")
    assert info.value.type == "PayloadTooLarge" and info.value.non_retryable
    assert info.value.message.startswith("the result of activity 'a' is 2,097,")


def test_update_arguments_leave_room_for_the_request_around_them() -> None:
    near = [CONVERTER.to_payload("u" * (BLOB_SIZE_LIMIT - UPDATE_RESERVE // 2))]
    assert oversize(near, "a signal") is None
    problem = oversize(near, "update 'take'", reserve=UPDATE_RESERVE)
    assert problem is not None
    assert f"less {UPDATE_RESERVE:,} bytes for the update request" in problem[1]
