"""Workflows for the capability parity tests (issue 12): handler draining, history length,
``__init__`` with the entry arguments, sync updates, external handles, parent info, fakes.

Names carry a ``Cap`` prefix; every class is module-level so a worker can serve it.
"""

from __future__ import annotations

import threading

from pydantic import BaseModel

from temporal_runtime import ApplicationError, Workflow, activity_def, wf_query, wf_signal, wf_update


@activity_def("cap_thread_name")
def thread_name() -> str:
    return threading.current_thread().name


@activity_def("cap_step")
async def step() -> None:
    return None


class CapThreads(Workflow):
    async def where(self) -> str:
        return await self.exec(thread_name, timeout=10)


class CapAdder(Workflow, abstract=True):
    """Handlers shared by the draining workflows: `add` waits for `finish`, then takes a second."""

    def __init__(self) -> None:
        self.total = 0
        self.adding = 0
        self.finishing = False

    @wf_update
    async def add(self, n: int) -> int:
        self.adding += 1
        await self.wait_until(lambda: self.finishing)
        await self.sleep(1)
        self.total += n
        return self.total

    @wf_update
    def bump(self, n: int) -> int:  # a plain `def` update
        self.total += n
        return self.total

    @bump.validator
    def check_bump(self, n: int) -> None:
        if n < 0:
            raise ValueError("bump takes n >= 0")

    @wf_signal
    def finish(self) -> None:
        self.finishing = True

    @wf_query
    def adding_now(self) -> int:
        return self.adding


class CapDrain(CapAdder):
    async def run(self) -> int:
        await self.wait_until(lambda: self.finishing)
        await self.wait_until(self.all_handlers_finished)
        return self.total

    async def run_undrained(self) -> int:
        await self.wait_until(lambda: self.finishing)
        return self.total


class CapContinue(CapAdder):
    async def loop(self, rounds: int) -> str:
        if rounds > 0:
            await self.wait_until(lambda: self.finishing)
            self.continue_as_new(self.loop, rounds - 1)
        return f"done after {self.info.history_length} events"


class CapContinueAbandon(CapAdder, wait_for_handlers=False):
    async def loop(self, rounds: int) -> str:
        if rounds > 0:
            await self.wait_until(lambda: self.finishing)
            self.continue_as_new(self.loop, rounds - 1)
        return "done"


class HistoryPoint(BaseModel):
    length: int
    suggested: bool


class CapHistory(Workflow):
    async def grow(self, steps: int) -> list[HistoryPoint]:
        points = [
            HistoryPoint(length=self.info.history_length, suggested=self.info.continue_as_new_suggested)
        ]
        for _ in range(steps):
            await self.exec(step, timeout=10)
            points.append(
                HistoryPoint(length=self.info.history_length, suggested=self.info.continue_as_new_suggested)
            )
        return points

    async def count_to(self, total: int, done: int = 0, runs: int = 1) -> str:
        # The loop of a long-running workflow: continue as new when the server suggests it.
        while done < total:
            await self.exec(step, timeout=10)
            done += 1
            if done < total and self.info.continue_as_new_suggested:
                await self.wait_until(self.all_handlers_finished)
                self.continue_as_new(self.count_to, total, done, runs + 1)
        return f"{done} in {runs} runs"


class CapGreeter(Workflow):
    """`__init__` takes the entry method's `name`: early signals see the greeting."""

    def __init__(self, name: str, excited: bool = False) -> None:
        self.greeting = f"hello {name}{'!' if excited else ''}"
        self.heard: list[str] = []

    @wf_signal
    def shout(self) -> None:
        self.greeting = self.greeting.upper()

    @wf_query
    def current(self) -> str:
        return self.greeting

    async def greet(self, name: str, excited: bool = False) -> str:
        return self.greeting

    async def greet_later(self, name: str, seconds: float) -> str:
        await self.sleep(seconds)
        return self.greeting


class CapTarget(Workflow):
    def __init__(self) -> None:
        self.pokes: list[str] = []

    @wf_signal
    def poke(self, who: str) -> None:
        self.pokes.append(who)

    async def wait_for_pokes(self, count: int) -> list[str]:
        await self.wait_until(lambda: len(self.pokes) >= count)
        return self.pokes


class CapCaller(Workflow):
    async def poke(self, target: str, times: int) -> str:
        other = self.external(target)
        for i in range(times):
            await other.signal(CapTarget.poke, f"caller-{i}")
        return other.id

    async def stop(self, target: str) -> None:
        await self.external(target).cancel()

    async def poke_missing(self, target: str) -> str:
        try:
            await self.external(target).signal("poke", "nobody")
        except ApplicationError as err:
            return f"signal: {err.type}"
        return "signal delivered"

    async def stop_missing(self, target: str) -> str:
        try:
            await self.external(target).cancel()
        except ApplicationError as err:
            return f"cancel: {err.type}"
        return "cancel delivered"


class Lineage(BaseModel):
    workflow_id: str
    parent_id: str | None
    parent_run_id: str | None
    parent_namespace: str | None


class CapChild(Workflow):
    async def lineage(self) -> Lineage:
        parent = self.info.parent
        return Lineage(
            workflow_id=self.info.workflow_id,
            parent_id=parent.workflow_id if parent else None,
            parent_run_id=parent.run_id if parent else None,
            parent_namespace=parent.namespace if parent else None,
        )

    async def ship(self, parcel: str, express: bool = False) -> str:
        return f"really shipped {parcel}"

    @wf_query
    def kind(self) -> str:
        return "real child"


class Family(BaseModel):
    parent_id: str
    parent_run_id: str
    child: Lineage


class CapParent(Workflow):
    async def family(self) -> Family:
        child = await self.child(CapChild, workflow_id=f"{self.info.workflow_id}-child").lineage()
        return Family(parent_id=self.info.workflow_id, parent_run_id=self.info.run_id, child=child)

    async def ship_all(self, parcels: list[str]) -> list[str]:
        shipped: list[str] = []
        for parcel in parcels:
            shipped.append(await self.child(CapChild).ship(parcel, express=parcel.startswith("!")))
        return shipped

    async def ship_failing(self, parcel: str) -> str:
        try:
            return await self.child(CapChild).ship(parcel)
        except Exception as err:  # a ChildWorkflowError: its cause is the fake's failure
            cause = err.__cause__
            return f"{type(err).__name__}: {type(cause).__name__}: {cause}"


class CapAlarm(Workflow):
    def __init__(self) -> None:
        self.rang_at: str | None = None
        self.stopped = False

    @wf_query
    def rang(self) -> str | None:
        return self.rang_at

    @wf_signal
    def stop(self) -> None:
        self.stopped = True

    async def ring_after(self, seconds: float) -> str | None:
        await self.sleep(seconds)
        self.rang_at = self.now().isoformat()
        await self.wait_until(lambda: self.stopped)
        return self.rang_at


CAPABILITY_WORKFLOWS = [
    CapAlarm,
    CapThreads,
    CapDrain,
    CapContinue,
    CapContinueAbandon,
    CapHistory,
    CapGreeter,
    CapTarget,
    CapCaller,
    CapChild,
    CapParent,
]
