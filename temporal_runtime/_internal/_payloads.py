"""Values and payloads: the data converter every engine uses, and Temporal's payload size limit.

The converter is temporalio's Pydantic converter with one difference. When several payloads arrive
together without type hints, a payload that cannot be decoded is handed over as a
`RawValue` instead of raising. Inside a workflow temporalio decodes inputs without hints
exactly when their count differs from the handler's declared parameters, and a decoding
error there fails the workflow task forever; handed over, the input reaches the library's
own checks, which reject the count (or the unreadable value) in their own words.

The server refuses a payload field over its blob size limit, and temporalio reports an
activity or workflow result over it as a retryable failure, so the default retry policy
retries it forever. `encode_checked` encodes a result once, checks it here and hands the
payload over as a `RawValue`; `PayloadLimitInterceptor` does the same for what a client
sends (update-with-start included), raising `PayloadTooLargeError` before anything leaves
the process. Sizes are those before a payload codec: encryption adds a few dozen bytes,
compression may take many away.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any, cast

import temporalio.api.common.v1
import temporalio.client
import temporalio.converter
from pydantic import ValidationError
from temporalio.common import RawValue
from temporalio.contrib.pydantic import PydanticPayloadConverter, pydantic_data_converter
from temporalio.exceptions import ApplicationError

from temporal_runtime._internal._validation import describe_validation_error
from temporal_runtime._internal._workflow_defn import InputError
from temporal_runtime.errors import PayloadTooLargeError

# Temporal's default error limit for one payload field (the dev server's and Temporal Cloud's);
# the server also warns above 512 KiB.
BLOB_SIZE_LIMIT = 2 * 1024 * 1024
PAYLOAD_TOO_LARGE = "PayloadTooLarge"
# The worker accepts (or rejects) an update with a message that carries the whole request, so
# its arguments must leave room for the name, ids and headers: no worker can answer a bigger
# one, and the workflow's task fails until the workflow is terminated.
UPDATE_RESERVE = 16 * 1024
_RESERVED_FOR = "update request around the arguments"
# What one payload adds to its Payloads message beyond its own size: a tag byte and a length
# varint of at most 5 bytes (sizes under 4 GiB).
_FIELD_OVERHEAD = 6


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


def read_raw(value: Any, converter: temporalio.converter.PayloadConverter | None, what: str) -> Any:
    """`value`, decoded with `converter` if temporalio handed it over undecoded (a `RawValue`).

    Raises `InputError` naming `what` when the payload cannot be read.
    """
    if not isinstance(value, RawValue):
        return value
    if converter is None:
        raise InputError(f"{what} arrived undecoded and there is no converter to read it")
    try:
        return converter.from_payload(value.payload)
    except ValidationError as err:
        detail = describe_validation_error(err)
    except Exception as err:
        detail = f"{type(err).__name__}: {err}"
    raise InputError(f"{what} is not readable JSON ({detail})")


def oversize(
    payloads: Sequence[temporalio.api.common.v1.Payload], what: str, *, reserve: int = 0
) -> tuple[int, str] | None:
    """The encoded size of `payloads` and a message naming `what`, if they are over the limit
    (less `reserve` bytes for what travels with them in the same field)."""
    # Measured as the server and temporalio's core measure it: the encoded Payloads message.
    size = temporalio.api.common.v1.Payloads(payloads=payloads).ByteSize()
    if size <= BLOB_SIZE_LIMIT - reserve:
        return None
    room = f" less {reserve:,} bytes for the {_RESERVED_FOR}" if reserve else ""
    return size, (
        f"{what} is {size:,} bytes encoded, over Temporal's payload size limit of "
        f"{BLOB_SIZE_LIMIT:,} bytes{room}; keep large data outside the workflow (an object store, "
        "a database) and pass a reference to it"
    )


def encode_checked(converter: temporalio.converter.PayloadConverter, value: Any, what: str) -> RawValue:
    """Encode a result once; over the limit it fails at once, non-retryable, instead of forever."""
    payload = converter.to_payload(value)
    problem = oversize([payload], what)
    if problem is not None:
        raise ApplicationError(problem[1], type=PAYLOAD_TOO_LARGE, non_retryable=True)
    return RawValue(payload)


def _encode_args(
    args: Sequence[Any],
    what: Callable[[], str],
    workflow_id: str,
    workflow_type: str | None = None,
    *,
    reserve: int = 0,
) -> list[Any]:
    if not args:
        return []
    payloads = DATA_CONVERTER.payload_converter.to_payloads(args)
    # Every start, signal and update passes here: the exact size (which copies the payloads into
    # one message) and the description are worked out only when a cheap upper bound is over.
    bound = sum(payload.ByteSize() for payload in payloads) + _FIELD_OVERHEAD * len(payloads)
    if bound > BLOB_SIZE_LIMIT - reserve:
        problem = oversize(payloads, what(), reserve=reserve)
        if problem is not None:
            size, message = problem
            raise PayloadTooLargeError(
                message,
                size=size,
                limit=BLOB_SIZE_LIMIT,
                workflow_id=workflow_id,
                workflow_type=workflow_type,
            )
    # Encoded once: temporalio sends a RawValue's payload as it is.
    return [RawValue(payload) for payload in payloads]


def _started(workflow: str, args: Sequence[Any]) -> str:
    envelope: Any = args[0] if len(args) == 1 else None
    method: Any = cast(dict[str, Any], envelope).get("method") if isinstance(envelope, dict) else None
    what = f"{workflow}.{method}" if isinstance(method, str) else f"workflow '{workflow}'"
    return f"the input of {what}"


class _Outbound(temporalio.client.OutboundInterceptor):
    async def start_workflow(
        self, input: temporalio.client.StartWorkflowInput
    ) -> temporalio.client.WorkflowHandle[Any, Any]:
        input.args = _encode_args(
            input.args, lambda: _started(input.workflow, input.args), input.id, input.workflow
        )
        if input.start_signal is not None:
            input.start_signal_args = _encode_args(
                input.start_signal_args, lambda: f"signal '{input.start_signal}'", input.id, input.workflow
            )
        return await super().start_workflow(input)

    async def signal_workflow(self, input: temporalio.client.SignalWorkflowInput) -> None:
        input.args = _encode_args(
            input.args, lambda: f"signal '{input.signal}' to workflow '{input.id}'", input.id
        )
        await super().signal_workflow(input)

    async def query_workflow(self, input: temporalio.client.QueryWorkflowInput) -> Any:
        input.args = _encode_args(
            input.args, lambda: f"query '{input.query}' to workflow '{input.id}'", input.id
        )
        return await super().query_workflow(input)

    async def start_workflow_update(
        self, input: temporalio.client.StartWorkflowUpdateInput
    ) -> temporalio.client.WorkflowUpdateHandle[Any]:
        input.args = _encode_args(
            input.args,
            lambda: f"update '{input.update}' to workflow '{input.id}'",
            input.id,
            reserve=UPDATE_RESERVE,
        )
        return await super().start_workflow_update(input)

    async def start_update_with_start_workflow(
        self, input: temporalio.client.StartWorkflowUpdateWithStartInput
    ) -> temporalio.client.WorkflowUpdateHandle[Any]:
        start, update = input.start_workflow_input, input.update_workflow_input
        try:
            start.args = _encode_args(
                start.args, lambda: _started(start.workflow, start.args), start.id, start.workflow
            )
            update.args = _encode_args(
                update.args,
                lambda: f"update '{update.update}' to workflow '{start.id}'",
                start.id,
                start.workflow,
                reserve=UPDATE_RESERVE,
            )
        except BaseException as err:
            # The operation's start handle is settled only by temporalio's own client code, which
            # a refusal here never reaches: settle it as that code does, or it is awaited forever.
            input._on_start_error(err)  # pyright: ignore[reportPrivateUsage]
            raise
        return await super().start_update_with_start_workflow(input)


class PayloadLimitInterceptor(temporalio.client.Interceptor):
    """Refuses a start, signal, query or update whose arguments are over the limit, before sending."""

    def intercept_client(
        self, next: temporalio.client.OutboundInterceptor
    ) -> temporalio.client.OutboundInterceptor:
        return _Outbound(next)
