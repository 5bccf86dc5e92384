"""Workflows and activities for the parity suites of issue 12: messages with a start, update
handles, describe, activities completed from outside, process pools, failure kinds.

Activities record what they did in module-level state (the worker runs in the test's process,
except for the process-pool ones, which return what the test checks).
"""

from __future__ import annotations

import os
from typing import NoReturn

from temporal_runtime import (
    ActivityError,
    ApplicationError,
    ApplicationErrorCategory,
    RetryPolicy,
    Workflow,
    activity_def,
    activity_info,
    heartbeat,
    raise_complete_async,
    wf_signal,
    wf_update,
)

# The task token of each activity that asked to be completed later, by workflow id.
TOKENS: dict[str, bytes] = {}
# How many attempts an activity had, by workflow id.
ATTEMPTS: dict[str, int] = {}


def _count_attempt() -> None:
    key = activity_info().workflow_id or ""
    ATTEMPTS[key] = ATTEMPTS.get(key, 0) + 1


class FeatureCart(Workflow):
    def __init__(self) -> None:
        self.items: list[str] = []
        self.closed = False

    async def checkout(self, customer: str) -> str:
        await self.wait_until(lambda: self.closed)
        return f"{customer}: {', '.join(self.items)}"

    @wf_signal
    async def add(self, sku: str) -> None:
        self.items.append(sku)

    @wf_signal
    async def close(self) -> None:
        self.closed = True

    @wf_update
    async def add_item(self, sku: str) -> int:
        self.items.append(sku)
        return len(self.items)

    @add_item.validator
    def _check_sku(self, sku: str) -> None:
        if not sku:
            raise ValueError("a sku must not be empty")

    @wf_update
    async def reserve(self, sku: str) -> str:
        # Accepted at once; finishes when the cart closes.
        await self.wait_until(lambda: self.closed)
        return f"reserved {sku}"

    @wf_update
    async def out_of_stock(self, sku: str) -> int:
        raise ApplicationError(f"no {sku} left", type="OutOfStock")


@activity_def("feature_ask_approval")
async def ask_approval(request: str) -> str:
    info = activity_info()
    TOKENS[info.workflow_id or ""] = info.task_token
    heartbeat("asked")
    raise_complete_async()


@activity_def("feature_keeps_failing", retry_policy=RetryPolicy(initial_interval=600, maximum_attempts=4))
async def keeps_failing(n: int) -> int:
    raise ValueError(f"attempt {activity_info().attempt} of {n} failed")


@activity_def("feature_square")
def square(n: int) -> dict[str, int]:
    return {"square": n * n, "pid": os.getpid()}


@activity_def("feature_never_returns")
def never_returns(fail: bool) -> NoReturn:
    _count_attempt()
    if fail:
        raise ApplicationError("as declared", type="Declared", non_retryable=True)
    return None  # type: ignore[return-value]  # the mistake this activity exists to show


@activity_def("feature_benign")
async def benign(kind: str) -> None:
    _count_attempt()
    raise ApplicationError("an expected outcome", type=kind, category=ApplicationErrorCategory.BENIGN)


class FeatureJobs(Workflow):
    async def approval(self, request: str) -> str:
        return await self.exec(
            ask_approval, request, timeout=600, retry_policy=RetryPolicy(maximum_attempts=2)
        )

    async def keep_failing(self) -> int:
        return await self.exec(keeps_failing, 1, timeout=10)

    async def squares(self, n: int) -> list[dict[str, int]]:
        return [await self.exec(square, i, timeout=60) for i in range(n)]

    async def only_raises(self, fail: bool) -> None:
        await self.exec(never_returns, fail, timeout=10, retry_policy=RetryPolicy(maximum_attempts=3))

    async def classify(self, kind: str) -> str:
        policy = RetryPolicy(maximum_attempts=2, initial_interval=1, non_retryable_error_types=["Permanent"])
        try:
            await self.exec(benign, kind, timeout=10, retry_policy=policy)
        except ActivityError as err:
            cause = err.cause
            assert isinstance(cause, ApplicationError)
            return f"{cause.type} {cause.category.name}"
        return "no failure"


FEATURE_WORKFLOWS = [FeatureCart, FeatureJobs]
