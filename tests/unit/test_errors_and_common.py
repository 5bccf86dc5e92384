"""The error tree and the option types re-exported for user code."""

from __future__ import annotations

from datetime import timedelta

import pytest
import temporalio.common

import temporal_runtime
from temporal_runtime import errors
from temporal_runtime.common import RetryPolicy


def test_error_tree() -> None:
    base = errors.TemporalRuntimeError
    for cls in (
        errors.RegistrationError,
        errors.NotInWorkflowError,
        errors.ConfigError,
        errors.WorkflowError,
    ):
        assert issubclass(cls, base)
    assert issubclass(errors.EngineNotStartedError, errors.EngineError)
    assert issubclass(errors.EngineStateError, errors.EngineError)
    assert issubclass(errors.EngineError, RuntimeError)
    for cls in (errors.WorkflowCancelledError, errors.WorkflowTerminatedError, errors.WorkflowTimedOutError):
        assert issubclass(cls, errors.WorkflowFailedError)
    for cls in (
        errors.WorkflowFailedError,
        errors.WorkflowAlreadyStartedError,
        errors.WorkflowNotFoundError,
        errors.QueryFailedError,
        errors.UpdateFailedError,
    ):
        assert issubclass(cls, errors.WorkflowError)
    # Every name in the docstring tree exists.
    for line in (errors.__doc__ or "").splitlines():
        word = line.strip("│├└─ ").split(" ")[0]
        if word.endswith("Error"):
            assert hasattr(errors, word), word


def test_error_fields() -> None:
    err = errors.WorkflowFailedError(
        "Orders.process failed: ValueError: no",
        root_cause_type="ValueError",
        root_cause_message="no",
        workflow_id="o-1",
        workflow_type="Orders",
        method="process",
        run_id="r",
    )
    assert str(err) == "Orders.process failed: ValueError: no"
    assert (err.workflow_id, err.workflow_type, err.method, err.run_id) == ("o-1", "Orders", "process", "r")
    assert (err.root_cause_type, err.root_cause_message) == ("ValueError", "no")


def test_public_names_are_exported() -> None:
    for name in temporal_runtime.__all__:
        assert hasattr(temporal_runtime, name), name
    for name in errors.__all__:
        assert name in temporal_runtime.__all__ or name in {"ChildWorkflowError", "CancelledError"}


def test_retry_policy_accepts_seconds_and_is_temporals() -> None:
    policy = RetryPolicy(
        initial_interval=0.5, maximum_interval=10, maximum_attempts=3, non_retryable_error_types=["X"]
    )
    assert isinstance(policy, temporalio.common.RetryPolicy)
    assert policy.initial_interval == timedelta(milliseconds=500)
    assert policy.maximum_interval == timedelta(seconds=10)
    assert policy.maximum_attempts == 3
    assert list(policy.non_retryable_error_types or []) == ["X"]
    assert RetryPolicy(initial_interval=timedelta(seconds=2)).initial_interval == timedelta(seconds=2)
    assert RetryPolicy().maximum_interval is None


@pytest.mark.parametrize("name", ["WorkflowIDConflictPolicy", "WorkflowIDReusePolicy"])
def test_policies_are_temporals(name: str) -> None:
    assert getattr(temporal_runtime, name) is getattr(temporalio.common, name)
