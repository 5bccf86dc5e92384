"""Batch processing with continue-as-new: 10,000 items, 1,000 per run, in chunk activities.

A workflow's history grows with every activity; long loops restart themselves with
`continue_as_new`, carrying their progress forward, so each run's history stays small.
The caller's handle follows the runs and gets the last run's result.

Run: python -m examples.batch
"""

from __future__ import annotations

from pydantic import BaseModel

from examples._server import example_engine, run_example
from temporal_runtime import MethodHandle, TemporalEngine, Workflow, activity_def

PER_RUN = 1_000
CHUNK = 250


class Chunk(BaseModel):
    start: int
    end: int


class Progress(BaseModel):
    processed: int = 0
    checksum: int = 0
    runs: int = 0


@activity_def("batch_process_chunk", timeout=60)
async def process_chunk(chunk: Chunk) -> int:
    # Stand-in for real work on items [start, end): here, a checksum of their ids.
    return sum(range(chunk.start, chunk.end))


class BatchWorkflow(Workflow):
    async def process_batch(self, total: int, progress: Progress | None = None) -> Progress:
        progress = progress or Progress()
        start = progress.processed
        end = min(start + PER_RUN, total)
        chunks = [Chunk(start=s, end=min(s + CHUNK, end)) for s in range(start, end, CHUNK)]
        sums = await self.gather(*(self.exec(process_chunk, c) for c in chunks))
        progress = Progress(processed=end, checksum=progress.checksum + sum(sums), runs=progress.runs + 1)
        if end < total:
            self.continue_as_new(self.process_batch, total, progress)
        return progress


async def run(engine: TemporalEngine, total: int = 10_000) -> tuple[MethodHandle[Progress], Progress]:
    handle: MethodHandle[Progress] = await BatchWorkflow.client(engine).async_.process_batch(total)
    result = await handle.result(timeout=300)
    return handle, result


async def main() -> None:
    async with example_engine("batches") as engine:
        handle, progress = await run(engine)
        print(
            f"{handle.id}: {progress.processed} items in {progress.runs} runs (checksum {progress.checksum})"
        )


if __name__ == "__main__":
    run_example(main)
