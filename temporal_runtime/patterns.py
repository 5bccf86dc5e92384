"""Durable patterns on `Workflow`: children, continue-as-new, versioning, sagas and more.

The helpers here are children, continue-as-new, patches, search attributes, shield, gather
and sagas. `Workflow` derives from `DurablePatterns`; these are its helpers for long-running and
multi-step work (see docs/patterns.md). Like every helper, each raises `NotInWorkflowError`
outside a running workflow, so a unit test patches what it needs.

Example:
    >>> from temporal_runtime import Workflow
    >>> class DocCountdown(Workflow):
    ...     async def run(self, n: int) -> int:
    ...         if n > 0:
    ...             self.continue_as_new(self.run, n - 1)
    ...         return n
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Literal, NoReturn, ParamSpec, TypeVar, overload

from typing_extensions import Unpack

from temporal_runtime._internal import _envelope, _flow, _registry
from temporal_runtime._internal._runtime import ContinueAsNew, WorkflowRuntime
from temporal_runtime._internal._search import SearchAttributesInput, search_attribute_pairs
from temporal_runtime._internal._workflow_defn import DEFINITION_ATTR, WorkflowDefinition
from temporal_runtime.child import ChildClient, child_client
from temporal_runtime.external import ExternalWorkflowHandle
from temporal_runtime.options import ChildOptions, ChildOptionsKwargs
from temporal_runtime.saga import QuietSaga, Saga

__all__ = ["DurablePatterns"]

P = ParamSpec("P")
W = TypeVar("W")
T = TypeVar("T")
T1 = TypeVar("T1")
T2 = TypeVar("T2")
T3 = TypeVar("T3")


class DurablePatterns:
    """The durable-pattern helpers of `Workflow` (its base class; see the module's docstring).

    Example:
        >>> from temporal_runtime import Workflow
        >>> issubclass(Workflow, DurablePatterns)
        True
    """

    def _runtime(self, helper: str) -> WorkflowRuntime:
        raise NotImplementedError  # `Workflow` provides it

    def child(self, workflow: type[W], /, **options: Unpack[ChildOptionsKwargs]) -> ChildClient[W]:
        """A proxy that runs `workflow`'s entry methods as child workflows.

        ``await self.child(Other).method(x)`` starts the child and waits for its result
        (converted to the method's return annotation); ``await self.child(Other).start(
        Other.method, x)`` and ``.async_.method(x)`` return a `ChildHandle` (await it, signal
        it, cancel it). The options (`ChildOptionsKwargs`, here or via ``.with_options``):
        workflow_id (default ``<type>-<method>-<uuid>``), task_queue (default the child
        class's, else this workflow's), parent_close_policy (`ParentClosePolicy`, default
        TERMINATE), timeouts, retry_policy, memo, search_attributes, id_reuse_policy, priority /
        fairness_key / fairness_weight (default: this workflow's), summary (default: the child's
        entry method) and details. A failed child raises `ChildWorkflowError`.

        Example:
            >>> from temporal_runtime import Workflow, WorkflowCancelled
            >>> class DocParent(Workflow):
            ...     async def run(self, n: int) -> int:
            ...         return await self.child(DocParent).run(n - 1) if n else 0
        """
        definition = _registry.workflow_definition(workflow)
        client: ChildClient[W] = child_client(
            self._runtime("child"), definition, ChildOptions().merge(**options)
        )
        return client

    def external(self, workflow_id: str, run_id: str | None = None) -> ExternalWorkflowHandle:
        """A handle to another workflow by id, to signal or cancel it from this workflow.

        temporalio's ``workflow.get_external_workflow_handle``: ``await
        self.external("order-42").signal(OrderWorkflow.approve, "ops")``, ``await
        self.external("order-42").cancel()``. Without `run_id` it addresses the current run.
        Signalling a workflow that is not running, or cancelling an id no workflow has,
        raises `ApplicationError` (type ``ExternalWorkflowExecutionNotFound``).

        Example:
            >>> from temporal_runtime import Workflow
            >>> class DocCanceller(Workflow):
            ...     async def stop(self, workflow_id: str) -> None:
            ...         await self.external(workflow_id).cancel()
        """
        run = self._runtime("external").external(workflow_id, run_id)
        return ExternalWorkflowHandle(run, workflow_id, run_id)

    @overload
    def continue_as_new(
        self, method: Callable[P, Coroutine[Any, Any, Any]], /, *args: P.args, **kwargs: P.kwargs
    ) -> NoReturn: ...
    @overload
    def continue_as_new(self, method: str, /, *args: Any, **kwargs: Any) -> NoReturn: ...
    def continue_as_new(self, method: Callable[..., Any] | str, /, *args: Any, **kwargs: Any) -> NoReturn:
        """End this run and restart the workflow with fresh history, in entry `method`.

        `method` is an entry method of this class (``self.process_batch``) or its name; the
        arguments are bound as a call to it would bind them. The workflow id stays the same,
        and callers waiting on the first run's handle get the last run's result, so the
        entry methods chained this way should share a return type. Never returns.

        Signal and update handlers still running finish first (the run continues once
        `all_handlers_finished`), unless the class is declared with
        ``wait_for_handlers=False``. The arguments are read when this is called: to carry
        what running handlers still change, ``await self.wait_until(self.all_handlers_finished)``
        before calling it. Continue when ``self.info.continue_as_new_suggested`` turns True,
        or after a fixed number of steps.

        Example:
            >>> from temporal_runtime import Workflow, WorkflowCancelled
            >>> class DocBatch(Workflow):
            ...     async def process(self, start: int, total: int) -> int:
            ...         end = min(start + 1000, total)
            ...         if end < total:
            ...             self.continue_as_new(self.process, end, total)
            ...         return total
        """
        runtime = self._runtime("continue_as_new")
        definition: WorkflowDefinition = getattr(type(self), DEFINITION_ATTR)
        name = method if isinstance(method, str) else getattr(method, "__name__", "")
        target = definition.method(name)
        envelope = _envelope.encode(target.name, target.bind(args, kwargs))
        runtime.continue_as_new(
            ContinueAsNew(definition.name, envelope, _envelope.start_memo(target.name, None))
        )

    def patched(self, patch_id: str) -> bool:
        """Versioning: True on runs that should take the new code path of `patch_id`.

        New runs get True (and record a marker); a run replaying a history recorded before
        the patch gets False, so it replays the old path. Once no such run is open, switch
        to `deprecate_patch` and delete the old path.

        Example:
            >>> from temporal_runtime import Workflow, WorkflowCancelled
            >>> class DocShip(Workflow):
            ...     async def ship(self, order: str) -> str:
            ...         if self.patched("ship-express"):
            ...             return "express"
            ...         return "ground"
        """
        return self._runtime("patched").patched(patch_id)

    def deprecate_patch(self, patch_id: str) -> None:
        """Versioning: the old path of `patch_id` is gone; keep only the new code.

        Example:
            >>> from temporal_runtime import Workflow, WorkflowCancelled
            >>> class DocShip2(Workflow):
            ...     async def ship(self, order: str) -> str:
            ...         self.deprecate_patch("ship-express")
            ...         return "express"
        """
        self._runtime("deprecate_patch").deprecate_patch(patch_id)

    def upsert_search_attributes(self, attributes: SearchAttributesInput) -> None:
        """Set search attributes on this workflow (visible to list/filter queries).

        `attributes` maps names to values (the type follows the value: str is Keyword, int
        is Int, ...) or typed `SearchAttributeKey`s to values; None with a typed key removes it.
        The attributes must be registered on the server.

        Example:
            >>> from temporal_runtime import Workflow, WorkflowCancelled
            >>> class DocTagged(Workflow):
            ...     async def run(self, customer: str) -> None:
            ...         self.upsert_search_attributes({"Customer": customer})
        """
        runtime = self._runtime("upsert_search_attributes")
        runtime.upsert_search_attributes(search_attribute_pairs(attributes))

    async def shield(self, awaitable: Awaitable[T]) -> T:
        """Run `awaitable` to completion even if the workflow is cancelled meanwhile.

        The non-cancellable scope for cleanup: ``await self.shield(self.exec(undo, x))``
        finishes the activity, then raises the pending `WorkflowCancelled` (if any) so
        the workflow still ends as cancelled.

        Example:
            >>> from temporal_runtime import Workflow, WorkflowCancelled
            >>> class DocCleanup(Workflow):
            ...     async def run(self) -> None:
            ...         try:
            ...             await self.sleep(3600)
            ...         except WorkflowCancelled:
            ...             await self.shield(self.exec("doc_release"))
            ...             raise
        """
        return await _flow.shield(awaitable)

    @overload
    async def gather(self, a1: Awaitable[T1], /, *, return_exceptions: bool = False) -> tuple[T1]: ...
    @overload
    async def gather(
        self, a1: Awaitable[T1], a2: Awaitable[T2], /, *, return_exceptions: bool = False
    ) -> tuple[T1, T2]: ...
    @overload
    async def gather(
        self, a1: Awaitable[T1], a2: Awaitable[T2], a3: Awaitable[T3], /, *, return_exceptions: bool = False
    ) -> tuple[T1, T2, T3]: ...
    @overload
    async def gather(self, *awaitables: Awaitable[T], return_exceptions: bool = False) -> tuple[T, ...]: ...
    async def gather(self, *awaitables: Awaitable[Any], return_exceptions: bool = False) -> tuple[Any, ...]:
        """Run activities and children in parallel; results in argument order.

        Deterministic (Temporal's workflow loop schedules them the same way on replay).
        First-error semantics: when one fails, the others still running are cancelled and
        awaited, then that first failure (in completion order) is raised. With
        ``return_exceptions=True`` nothing is cancelled and failures are returned in place.

        Example:
            >>> from temporal_runtime import Workflow, WorkflowCancelled
            >>> class DocFanOut(Workflow):
            ...     async def run(self, n: int) -> int:
            ...         a, b = await self.gather(self.exec("doc_a"), self.exec("doc_b"))
            ...         return a + b
        """
        return tuple(await _flow.gather(awaitables, return_exceptions))

    @overload
    def saga(self, *, reraise: Literal[True] = True) -> Saga: ...
    @overload
    def saga(self, *, reraise: Literal[False]) -> QuietSaga: ...
    def saga(self, *, reraise: bool = True) -> Saga | QuietSaga:
        """Compensations for a multi-step transaction: ``async with self.saga() as saga:``.

        Register an undo after each step with ``saga.compensate_with(activity, args,
        timeout=..., retry_policy=...)``. If the block fails or the workflow is cancelled,
        the undos run as activities in reverse order, shielded from cancellation, then the
        error is re-raised; ``reraise=False`` swallows it instead (see ``saga.error``).

        Example:
            >>> from temporal_runtime import Workflow, WorkflowCancelled
            >>> class DocTrip(Workflow):
            ...     async def book(self, hotel: str) -> str:
            ...         async with self.saga() as saga:
            ...             booking = await self.exec("doc_reserve_hotel", hotel)
            ...             saga.compensate_with("doc_cancel_hotel", booking)
            ...             await self.exec("doc_charge", hotel)
            ...         return booking
        """
        workflow: Any = self  # a `Workflow`, which has the `exec` and `logger` sagas use
        return Saga(workflow) if reraise else QuietSaga(workflow)
