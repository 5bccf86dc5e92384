"""`UpdateHandle`: an update the workflow has accepted, and the way to its result.

``await handle.update(X.m, v)`` sends an update and waits for its result; ``await
handle.start_update(X.m, v)`` returns as soon as the workflow accepted it (its validator
passed) with an `UpdateHandle`, whose `result` waits for the handler to finish. Temporal calls
the two waits the update's COMPLETED and ACCEPTED stages.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Generic, Protocol, cast

from temporal_runtime._internal._failures import translate
from temporal_runtime._internal._handles import RawUpdateHandle
from temporal_runtime._internal._types import HandleResultType
from temporal_runtime._internal._workflow_defn import HandlerDefinition
from temporal_runtime.config import to_timedelta

__all__ = ["UpdateHandle"]


class UpdateWaiter(Protocol):
    """What an `UpdateHandle` needs from its engine: a wait that honours the engine's clock."""

    async def _wait_update(self, handle: RawUpdateHandle, timeout: float | None) -> Any:
        """An accepted update's raw result, waiting at most `timeout` seconds."""
        ...


class UpdateHandle(Generic[HandleResultType]):
    """An accepted update: its id, and `result` to wait for what its handler returns.

    Made by ``handle.start_update(...)``, ``engine.start_update(...)`` and
    ``with_start(...).start_update(...)``; the result is converted to the handler's return
    annotation, and a handler that raised makes `result` raise `UpdateFailedError`.

    Example:
        >>> async def demo(handle):  # doctest: +SKIP
        ...     accepted = await handle.start_update(OrderWorkflow.set_priority, 3)
        ...     old: int = await accepted.result(timeout=30)
    """

    __slots__ = ("_engine", "_handle", "_handler", "_ids", "_name")

    def __init__(
        self,
        engine: UpdateWaiter,
        handle: RawUpdateHandle,
        handler: HandlerDefinition | None,
        *,
        name: str,
        workflow_type: str | None,
        method: str | None,
    ) -> None:
        self._engine = engine
        self._handle = handle
        self._handler = handler
        self._name = name
        self._ids: dict[str, Any] = {
            "workflow_id": handle.workflow_id,
            "workflow_type": workflow_type,
            "method": method,
        }

    @property
    def id(self) -> str:
        """The update id (Temporal's, unique per update of a workflow)."""
        return self._handle.id

    @property
    def name(self) -> str:
        """The update's name."""
        return self._name

    @property
    def workflow_id(self) -> str:
        """The workflow the update was sent to."""
        return self._handle.workflow_id

    @property
    def workflow_run_id(self) -> str | None:
        """The run the update was sent to, if known."""
        return self._handle.workflow_run_id

    async def result(self, timeout: float | timedelta | None = None) -> HandleResultType:
        """Wait for the handler to finish; `TimeoutError` if it has not within `timeout`.

        Example:
            >>> async def demo(accepted):  # doctest: +SKIP
            ...     value = await accepted.result(timeout=60)
        """
        seconds = None if timeout is None else to_timedelta(timeout).total_seconds()
        try:
            value = await self._engine._wait_update(self._handle, seconds)
        except TimeoutError:
            raise TimeoutError(
                f"update {self._name!r} of workflow {self.workflow_id!r} did not finish within "
                f"{seconds}s; its handler is still running (wait longer)"
            ) from None
        except Exception as err:
            raise translate(err, **self._ids, action=f"{self._name!r}") from err
        converted = self._handler.convert_result(value) if self._handler is not None else value
        return cast(HandleResultType, converted)

    def __repr__(self) -> str:
        return f"<UpdateHandle {self._name!r} id={self.id!r} workflow_id={self.workflow_id!r}>"
