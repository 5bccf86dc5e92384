"""Values and payloads: the data converter every engine uses.

It is temporalio's Pydantic converter with one difference. When several payloads arrive
together without type hints, a payload that cannot be decoded is handed over as a
`RawValue` instead of raising. Inside a workflow temporalio decodes inputs without hints
exactly when their count differs from the handler's declared parameters, and a decoding
error there fails the workflow task forever; handed over, the input reaches the library's
own checks, which reject the count (or the unreadable value) in their own words.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import temporalio.api.common.v1
from temporalio.common import RawValue
from temporalio.contrib.pydantic import PydanticPayloadConverter, pydantic_data_converter


class PayloadConverter(PydanticPayloadConverter):
    """temporalio's Pydantic payload converter, lenient where several inputs go unhinted."""

    def from_payloads(
        self,
        payloads: Sequence[temporalio.api.common.v1.Payload],
        type_hints: list[type] | None = None,
    ) -> list[Any]:
        if type_hints is not None or len(payloads) < 2:
            return super().from_payloads(payloads, type_hints)
        return [self._value_or_raw(payload) for payload in payloads]

    def _value_or_raw(self, payload: temporalio.api.common.v1.Payload) -> Any:
        try:
            return super().from_payloads([payload])[0]
        except Exception:
            return RawValue(payload)


DATA_CONVERTER = dataclasses.replace(pydantic_data_converter, payload_converter_class=PayloadConverter)
