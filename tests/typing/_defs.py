"""Activities and workflows the typing checks use; only type checkers read this module."""

from __future__ import annotations

from typing import NoReturn

from pydantic import BaseModel

from temporal_runtime import ApplicationError, Workflow, activity_def, wf_query, wf_signal, wf_update


class ChargeArgs(BaseModel):
    amount: int


class ChargeResult(BaseModel):
    charge_id: str


class Other(BaseModel):
    x: int


class Order(BaseModel):
    order_id: str


class OrderResult(BaseModel):
    status: str


@activity_def("typing_charge")
async def charge(args: ChargeArgs) -> ChargeResult:
    return ChargeResult(charge_id=str(args.amount))


@activity_def("typing_charge_sync", timeout=30)
def charge_sync(args: ChargeArgs) -> str:
    return str(args.amount)


@activity_def("typing_ping")
async def ping() -> int:
    return 1


async def refund_impl(args: ChargeArgs) -> dict[str, str]:
    return {"charge_id": str(args.amount)}


# Result given: exec gives the model, a direct call the implementation's dict.
refund = activity_def("typing_refund", Args=ChargeArgs, Result=ChargeResult)(refund_impl)


@activity_def("typing_tagged", Result=ChargeResult)
async def tagged(args: ChargeArgs, note: str = "") -> dict[str, str]:
    return {"charge_id": note}


@activity_def("typing_refuse")
def refuse(args: ChargeArgs) -> NoReturn:
    raise ApplicationError(f"refused {args.amount}", type="Refused")


@activity_def("typing_args_only", Args=ChargeArgs)
def args_only(args: ChargeArgs) -> int:
    return args.amount


class OrderWorkflow(Workflow):
    def __init__(self) -> None:
        self._status = "new"

    async def process(self, order: Order, priority: int = 1) -> OrderResult:
        await self.exec(charge, ChargeArgs(amount=priority), timeout=30)
        return OrderResult(status=order.order_id)

    async def count(self) -> int:
        return 0

    @wf_signal("approve")
    async def approve(self, approver: str, note: str = "") -> None:
        self._status = f"approved by {approver} {note}"

    @wf_signal
    def pause(self) -> None:
        self._status = "paused"

    @wf_query("status")
    def status(self) -> str:
        return self._status

    @wf_query
    async def progress(self, detail: bool) -> dict[str, int]:
        return {"detail": int(detail)}

    @wf_update("set_priority")
    async def set_priority(self, p: int) -> int:
        return p

    @wf_update
    def rename(self, name: str) -> str:
        return name


class OtherWorkflow(Workflow):
    async def run(self) -> str:
        return "other"
