"""Long-running commands: ``worker`` (serve task queues, drain on SIGTERM) and ``dev``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any

from temporal_runtime._internal import _registry
from temporal_runtime._internal._secrets import credentials
from temporal_runtime.cli._commands import make_engine
from temporal_runtime.cli._discovery import UsageError, import_modules
from temporal_runtime.cli._health import HealthServer
from temporal_runtime.cli._output import Output
from temporal_runtime.cli._supervise import Supervisor
from temporal_runtime.devserver import DevServer

logger = logging.getLogger("temporal_runtime.worker")


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    count = 0

    def handle(signum: int) -> None:
        nonlocal count
        count += 1
        if count > 1:
            # A second Ctrl-C means "now": skip the rest of the drain.
            logger.warning(
                "second %s: exiting without waiting for in-flight tasks", signal.Signals(signum).name
            )
            logging.shutdown()
            sys.stdout.flush()
            sys.stderr.flush()
            # Unwinding would only cancel the activities with tracebacks; the server retries
            # them on another worker after their timeouts either way.
            os._exit(130)
        logger.info("received %s", signal.Signals(signum).name)
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, handle, signum)


async def cmd_worker(args: argparse.Namespace, out: Output) -> int:
    """``worker MODULE ...``: serve the modules' workflows and activities until SIGTERM/SIGINT."""
    import_modules([*args.modules, *(args.module or [])])
    if not _registry.workflows.names() and not _registry.activities.names():
        raise UsageError(
            f"no workflows or activities found in {', '.join(args.modules)}; name the module or "
            "package that defines them"
        )
    extra: dict[str, Any] = {"queues": args.queue or None, "tracing": args.tracing}
    if args.task_queue:
        extra["task_queue"] = args.task_queue
    if args.drain_timeout is not None:
        extra["drain_timeout"] = args.drain_timeout
    if args.metrics_port is not None:
        extra["metrics_port"] = args.metrics_port
    if args.max_concurrent_activities is not None:
        extra["max_concurrent_activities"] = args.max_concurrent_activities
    engine = make_engine(args, start_worker=True, **extra)
    plan = engine.plan_workers()
    served = {q: (w, a) for q, (w, a) in plan.items() if w or a}
    if not served:
        wanted = ", ".join(args.queue or []) or "(any)"
        raise UsageError(
            f"nothing to serve on task queue(s) {wanted}; the modules use: "
            f"{', '.join(sorted(plan)) or 'none'}"
        )
    if args.processes > 1:
        # Everything above was checked once, here; each process then serves the same plan.
        return await Supervisor(args.argv, args, out).run()
    stop = asyncio.Event()
    _stop_on_signals(stop)
    await engine.start()
    health: HealthServer | None = None
    try:
        if args.health_port is not None:
            health = await HealthServer(engine, host=args.health_host, port=args.health_port).start()
        summary = {
            queue: {
                "workflows": [w.name for w in workflows],
                "activities": [a.name for a in activities],
            }
            for queue, (workflows, activities) in served.items()
        }
        codec = engine.client.data_converter.payload_codec
        auth = credentials(engine.connect_args)
        out.emit(
            {
                "event": "serving",
                "address": engine.address,
                "namespace": engine.namespace,
                **auth,
                "task_queues": summary,
                "health_port": health.port if health else None,
                "codec": repr(codec) if codec is not None else None,
            },
            f"worker serving {', '.join(sorted(summary))} on {engine.address} (namespace {engine.namespace}"
            + (", TLS" if auth["tls"] else "")
            + (f", API key {auth['api_key']}" if auth["api_key"] else "")
            + (f", client key {auth['tls_client_key']}" if auth["tls_client_key"] else "")
            + ")"
            + (f"; health on :{health.port}" if health else "")
            + (f"; payloads through {codec!r}" if codec is not None else ""),
            line=True,
        )
        for queue, parts in sorted(summary.items()):
            logger.info(
                "task queue %s: workflows %s, activities %s", queue, parts["workflows"], parts["activities"]
            )
        stopper = asyncio.create_task(stop.wait())
        watched = [stopper, *engine._worker_tasks]
        done, _ = await asyncio.wait(watched, return_when=asyncio.FIRST_COMPLETED)
        if stopper not in done:
            stopper.cancel()
            failed = next(iter(done))
            err = failed.exception()
            logger.error("worker %s stopped: %s", failed.get_name(), err)
            raise RuntimeError(f"worker {failed.get_name()} stopped unexpectedly: {err}")
        if health is not None:
            health.draining = True
        logger.info(
            "draining: no new tasks; in-flight ones get up to %ss", engine.drain_timeout.total_seconds()
        )
        await engine.stop()
        logger.info("worker stopped")
        out.emit({"event": "stopped"}, "worker stopped", line=True)
        return 0
    finally:
        await engine.stop()
        if health is not None:
            await health.stop()


async def cmd_dev(args: argparse.Namespace, out: Output) -> int:
    """``dev``: the dev server with SQLite under .temporal/ and the Web UI, until Ctrl-C."""
    db_file = None if args.in_memory else Path(args.db)
    server = DevServer(
        port=args.port,
        ui_port=args.ui_port,
        ui=not args.headless,
        db_file=db_file,
        host=args.ip,
        namespaces=tuple(args.extra_namespace or ()),
        extra_args=("--ui-codec-endpoint", args.ui_codec_endpoint) if args.ui_codec_endpoint else (),
    )
    stop = asyncio.Event()
    _stop_on_signals(stop)
    await server.start()
    try:
        data = {
            "event": "serving",
            "address": server.address,
            "ui_url": server.ui_url,
            "db_file": str(db_file) if db_file else None,
        }
        lines = [
            f"Temporal dev server: {server.address}",
            f"Web UI:              {server.ui_url or '(headless)'}",
            f"Data:                {db_file or '(in memory)'}",
            f"Point workers at it: TEMPORAL_ADDRESS={server.address} (the default for localhost:7233)",
            "Press Ctrl-C to stop.",
        ]
        out.emit(data, "\n".join(lines), line=True)
        stopper = asyncio.create_task(stop.wait())
        exited = asyncio.create_task(_wait_exit(server))
        done, _ = await asyncio.wait([stopper, exited], return_when=asyncio.FIRST_COMPLETED)
        for task in (stopper, exited):
            task.cancel()
        if exited in done:
            raise RuntimeError("the Temporal dev server exited on its own")
        return 0
    finally:
        await server.stop()


async def _wait_exit(server: DevServer) -> None:
    if server._process is not None:
        await server._process.wait()
