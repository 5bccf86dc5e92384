"""Work whose every result can be counted, for the fault tests and `make soak`.

`LedgerWorkflow.run` runs `steps` activities one after another; each appends its key
(``<workflow id>:<step>``) to a ledger file every time it executes and returns the key, and
the workflow returns the keys in order. A finished workflow therefore proves exactly which
results arrived: `tally` counts the workflows that completed with every key once, those that
failed cleanly, those still running (stuck), the ones lost (not found, or results missing)
and duplicated results, and reads the ledger for activities that ran more than once.

Served by ``temporal-runtime worker tests.integration.fault_app`` in a subprocess, so that a
test can kill the worker.
"""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path

from pydantic import BaseModel, Field

from temporal_runtime import (
    ExecutionStatus,
    RetryPolicy,
    TemporalEngine,
    Workflow,
    WorkflowFailedError,
    WorkflowNotFoundError,
    activity_def,
)

LEDGER_FILE = "executions.log"


class StepArgs(BaseModel):
    ledger: str
    key: str
    seconds: float = Field(ge=0)


@activity_def("fault_app.step")
async def step(args: StepArgs) -> str:
    # One write of one short line with O_APPEND: lines from several processes never mix.
    fd = os.open(Path(args.ledger) / LEDGER_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    try:
        os.write(fd, f"{args.key}\n".encode())
    finally:
        os.close(fd)
    await asyncio.sleep(args.seconds)
    return args.key


class LedgerWorkflow(Workflow):
    async def run(self, ledger: str, steps: int, seconds: float) -> list[str]:
        workflow_id = self.info.workflow_id
        keys: list[str] = []
        for i in range(steps):
            keys.append(
                await self.exec(
                    step,
                    StepArgs(ledger=ledger, key=f"{workflow_id}:{i}", seconds=seconds),
                    # Short enough that an attempt lost with a killed worker is retried soon.
                    timeout=5,
                    retry_policy=RetryPolicy(
                        initial_interval=0.2, backoff_coefficient=1.5, maximum_interval=2
                    ),
                )
            )
        return keys


@dataclass
class Tally:
    """What became of the started workflows; `lost`, `duplicated` and `stuck` must stay 0."""

    started: int = 0
    completed: int = 0
    failed_cleanly: int = 0
    stuck: int = 0
    lost: int = 0
    duplicated: int = 0
    executions: int = 0
    re_executed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def ledger_counts(ledger: Path) -> Counter[str]:
    path = ledger / LEDGER_FILE
    return Counter(path.read_text().split()) if path.exists() else Counter()


async def tally(
    engine: TemporalEngine,
    expected: dict[str, int],
    ledger: Path,
    *,
    bad: Iterable[str] = (),
    timeout: float = 120,
    concurrency: int = 64,
) -> Tally:
    """Wait (up to `timeout` in all) for each started workflow and count what became of it.

    `expected` maps each started LedgerWorkflow id to its number of steps; `bad` holds ids
    started with an invalid input, which must fail cleanly (InvalidWorkflowInput).
    """
    bad = list(bad)
    result = Tally(started=len(expected) + len(bad))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    gate = asyncio.Semaphore(concurrency)

    async def one(workflow_id: str, steps: int | None) -> None:
        async with gate:
            try:
                keys = await engine.get_result(workflow_id, timeout_seconds=max(1.0, deadline - loop.time()))
            except WorkflowNotFoundError:
                result.lost += 1
                return
            except TimeoutError:
                status = await engine.get_status(workflow_id)
                result.stuck += status.status is ExecutionStatus.RUNNING
                result.lost += status.status is not ExecutionStatus.RUNNING
                return
            except WorkflowFailedError as err:
                clean = steps is None and err.root_cause_type == "InvalidWorkflowInput"
                result.failed_cleanly += clean
                result.lost += not clean
                return
        if steps is None:
            result.lost += 1  # an invalid input must not complete
            return
        _count_keys(result, workflow_id, steps, keys)

    await asyncio.gather(
        *(one(wid, steps) for wid, steps in expected.items()), *(one(wid, None) for wid in bad)
    )
    executed = ledger_counts(ledger)
    result.executions = sum(executed.values())
    result.re_executed = sum(1 for n in executed.values() if n > 1)
    return result


def _count_keys(result: Tally, workflow_id: str, steps: int, keys: Sequence[str]) -> None:
    wanted = [f"{workflow_id}:{i}" for i in range(steps)]
    counts = Counter(keys)
    result.duplicated += sum(n - 1 for n in counts.values() if n > 1)
    missing = [k for k in wanted if k not in counts]
    result.lost += bool(missing)
    result.completed += not missing and list(keys) == wanted
