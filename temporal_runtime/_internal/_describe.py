"""What a server's description of a workflow says beyond its status, read back as plain values."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import temporalio.api.enums.v1
import temporalio.client
import temporalio.common
import temporalio.converter
from google.protobuf.timestamp_pb2 import Timestamp

from temporal_runtime._internal._failures import failure_label
from temporal_runtime.activity_handle import PendingActivity

_STATE_PREFIX = "PENDING_ACTIVITY_STATE_"


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
