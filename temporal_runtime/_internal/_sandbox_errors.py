"""What a user sees when the workflow sandbox refuses a call at run time.

temporalio's sandbox raises `RestrictedWorkflowAccessError` when workflow code reaches
something non-deterministic (``datetime.now()``, ``open()``, ...) that the definition-time
check could not see: a helper in another module, say. Left alone, that error fails the
workflow *task*, which Temporal retries for ever, the caller waiting with no answer, and its
message advises marking imports as pass-through. The same code is refused on every retry, so
the adapter fails the workflow instead: a non-retryable `ApplicationError` of type
``RestrictedWorkflowAccessError`` that names the workflow, the method, the refused call and
where it was made, and the helper to use (`_determinism_rules`, the advice of the
definition-time check).
"""

from __future__ import annotations

import os
import traceback

import temporalio
import temporalio.workflow as twf
from temporalio.exceptions import ApplicationError
from temporalio.worker.workflow_sandbox import RestrictedWorkflowAccessError

from temporal_runtime._internal._determinism_rules import Rule, rule_for

__all__ = ["RestrictedWorkflowAccessError", "refusal", "refusing"]

REFUSED = "RestrictedWorkflowAccessError"
_ANYTHING = Rule(
    "is not deterministic, or does I/O", "move it into an activity and call that with self.exec(...)"
)
# Frames of these packages are machinery, not where the user's code made the call.
_MACHINERY = (
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep,
    os.path.dirname(os.path.abspath(temporalio.__file__ or "")) + os.sep,
)


def _refused_name(err: RestrictedWorkflowAccessError) -> str:
    name = err.qualified_name.removesuffix(".__call__")
    return "builtins." + name.removeprefix("__builtins__.") if name.startswith("__builtins__.") else name


def _call_site(err: BaseException) -> str:
    """`` at helpers.py:12 in stamp()``: the innermost frame of the user's own code."""
    found = ""
    for frame in traceback.extract_tb(err.__traceback__):
        if not frame.filename.startswith(_MACHINERY) and not frame.filename.startswith("<"):
            found = f" at {os.path.basename(frame.filename)}:{frame.lineno} in {frame.name}()"
    return found


def refusal(err: RestrictedWorkflowAccessError, where: str) -> ApplicationError:
    """The non-retryable failure for a call the sandbox refused in `where` (``Orders.process``),
    logged once: the worker's log says it too (quiet during replays)."""
    name = _refused_name(err)
    rule = rule_for(name, has_args=True) or rule_for(name, has_args=False) or _ANYTHING
    message = (
        f"{where} called {name}{_call_site(err)}, which the workflow sandbox refuses: it {rule.advice(name)}"
    )
    twf.logger.warning("%s", message)
    return ApplicationError(message, type=REFUSED, non_retryable=True)


class refusing:  # used as a statement: `with refusing(where):`
    """Turns a sandbox refusal inside the block into `refusal` (every generated handler uses it).

    A class, not `contextlib.contextmanager`: it wraps every handler call and run.
    """

    __slots__ = ("where",)

    def __init__(self, where: str) -> None:
        self.where = where

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None, tb: object) -> None:
        if isinstance(err, RestrictedWorkflowAccessError):
            raise refusal(err, self.where) from None
