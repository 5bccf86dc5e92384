"""The seed's data pipeline: one activity with Pydantic I/O, called three ways.

Run: python -m examples.data_pipeline
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from examples._server import example_engine, run_example
from temporal_runtime import RetryPolicy, TemporalEngine, Workflow, activity_def


class ProcessDataInput(BaseModel):
    data_id: str
    parameters: dict[str, Any]


class ProcessDataOutput(BaseModel):
    result: str
    processed_at: str


async def process_data_impl(args: ProcessDataInput) -> ProcessDataOutput:
    mode = args.parameters.get("mode", "default")
    return ProcessDataOutput(
        result=f"processed {args.data_id} in {mode} mode",
        processed_at=datetime.now(UTC).isoformat(),
    )


process_data = activity_def(
    "process_data",
    Args=ProcessDataInput,
    Result=ProcessDataOutput,
)(process_data_impl)


class DataPipelineWorkflow(Workflow):
    async def run_pipeline(self, input_data: ProcessDataInput) -> ProcessDataOutput:
        result = await self.exec(
            process_data,
            input_data,
            timeout=300,
            retry_policy=RetryPolicy(maximum_attempts=3),
        )
        return result


async def run(engine: TemporalEngine) -> list[ProcessDataOutput]:
    pipeline = DataPipelineWorkflow.client(engine)
    immediate = await pipeline.run_pipeline(ProcessDataInput(data_id="123", parameters={"mode": "fast"}))
    handle = await pipeline.async_.run_pipeline(ProcessDataInput(data_id="456", parameters={"mode": "batch"}))
    later = await handle.result(timeout=60.0)
    delayed = await pipeline.after(1).run_pipeline(
        ProcessDataInput(data_id="789", parameters={"mode": "scheduled"})
    )
    return [immediate, later, await delayed.result(timeout=60.0)]


async def main() -> None:
    async with example_engine("pipeline") as engine:
        for output in await run(engine):
            print(output.result)


if __name__ == "__main__":
    run_example(main)
