"""What a server's description of a workflow says beyond its status, read back as plain values."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import temporalio.api.enums.v1
import temporalio.client
import temporalio.common
import temporalio.converter
from google.protobuf.timestamp_pb2 import Timestamp

from temporal_runtime._internal import _envelope
from temporal_runtime._internal._failures import failure_label
from temporal_runtime.activity_handle import PendingActivity
from temporal_runtime.handle import ExecutionStatus

_STATE_PREFIX = "PENDING_ACTIVITY_STATE_"
logger: logging.Logger = logging.getLogger("temporal_runtime.engine")


def search_attributes(desc: temporalio.client.WorkflowExecutionDescription) -> dict[str, Any]:
    """The workflow's search attributes by name, with their Python values."""
    pairs: list[temporalio.common.SearchAttributePair[Any]] = list(desc.typed_search_attributes)
    return {pair.key.name: pair.value for pair in pairs}


def _time(message: Any, field: str) -> datetime | None:
    if not message.HasField(field):
        return None
    stamp: Timestamp = getattr(message, field)
    return stamp.ToDatetime(tzinfo=UTC)


async def pending_activities(
    desc: temporalio.client.WorkflowExecutionDescription, converter: temporalio.converter.DataConverter
) -> list[PendingActivity]:
    """The activities the workflow waits for, with their attempt, heartbeats and last failure."""
    found: list[PendingActivity] = []
    for info in desc.raw_description.pending_activities:
        failure_type = failure_message = None
        if info.HasField("last_failure"):
            failure_type, failure_message = failure_label(await converter.decode_failure(info.last_failure))
        details: list[Any] = []
        if info.HasField("heartbeat_details"):
            details = list(await converter.decode(info.heartbeat_details.payloads))
        state = temporalio.api.enums.v1.PendingActivityState.Name(info.state)
        found.append(
            PendingActivity(
                activity_id=info.activity_id,
                activity_type=info.activity_type.name,
                state=state.removeprefix(_STATE_PREFIX),
                attempt=info.attempt,
                maximum_attempts=info.maximum_attempts,
                scheduled_time=_time(info, "scheduled_time"),
                last_started_time=_time(info, "last_started_time"),
                last_heartbeat_time=_time(info, "last_heartbeat_time"),
                heartbeat_details=details,
                last_failure_type=failure_type,
                last_failure_message=failure_message,
            )
        )
    return found


def status_name(status: temporalio.client.WorkflowExecutionStatus | None) -> ExecutionStatus:
    """Temporal's execution status, by name (UNKNOWN for one this library does not know)."""
    if status is None:
        return ExecutionStatus.UNKNOWN
    return ExecutionStatus.__members__.get(status.name, ExecutionStatus.UNKNOWN)


async def method_from_history(handle: temporalio.client.WorkflowHandle[Any, Any]) -> str | None:
    """The entry method in the start input, for runs started without our memo."""
    try:
        async for event in handle.fetch_history_events(page_size=1):
            payloads = list(event.workflow_execution_started_event_attributes.input.payloads)
            converter = handle._client.data_converter
            if converter.payload_codec is not None:
                payloads = await converter.payload_codec.decode(payloads)
            return _envelope.method_in_payloads(payloads, converter.payload_converter)
    except Exception:  # the status is still useful without the method
        logger.debug("cannot read the start input of %s", handle.id, exc_info=True)
    return None
