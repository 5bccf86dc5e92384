"""Units behind issue 12's client and activity capabilities: options, translation, entries, specs."""

from __future__ import annotations

import pickle
from concurrent.futures.process import _RemoteTraceback  # pyright: ignore[reportPrivateUsage]
from datetime import timedelta
from typing import Any, NoReturn

import pytest
import temporalio.client
import temporalio.common
import temporalio.service
from temporalio.exceptions import ApplicationError

from temporal_runtime import (
    ActivityCompletionError,
    ActivityNotFoundError,
    OptionError,
    RetryPolicy,
    ScheduleAlreadyRunningError,
    ScheduleError,
    ScheduleNotFoundError,
    StartOptions,
    Workflow,
    activity_def,
)
from temporal_runtime._internal._activity_defn import SyncEntry
from temporal_runtime._internal._failures import (
    root_cause,
    stack_trace,
    translate_activity,
    translate_schedule,
)
from temporal_runtime._internal._payloads import DATA_CONVERTER
from temporal_runtime._internal._schedule_specs import build_schedule, cron_strings, crons, updated
from temporal_runtime._internal._temporal_options import start_kwargs
from temporal_runtime.testing._memory_activities import backoff


@activity_def("units_double")
def double(n: int) -> int:
    return 2 * n


@activity_def("units_only_raises")
def only_raises(n: int) -> NoReturn:
    raise ApplicationError(f"no {n}", type="No")


class UnitsReport(Workflow):
    async def build(self, team: str, rows: int = 1) -> str:
        return f"{team}:{rows}"


def _rpc(status: temporalio.service.RPCStatusCode, message: str = "boom") -> temporalio.service.RPCError:
    return temporalio.service.RPCError(message, status, b"")


# -- start options ------------------------------------------------------------------------------------


def test_eager_start_and_cron_options_reach_temporal() -> None:
    options = StartOptions().merge(request_eager_start=True, cron_schedule="0 2 * * *")
    assert start_kwargs(options) == {"request_eager_start": True, "cron_schedule": "0 2 * * *"}
    with pytest.raises(OptionError, match="True or False"):
        StartOptions().merge(request_eager_start="yes")  # type: ignore[typeddict-item]
    with pytest.raises(OptionError, match="non-empty string"):
        StartOptions().merge(cron_schedule="")


def test_a_schedule_refuses_start_only_options() -> None:
    definition = UnitsReport.__temporal_runtime__
    method = definition.method("build")
    for option in ({"request_eager_start": True}, {"cron_schedule": "* * * * *"}):
        with pytest.raises(OptionError, match=next(iter(option))):
            build_schedule(
                definition,
                method,
                {"team": "x"},
                StartOptions().merge(**option),  # type: ignore[arg-type]
                default_queue="q",
                cron="0 2 * * *",
                every=None,
                paused=False,
                note=None,
                overlap=None,
                time_zone=None,
            )


# -- schedule specs ------------------------------------------------------------------------------------


def test_cron_strings_keep_themselves_as_comments() -> None:
    assert cron_strings("0 2 * * *") == ["0 2 * * * # 0 2 * * *"]
    assert cron_strings(["@daily", "0 3 * * * # nightly"]) == ["@daily # @daily", "0 3 * * * # nightly"]
    spec = temporalio.client.ScheduleSpec(
        calendars=[
            temporalio.client.ScheduleCalendarSpec(comment="0 2 * * *"),
            temporalio.client.ScheduleCalendarSpec(),
        ]
    )
    assert crons(spec) == ["0 2 * * *"]


def test_update_replaces_only_what_is_given() -> None:
    definition = UnitsReport.__temporal_runtime__
    schedule = build_schedule(
        definition,
        definition.method("build"),
        {"team": "sales"},
        StartOptions(),
        default_queue="q",
        cron="0 2 * * *",
        every=60,
        paused=False,
        note=None,
        overlap=None,
        time_zone=None,
    )
    changed = updated(
        schedule,
        schedule_id="s",
        args=["ops"],
        kwargs={"rows": 3},
        cron=None,
        every=None,
        time_zone=None,
        overlap=None,
    )
    assert changed.spec == schedule.spec
    action = changed.action
    assert isinstance(action, temporalio.client.ScheduleActionStartWorkflow)
    assert action.args == [{"method": "build", "kwargs": {"team": "ops", "rows": 3}}]
    respec = updated(
        schedule,
        schedule_id="s",
        args=None,
        kwargs=None,
        cron="5 4 * * *",
        every=None,
        time_zone="UTC",
        overlap=None,
    )
    assert (respec.spec.cron_expressions, respec.spec.time_zone_name) == (["5 4 * * * # 5 4 * * *"], "UTC")
    assert respec.spec.intervals == schedule.spec.intervals and respec.action is schedule.action
    with pytest.raises(TypeError, match="UnitsReport.build"):
        updated(
            schedule,
            schedule_id="s",
            args=None,
            kwargs={"nope": 1},
            cron=None,
            every=None,
            time_zone=None,
            overlap=None,
        )


# -- error translation ---------------------------------------------------------------------------------


def test_schedule_errors_speak_of_schedules() -> None:
    taken = translate_schedule(
        temporalio.client.ScheduleAlreadyRunningError(), schedule_id="s1", action="create"
    )
    assert isinstance(taken, ScheduleAlreadyRunningError) and taken.schedule_id == "s1"
    gone = translate_schedule(
        _rpc(temporalio.service.RPCStatusCode.NOT_FOUND), schedule_id="s1", action="describe"
    )
    assert isinstance(gone, ScheduleNotFoundError) and "schedule 's1' not found" in str(gone)
    assert "workflow" not in str(gone)
    other = translate_schedule(
        _rpc(temporalio.service.RPCStatusCode.INTERNAL), schedule_id="s1", action="pause"
    )
    assert type(other) is ScheduleError
    plain = ValueError("x")
    assert translate_schedule(plain, schedule_id="s1", action="pause") is plain


def test_async_activity_errors() -> None:
    missing = translate_activity(
        _rpc(temporalio.service.RPCStatusCode.NOT_FOUND), target="'1'", action="complete"
    )
    assert isinstance(missing, ActivityNotFoundError)
    refused = translate_activity(
        _rpc(temporalio.service.RPCStatusCode.FAILED_PRECONDITION, "not cancel requested"),
        target="'1'",
        action="x",
    )
    assert type(refused) is ActivityCompletionError and "not cancel requested" in str(refused)


def test_a_pool_process_traceback_is_where_not_why() -> None:
    raised = ApplicationError("boom", type="Boom")
    text: Any = '"""\nTraceback ...\n  File "work.py", line 3, in crunch\n"""'
    raised.__cause__ = _RemoteTraceback(text)  # it carries the text of the other process's traceback
    root, path = root_cause(raised)
    assert (root, path) == (raised, ["Boom"])
    assert "in crunch" in (stack_trace(raised) or "")


# -- activity definitions and entries -----------------------------------------------------------------


def test_a_def_activity_entry_pickles_by_name() -> None:
    entry = double.definition.temporal_fn
    assert isinstance(entry, SyncEntry)
    again = pickle.loads(pickle.dumps(entry))
    assert again is entry  # found by its name, as a pool process finds it after importing
    sent = again(21)  # encoded, its size checked, as the worker sends it
    assert isinstance(sent, temporalio.common.RawValue)
    assert DATA_CONVERTER.payload_converter.from_payload(sent.payload) == 42
    assert len(pickle.dumps(entry)) < 200  # the name and module, not the function


def test_no_return_activity_definition() -> None:
    definition = only_raises.definition
    assert (definition.no_return, definition.result_adapter) == (True, None)
    with pytest.raises(ApplicationError, match="declared -> NoReturn but returned 3") as returned:
        definition.check_result(3)
    assert returned.value.non_retryable


def test_a_result_that_does_not_fit_fails_the_workflow_not_its_task() -> None:
    with pytest.raises(ApplicationError) as failed:
        double.definition.convert_result("not a number")
    assert (failed.value.type, failed.value.non_retryable) == ("InvalidActivityResult", True)


def test_backoff_never_overflows() -> None:
    policy = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=5))
    assert backoff(policy, 1) == timedelta(seconds=1)
    assert backoff(policy, 10_000) == timedelta(minutes=5)
    unbounded = temporalio.common.RetryPolicy(initial_interval=timedelta(seconds=1))
    assert backoff(unbounded, 10_000) == timedelta(seconds=100)
