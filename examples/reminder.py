"""Delayed work: a reminder sent after a delay, two ways.

`after(seconds)` asks Temporal to start the workflow later (start_delay); a workflow can
also `sleep` durably between steps. Both timers live on the server: a worker restart in
between changes nothing.

Run: python -m examples.reminder
"""

from __future__ import annotations

from pydantic import BaseModel

from examples._server import example_engine, run_example
from temporal_runtime import TemporalEngine, Workflow, activity_def


class Reminder(BaseModel):
    to: str
    text: str


sent: list[str] = []


@activity_def("reminder_send", timeout=30)
async def send_reminder(reminder: Reminder) -> str:
    sent.append(f"{reminder.to}: {reminder.text}")
    return f"sent to {reminder.to}"


class ReminderWorkflow(Workflow):
    async def send_now(self, reminder: Reminder) -> str:
        return await self.exec(send_reminder, reminder)

    async def send_later(self, reminder: Reminder, delay_s: float) -> str:
        await self.sleep(delay_s)
        return await self.exec(send_reminder, reminder)

    async def nag(self, reminder: Reminder, times: int, every_s: float) -> int:
        for _ in range(times):
            await self.exec(send_reminder, reminder)
            await self.sleep(every_s)
        return times


async def run(engine: TemporalEngine, delay_s: float = 2) -> list[str]:
    wf = ReminderWorkflow.client(engine)
    # Started by the server after the delay (the workflow does not exist until then).
    delayed_start = await wf.after(delay_s).send_now(Reminder(to="ana", text="standup"))
    # Started at once; the workflow sleeps durably, then sends.
    sleeping = await wf.async_.send_later(Reminder(to="ben", text="invoice"), delay_s)
    return [await delayed_start.result(timeout=60), await sleeping.result(timeout=60)]


async def main() -> None:
    async with example_engine("reminders") as engine:
        print(await run(engine))


if __name__ == "__main__":
    run_example(main)
