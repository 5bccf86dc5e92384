"""Testing workflows at three levels: in memory, on a real local server, and by replay.

- `InMemoryEngine`: no server; `TemporalEngine`'s calling surface on virtual time, with
  fake activities and a record of every activity call.
- `local_engine`: the dev server (or the time-skipping test server) started for a test,
  serving every registered workflow and activity, with activities replaceable by fakes.
- `replay`, `replay_history`, `replay_workflows`, `export_history`: determinism checks with
  Temporal's Replayer.

The pytest plugin (`temporal_runtime.testing.pytest_plugin`) adds the fixtures
``temporal_engine`` and ``temporal_time_skipping_engine``.

Example:
    >>> import asyncio
    >>> from temporal_runtime import Workflow
    >>> class DocHello(Workflow):
    ...     async def hello(self, name: str) -> str:
    ...         return f"hello {name}"
    >>> async def main() -> str:
    ...     async with InMemoryEngine() as engine:
    ...         return await DocHello.client(engine).hello("ada")
    >>> asyncio.run(main())
    'hello ada'
"""

from temporal_runtime.testing._engine import ActivityCall, InMemoryEngine
from temporal_runtime.testing._local import LocalEngine, local_engine
from temporal_runtime.testing._replay import (
    ReplayError,
    export_history,
    replay,
    replay_history,
    replay_workflows,
)

__all__ = [
    "ActivityCall",
    "InMemoryEngine",
    "LocalEngine",
    "ReplayError",
    "export_history",
    "local_engine",
    "replay",
    "replay_history",
    "replay_workflows",
]
