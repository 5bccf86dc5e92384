"""Routing without a server: option checks, their temporalio keywords, versioning, tuning, context."""

from __future__ import annotations

import asyncio
import logging
from contextvars import ContextVar
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import temporalio.common
import temporalio.workflow
from temporalio.worker import PollerBehaviorAutoscaling, PollerBehaviorSimpleMaximum, WorkerTuner

from temporal_runtime import (
    ConfigError,
    ContextPropagator,
    NotInWorkflowError,
    OptionError,
    RegistrationError,
    TemporalEngine,
    VersioningBehavior,
    Workflow,
)
from temporal_runtime._internal._temporal_options import activity_kwargs, start_kwargs
from temporal_runtime._internal._worker_options import deployment_options, tuning_options
from temporal_runtime._internal._workflow_defn import WorkflowDefinition
from temporal_runtime.config import DeploymentDefaults, WorkerDefaults, load_config
from temporal_runtime.options import ActivityOptions, ChildOptions, StartOptions
from temporal_runtime.workflow import definition_of

# -- options and their temporalio keywords ------------------------------------------------------


def test_start_options_become_priority_and_user_metadata() -> None:
    options = StartOptions().merge(
        priority=2, fairness_key="acme", fairness_weight=2, summary="s", details="d"
    )
    given = start_kwargs(options)
    assert given["priority"] == temporalio.common.Priority(
        priority_key=2, fairness_key="acme", fairness_weight=2.0
    )
    assert (given["static_summary"], given["static_details"]) == ("s", "d")
    child = start_kwargs(ChildOptions().merge(fairness_key="acme"))
    assert child == {"priority": temporalio.common.Priority(fairness_key="acme")}
    assert "priority" not in start_kwargs(StartOptions())


def test_activity_options_become_priority_and_summary_but_local_ones_have_no_priority() -> None:
    options = ActivityOptions().merge(timeout=5, priority=1, summary="charge the card")
    remote = activity_kwargs(options, local=False)
    assert remote["priority"] == temporalio.common.Priority(priority_key=1)
    assert remote["summary"] == "charge the card"
    local = activity_kwargs(options, local=True)
    assert "priority" not in local and local["summary"] == "charge the card"


def test_the_summary_defaults_only_where_none_is_given() -> None:
    assert StartOptions().with_summary("place").summary == "place"
    assert StartOptions(summary="mine").with_summary("place").summary == "mine"


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("priority", True),
        ("priority", "1"),
        ("fairness_key", ""),
        ("fairness_weight", 5000),
        ("fairness_weight", "2"),
        ("summary", "  "),
    ],
)
def test_bad_values_name_the_option(option: str, value: Any) -> None:
    with pytest.raises(OptionError, match=repr(option)):
        ActivityOptions().merge(**{option: value})


# -- timers and current details outside a workflow ---------------------------------------------


def test_timer_summaries_and_details_are_checked_before_the_runtime() -> None:
    class UnitTimerMisuse(Workflow):
        async def run(self) -> None:
            await self.wait_until(lambda: True, summary="no timer here")

    with pytest.raises(OptionError, match="give timeout= too"):
        asyncio.run(UnitTimerMisuse().run())
    with pytest.raises(OptionError, match="one line"):
        asyncio.run(UnitTimerMisuse().sleep(1, summary="a\nb"))
    with pytest.raises(OptionError, match="takes a string"):
        UnitTimerMisuse().set_current_details(3)  # type: ignore[arg-type]
    with pytest.raises(NotInWorkflowError, match="set_current_details"):
        UnitTimerMisuse().set_current_details("now")


def test_set_current_details_is_a_reserved_name() -> None:
    with pytest.raises(RegistrationError, match="set_current_details"):

        class UnitDetailsClash(Workflow):
            async def run(self) -> None: ...

            def set_current_details(self, details: str) -> None: ...


# -- per-class versioning -----------------------------------------------------------------------


def _temporal_behaviour(definition: WorkflowDefinition) -> temporalio.common.VersioningBehavior:
    found = temporalio.workflow._Definition.from_class(definition.adapter)  # pyright: ignore[reportPrivateUsage, reportArgumentType]
    assert found is not None
    return found.versioning_behavior


def test_versioning_is_stored_inherited_and_given_to_temporal() -> None:
    class UnitPinnedBase(Workflow, abstract=True, versioning=VersioningBehavior.PINNED):
        pass

    class UnitPinned(UnitPinnedBase):
        async def run(self) -> None: ...

    class UnitUpgrading(UnitPinnedBase, versioning=VersioningBehavior.AUTO_UPGRADE):
        async def run(self) -> None: ...

    class UnitPlain(Workflow):
        async def run(self) -> None: ...

    assert definition_of(UnitPinned).versioning is VersioningBehavior.PINNED
    assert _temporal_behaviour(definition_of(UnitPinned)) is VersioningBehavior.PINNED
    assert _temporal_behaviour(definition_of(UnitUpgrading)) is VersioningBehavior.AUTO_UPGRADE
    assert definition_of(UnitPlain).versioning is None
    assert _temporal_behaviour(definition_of(UnitPlain)) is VersioningBehavior.UNSPECIFIED


def test_a_bad_versioning_value_is_a_registration_error() -> None:
    with pytest.raises(
        RegistrationError, match="VersioningBehavior.PINNED or VersioningBehavior.AUTO_UPGRADE"
    ):

        class UnitBadVersioning(Workflow, versioning="pinned"):
            async def run(self) -> None: ...


# -- deployment configuration -------------------------------------------------------------------


def test_the_deployment_comes_from_the_environment_and_engine_arguments_win() -> None:
    env = {"TEMPORAL_RUNTIME_DEPLOYMENT__NAME": "orders", "TEMPORAL_RUNTIME_DEPLOYMENT__BUILD_ID": "abc123"}
    config = load_config(start=Path("/"), env=env)
    assert config.deployment.version == "orders.abc123"
    engine = TemporalEngine(config=config, build_id="def456", start_worker=False)
    assert engine.deployment.version == "orders.def456"
    assert TemporalEngine(config=config, start_worker=False).deployment.build_id == "abc123"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TEMPORAL_RUNTIME_DEPLOYMENT__NAME": "orders"}, "build_id is not set"),
        ({"TEMPORAL_RUNTIME_DEPLOYMENT__BUILD_ID": "1"}, "name is not set"),
        ({"TEMPORAL_RUNTIME_DEPLOYMENT__DEFAULT_VERSIONING": "pinned"}, "needs a worker deployment"),
        ({"TEMPORAL_RUNTIME_DEPLOYMENT__DEFAULT_VERSIONING": "sticky"}, "'pinned' or 'auto_upgrade'"),
        (
            {"TEMPORAL_RUNTIME_DEPLOYMENT__NAME": "a.b", "TEMPORAL_RUNTIME_DEPLOYMENT__BUILD_ID": "1"},
            "deployment.name",
        ),
    ],
)
def test_deployment_mistakes_are_config_errors(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(start=Path("/"), env=env)


def test_an_engine_build_id_without_a_name_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"TemporalEngine\(deployment_name=, build_id=\).*name is not set"):
        TemporalEngine(build_id="1", start_worker=False)


def test_deployment_options_for_a_worker() -> None:
    class UnitDeployedPinned(Workflow, versioning=VersioningBehavior.PINNED):
        async def run(self) -> None: ...

    class UnitDeployedPlain(Workflow):
        async def run(self) -> None: ...

    pinned, plain = definition_of(UnitDeployedPinned), definition_of(UnitDeployedPlain)
    assert deployment_options(DeploymentDefaults(), [plain]) == {}
    config = deployment_options(DeploymentDefaults(name="d", build_id="1"), [pinned])["deployment_config"]
    assert config.version == temporalio.common.WorkerDeploymentVersion("d", "1")
    assert config.use_worker_versioning
    assert config.default_versioning_behavior is VersioningBehavior.UNSPECIFIED
    with pytest.raises(ConfigError, match="UnitDeployedPlain"):
        deployment_options(DeploymentDefaults(name="d", build_id="1"), [pinned, plain])
    defaulted = DeploymentDefaults(name="d", build_id="1", default_versioning="auto_upgrade")
    behaviour = deployment_options(defaulted, [plain])["deployment_config"].default_versioning_behavior
    assert behaviour is VersioningBehavior.AUTO_UPGRADE


# -- tuning -------------------------------------------------------------------------------------

LIMITS = {"max_concurrent_activities": 10, "max_concurrent_workflow_tasks": None}


def test_fixed_tuning_keeps_the_limits_that_are_set() -> None:
    assert tuning_options(WorkerDefaults(), LIMITS) == {"max_concurrent_activities": 10}
    pollers = tuning_options(WorkerDefaults(max_pollers=3), {})
    assert pollers["workflow_task_poller_behavior"] == PollerBehaviorSimpleMaximum(3)


def test_resource_based_tuning_turns_the_limits_into_slot_maximums() -> None:
    options = tuning_options(WorkerDefaults(tuner="resource_based", poller_autoscaling=True), LIMITS)
    assert set(options) == {"tuner", "workflow_task_poller_behavior", "activity_task_poller_behavior"}
    assert isinstance(options["tuner"], WorkerTuner)
    assert options["activity_task_poller_behavior"] == PollerBehaviorAutoscaling(1, 100, 5)


def test_autoscaling_pollers_must_be_ordered() -> None:
    with pytest.raises(
        ConfigError, match=r"initial_pollers \(5\) must lie between min_pollers \(1\) and max_pollers \(3\)"
    ):
        tuning_options(WorkerDefaults(poller_autoscaling=True, max_pollers=3), {})


@pytest.mark.parametrize(
    ("key", "value"), [("tuner", "magic"), ("target_cpu_usage", "1.5"), ("max_pollers", "1")]
)
def test_tuning_mistakes_are_config_errors(key: str, value: str) -> None:
    with pytest.raises(ConfigError, match=f"worker.{key}"):
        load_config(start=Path("/"), env={f"TEMPORAL_RUNTIME_WORKER__{key.upper()}": value})


def test_tuning_keys_read_from_the_environment() -> None:
    config = load_config(
        start=Path("/"),
        env={
            "TEMPORAL_RUNTIME_WORKER__POLLER_AUTOSCALING": "true",
            "TEMPORAL_RUNTIME_WORKER__DRAIN_TIMEOUT": "5",
        },
    )
    assert config.worker.poller_autoscaling is True
    assert config.worker.drain_timeout == timedelta(seconds=5)


# -- the context propagator's logging filter ---------------------------------------------------


def test_the_logging_filter_adds_the_values_and_never_drops_a_record() -> None:
    tenant: ContextVar[str | None] = ContextVar("unit_tenant", default=None)
    log_filter = ContextPropagator(tenant).logging_filter()
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hi", None, None)
    assert log_filter.filter(record)
    assert record.unit_tenant is None and not hasattr(record, "temporal_context")
    tenant.set("acme")
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hi", None, None)
    assert log_filter.filter(record)
    assert (record.unit_tenant, record.temporal_context) == ("acme", {"unit_tenant": "acme"})
