"""Process pools for `def` activities (CPU-bound work), shared by both engines.

Pool processes are spawned, not forked: the engine's process runs temporalio's threads, and
a fork copies none of them but all of their locks. A spawned process imports the module that
defines an activity when it first receives it (the worker entry pickles by name).
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing.managers import SyncManager

from temporalio.worker import SharedStateManager


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` spawned processes."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


class ActivityPool:
    """The executor of an engine's `def` activities, and what else it needs, closed together.

    Outside a thread pool, temporalio sends heartbeats and cancellation through a
    multiprocessing manager (a process of its own), made here with the pool.
    """

    def __init__(self, executor: Executor) -> None:
        self.executor = executor
        self._manager: SyncManager | None = None
        self.shared_state: SharedStateManager | None = None
        if not isinstance(executor, ThreadPoolExecutor):
            self._manager = multiprocessing.get_context("spawn").Manager()
            self.shared_state = SharedStateManager.create_from_multiprocessing(self._manager)

    def shutdown(self) -> None:
        """Stop the pool (running activities are abandoned: the engine drained them) and the manager."""
        self.executor.shutdown(wait=False, cancel_futures=True)
        if self._manager is not None:
            self._manager.shutdown()
