"""The commands that talk to a Temporal server as a client (start, result, status, ...)."""

from __future__ import annotations

import argparse
from typing import Any

from pydantic import BaseModel, create_model

from temporal_runtime._internal import _envelope
from temporal_runtime._internal._workflow_defn import InputError, MethodDefinition, WorkflowDefinition
from temporal_runtime.cli._discovery import (
    UsageError,
    handler_args,
    import_modules,
    method_kwargs,
    read_json,
    read_source,
    resolve_method,
)
from temporal_runtime.cli._output import Output, Progress, dumps, jsonable, table, when
from temporal_runtime.client import MethodHandle, WorkflowStatus
from temporal_runtime.config import load_config
from temporal_runtime.engine import TemporalEngine
from temporal_runtime.options import StartOptions

# `--status` words -> the ExecutionStatus values of Temporal's visibility queries.
VISIBILITY_STATUS = {
    "running": "Running",
    "completed": "Completed",
    "failed": "Failed",
    "canceled": "Canceled",
    "cancelled": "Canceled",
    "terminated": "Terminated",
    "continued_as_new": "ContinuedAsNew",
    "timed_out": "TimedOut",
}


def api_key(args: argparse.Namespace) -> str | None:
    """The API key from ``--api-key`` or ``--api-key-file`` (None: TEMPORAL_API_KEY / temporal.toml)."""
    if args.api_key_file is None:
        given: str | None = args.api_key
        return given
    if args.api_key is not None:
        raise UsageError("give --api-key or --api-key-file, not both")
    key = read_source(args.api_key_file, option="--api-key-file").strip()
    source = "stdin" if args.api_key_file == "-" else args.api_key_file
    if not key:
        raise UsageError(f"--api-key-file: {source} is empty; it must hold the API key")
    return key


def make_engine(args: argparse.Namespace, *, start_worker: bool = False, **extra: Any) -> TemporalEngine:
    """An engine from the common options (explicit flags over TEMPORAL_* over temporal.toml)."""
    config = load_config(args.config) if args.config else None
    return TemporalEngine(
        url=args.address,
        namespace=args.namespace,
        start_worker=start_worker,
        api_key=args.api_key,
        tls=True if args.tls else None,
        tls_server_ca_cert=args.tls_ca,
        tls_client_cert=args.tls_cert,
        tls_client_key=args.tls_key,
        tls_server_name=args.tls_server_name,
        profile=args.profile,
        config=config,
        **extra,
    )


def _display(value: Any) -> str:
    if isinstance(value, str):
        return value
    return dumps(value)


def _status_text(s: WorkflowStatus) -> str:
    target = f"{s.workflow_type}.{s.method}" if s.method else s.workflow_type
    lines = [
        f"{s.workflow_id}  {target}  {s.status.value}",
        f"  run id:      {s.run_id or '-'}",
        f"  task queue:  {s.task_queue}",
        f"  started:     {when(s.start_time)}",
        f"  closed:      {when(s.close_time)}",
        f"  history:     {s.history_length} events",
    ]
    return "\n".join(lines)


def _check_input(definition: WorkflowDefinition, method: MethodDefinition, kwargs: dict[str, Any]) -> None:
    try:
        method.validate_kwargs(kwargs)
    except InputError as err:
        raise UsageError(f"--input for {definition.name}.{method.name}: {err}") from None


def _prepare(args: argparse.Namespace) -> tuple[WorkflowDefinition, MethodDefinition, dict[str, Any]]:
    # Everything that can be wrong with the command line is found before connecting.
    definition, method = resolve_method(args.target)
    kwargs = method_kwargs(method, read_json(args.input))
    _check_input(definition, method, kwargs)
    return definition, method, kwargs


async def _start(
    args: argparse.Namespace,
    engine: TemporalEngine,
    prepared: tuple[WorkflowDefinition, MethodDefinition, dict[str, Any]],
) -> MethodHandle[Any]:
    definition, method, kwargs = prepared
    # start_bound, not start_method: a user parameter named like an option (task_queue, ...)
    # must stay the method's.
    options = StartOptions().merge(workflow_id=args.id, task_queue=args.task_queue, start_delay=args.after)
    return await engine.start_bound(definition, method, kwargs, options)


def _started(out: Output, handle: MethodHandle[Any], after: float | None) -> None:
    data = {
        "workflow_id": handle.id,
        "run_id": handle.run_id,
        "workflow_type": handle.workflow_type,
        "method": handle.method,
    }
    delay = f", runs in {after:g}s" if after else ""
    out.emit(
        data, f"started {handle.workflow_type}.{handle.method} as {handle.id} (run {handle.run_id}{delay})"
    )


async def cmd_start(args: argparse.Namespace, out: Output) -> int:
    """``start WORKFLOW.METHOD``: start and print the ids."""
    prepared = _prepare(args)
    async with make_engine(args) as engine:
        _started(out, await _start(args, engine, prepared), args.after)
    return 0


async def cmd_execute(args: argparse.Namespace, out: Output) -> int:
    """``execute WORKFLOW.METHOD``: start, wait with a progress line, print the result."""
    prepared = _prepare(args)
    async with make_engine(args) as engine:
        handle = await _start(args, engine, prepared)
        if not out.as_json:
            print(f"started {handle.workflow_type}.{handle.method} as {handle.id}", flush=True)
        async with Progress(f"waiting for {handle.id}", enabled=None if args.progress else False):
            result = await handle.result(timeout=args.timeout)
        out.emit(
            {"workflow_id": handle.id, "run_id": handle.run_id, "result": jsonable(result)}, _display(result)
        )
    return 0


async def cmd_result(args: argparse.Namespace, out: Output) -> int:
    """``result ID``: wait for a workflow's result."""
    async with make_engine(args) as engine:
        async with Progress(f"waiting for {args.workflow_id}", enabled=None if args.progress else False):
            result = await engine.get_result(args.workflow_id, timeout_seconds=args.timeout)
        out.emit({"workflow_id": args.workflow_id, "result": jsonable(result)}, _display(result))
    return 0


async def cmd_status(args: argparse.Namespace, out: Output) -> int:
    """``status ID``: describe a workflow."""
    async with make_engine(args) as engine:
        status = await engine.get_status(args.workflow_id)
        out.emit(status.model_dump(mode="json"), _status_text(status))
    return 0


async def cmd_signal(args: argparse.Namespace, out: Output) -> int:
    """``signal ID NAME``: send a signal."""
    values = handler_args(read_json(args.input))
    async with make_engine(args) as engine:
        await engine.signal(args.workflow_id, args.name, *values)
    out.emit(
        {"workflow_id": args.workflow_id, "signal": args.name, "sent": True},
        f"sent {args.name} to {args.workflow_id}",
    )
    return 0


async def cmd_query(args: argparse.Namespace, out: Output) -> int:
    """``query ID NAME``: run a query and print its answer."""
    values = handler_args(read_json(args.input))
    async with make_engine(args) as engine:
        answer = await engine.query(args.workflow_id, args.name, *values)
    out.emit(
        {"workflow_id": args.workflow_id, "query": args.name, "result": jsonable(answer)}, _display(answer)
    )
    return 0


async def cmd_update(args: argparse.Namespace, out: Output) -> int:
    """``update ID NAME``: send an update and print its result."""
    values = handler_args(read_json(args.input))
    async with make_engine(args) as engine:
        answer = await engine.update(args.workflow_id, args.name, *values)
    out.emit(
        {"workflow_id": args.workflow_id, "update": args.name, "result": jsonable(answer)}, _display(answer)
    )
    return 0


async def cmd_cancel(args: argparse.Namespace, out: Output) -> int:
    """``cancel ID``: request cancellation."""
    async with make_engine(args) as engine:
        await engine.cancel(args.workflow_id)
    out.emit(
        {"workflow_id": args.workflow_id, "cancel_requested": True},
        f"cancellation requested for {args.workflow_id}",
    )
    return 0


async def cmd_terminate(args: argparse.Namespace, out: Output) -> int:
    """``terminate ID``: stop a workflow at once."""
    async with make_engine(args) as engine:
        await engine.terminate(args.workflow_id, args.reason)
    out.emit({"workflow_id": args.workflow_id, "terminated": True}, f"terminated {args.workflow_id}")
    return 0


def visibility_query(args: argparse.Namespace) -> str:
    """The list filter as a Temporal visibility query."""
    parts: list[str] = []
    if args.status:
        key = args.status.lower().replace("-", "_")
        if key not in VISIBILITY_STATUS:
            raise UsageError(
                f"--status {args.status!r} is unknown; use one of "
                f"{', '.join(sorted(set(VISIBILITY_STATUS) - {'cancelled'}))}"
            )
        parts.append(f"ExecutionStatus = '{VISIBILITY_STATUS[key]}'")
    if args.type:
        parts.append(f"WorkflowType = '{args.type}'")
    if args.query:
        parts.append(f"({args.query})")
    return " AND ".join(parts)


async def cmd_list(args: argparse.Namespace, out: Output) -> int:
    """``list``: workflows with their entry method, status and times."""
    query = visibility_query(args)
    rows: list[dict[str, Any]] = []
    async with make_engine(args) as engine:
        async for execution in engine.client.list_workflows(query or None, limit=args.limit):
            memo = await execution.memo()
            method = _envelope.recorded_method(memo)
            if args.method and method != args.method:
                continue
            rows.append(
                {
                    "workflow_id": execution.id,
                    "run_id": execution.run_id,
                    "workflow_type": execution.workflow_type,
                    "method": method if isinstance(method, str) else None,
                    "status": execution.status.name if execution.status is not None else "UNKNOWN",
                    "task_queue": execution.task_queue,
                    "start_time": execution.start_time,
                    "close_time": execution.close_time,
                }
            )
    text = (
        table(
            [
                (
                    r["workflow_id"],
                    r["workflow_type"],
                    r["method"] or "-",
                    r["status"],
                    when(r["start_time"]),
                    when(r["close_time"]),
                )
                for r in rows
            ],
            ("WORKFLOW ID", "TYPE", "METHOD", "STATUS", "STARTED", "CLOSED"),
        )
        if rows
        else "no workflows match"
    )
    out.emit(rows, text)
    return 0


def input_model(definition: WorkflowDefinition, method: MethodDefinition) -> type[BaseModel]:
    """A Pydantic model of the method's keyword arguments (what ``--input`` takes)."""
    fields: dict[str, Any] = {p.name: (p.annotation, ... if p.required else p.default) for p in method.params}
    model: type[BaseModel] = create_model(f"{definition.name}.{method.name}", **fields)
    return model


async def cmd_schema(args: argparse.Namespace, out: Output) -> int:
    """``schema WORKFLOW.METHOD``: the JSON schema of the method's input."""
    definition, method = resolve_method(args.target)
    schema = input_model(definition, method).model_json_schema()
    print(dumps(schema), flush=True)
    return 0


def import_common_modules(args: argparse.Namespace) -> None:
    """Import every ``--module`` (a package brings its submodules)."""
    if args.module:
        import_modules(args.module)
