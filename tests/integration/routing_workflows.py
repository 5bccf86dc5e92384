"""Workflows for the routing, metadata, deployment and context tests (names carry ``routing_``)."""

from __future__ import annotations

import logging
from contextvars import ContextVar

from temporal_runtime import VersioningBehavior, Workflow, activity_def, wf_query, wf_signal

# The tenant id of the context-propagation tests; the workflows below never read it.
tenant: ContextVar[str | None] = ContextVar("routing_tenant", default=None)
request_id: ContextVar[str | None] = ContextVar("routing_request_id", default=None)
activity_log = logging.getLogger("tests.routing.activities")


@activity_def("routing_echo")
async def echo(text: str) -> str:
    return text


@activity_def("routing_whoami")
async def whoami(step: str) -> str:
    activity_log.info("running %s", step)
    return f"{step}:{tenant.get()}:{request_id.get()}"


@activity_def("routing_whoami_sync")
def whoami_sync(step: str) -> str:
    activity_log.info("running %s in a thread", step)
    return f"{step}:{tenant.get()}:{request_id.get()}"


class RoutingChild(Workflow):
    """A small workflow of many uses: a child, a continue-as-new chain, one with no versioning."""

    async def work(self, text: str) -> str:
        return await self.exec(echo, text)

    async def countdown(self, n: int) -> int:
        if n > 0:
            self.continue_as_new(self.countdown, n - 1)
        return n

    async def tenant(self) -> str:
        return await self.exec(whoami, "child")


class RoutingOrders(Workflow):
    """Sets every kind of routing option and user metadata, then waits to be released."""

    def __init__(self) -> None:
        self.released = False

    async def place(self, order_id: str) -> str:
        self.set_current_details(f"**placing** {order_id}")
        await self.exec(echo, order_id, summary=f"echo {order_id}", priority=1, fairness_key="vip")
        await self.exec_local(echo, order_id, summary="local echo")
        await self.child(RoutingChild, workflow_id=f"{order_id}-child").work(order_id)
        await self.child(RoutingChild, workflow_id=f"{order_id}-own", priority=5, summary="own").work("x")
        await self.sleep(1, summary="cool down")
        self.set_current_details("waiting for release")
        await self.wait_until(lambda: self.released, timeout=3600, summary="wait for release")
        self.set_current_details("done")
        return order_id

    @wf_signal
    async def release(self) -> None:
        self.released = True


class RoutingWaiting(Workflow, abstract=True):
    """Runs until told to proceed; its subclasses differ only in their versioning behaviour."""

    def __init__(self) -> None:
        self.go = False

    async def run(self) -> str:
        await self.wait_until(lambda: self.go)
        return f"{type(self).__name__} done"

    @wf_signal
    async def proceed(self) -> None:
        self.go = True


class RoutingPinned(RoutingWaiting, versioning=VersioningBehavior.PINNED):
    pass


class RoutingUpgrading(RoutingWaiting, versioning=VersioningBehavior.AUTO_UPGRADE):
    pass


class RoutingTenant(Workflow):
    """Plain workflow code: the tenant id reaches the activities without any of it here."""

    def __init__(self) -> None:
        self.signalled: list[str] = []
        self.go = False

    async def run(self) -> list[str]:
        self.logger.info("tenant workflow started")
        seen = [await self.exec(whoami, "activity"), await self.exec(whoami_sync, "sync")]
        seen.append(await self.exec_local(whoami, "local"))
        seen.append(await self.child(RoutingChild).tenant())
        await self.wait_until(lambda: self.go)
        return seen + self.signalled

    @wf_signal
    async def poke(self) -> None:
        self.logger.info("poked")
        self.signalled.append(await self.exec(whoami, "signal"))
        self.go = True

    @wf_query
    def seen(self) -> list[str]:
        return self.signalled
