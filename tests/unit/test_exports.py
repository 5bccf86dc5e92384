"""The public face: the top-level names are pinned, and every ``>>>`` example in the package runs."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import temporal_runtime

TOP_LEVEL = [
    "Activity", "ActivityCompletionError", "ActivityError", "ActivityInfo", "ActivityNotFoundError",
    "ApplicationError", "ApplicationErrorCategory", "AsyncActivityHandle", "ChildHandle",
    "ChildWorkflowError", "ConfigError", "ContextPropagator", "DevServer", "EncryptionCodec", "EngineError",
    "EngineNotStartedError", "EngineState", "EngineStateError", "ExecutionStatus", "ExternalWorkflowHandle",
    "HealthStatus", "MethodHandle", "NotInWorkflowError", "OptionError", "ParentClosePolicy", "ParentInfo",
    "Payload", "PayloadCodec", "PayloadCodecError", "PayloadTooLargeError", "PendingActivity",
    "QueryFailedError", "QuietSaga", "RegistrationError", "RetryPolicy", "RuntimeConfig", "Saga",
    "ScheduleAlreadyRunningError", "ScheduleError", "ScheduleHandle", "ScheduleInfo",
    "ScheduleNotFoundError", "ScheduleOverlapPolicy", "SearchAttributeKey", "StartOptions", "TLSConfig",
    "TemporalEngine", "TemporalRuntimeError", "UnknownActivityError", "UnknownMethodError",
    "UnknownWorkflowError", "UpdateFailedError", "UpdateHandle", "UpdateMethod", "VersioningBehavior",
    "WithStartWorkflowOperation", "Workflow", "WorkflowAlreadyStartedError", "WorkflowCancelled",
    "WorkflowCancelledError", "WorkflowClient", "WorkflowError", "WorkflowFailedError",
    "WorkflowIDConflictPolicy", "WorkflowIDReusePolicy", "WorkflowInfo", "WorkflowNotFoundError",
    "WorkflowStarter", "WorkflowStatus", "WorkflowTerminatedError", "WorkflowTimedOutError", "activity_def",
    "activity_info", "allow_nondeterminism", "heartbeat", "is_cancelled", "load_config",
    "raise_complete_async", "wf_query", "wf_signal", "wf_update",
]  # fmt: skip


def test_top_level_names_are_pinned() -> None:
    assert sorted(temporal_runtime.__all__) == TOP_LEVEL
    assert all(getattr(temporal_runtime, name) is not None for name in TOP_LEVEL)
    # Nothing else public is reachable from the package itself but its modules.
    extra = {
        name
        for name in vars(temporal_runtime)
        if not name.startswith("_") and name not in TOP_LEVEL and not _is_submodule(name)
    }
    assert extra == set()


def _is_submodule(name: str) -> bool:
    return type(getattr(temporal_runtime, name)).__name__ == "module"


def _package_modules() -> list[str]:
    names = ["temporal_runtime"]
    for info in pkgutil.walk_packages(temporal_runtime.__path__, "temporal_runtime."):
        # The mypy plugin imports mypy, which only the type checkers need; __main__ runs the CLI.
        if info.name not in ("temporal_runtime.mypy", "temporal_runtime.__main__"):
            names.append(info.name)
    return names


@pytest.mark.parametrize("module_name", _package_modules())
def test_docstring_examples_run(module_name: str) -> None:
    module = importlib.import_module(module_name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(module, module_name):
        # As typed at a prompt: not under the module's own `from __future__ import annotations`.
        runner.run(test, compileflags=0)
    results = runner.summarize(verbose=False)
    assert results.failed == 0, (
        f"{results.failed} docstring example(s) of {module_name} failed (see the output)"
    )
