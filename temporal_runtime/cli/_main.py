"""The ``temporal-runtime`` command line: argparse wiring, exit codes, error lines."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from temporal_runtime._internal._secrets import scrub
from temporal_runtime._internal._workflow_defn import InputError
from temporal_runtime.cli import _commands as c
from temporal_runtime.cli._codec_server import cmd_codec_server
from temporal_runtime.cli._discovery import UsageError
from temporal_runtime.cli._logging import configure_logging
from temporal_runtime.cli._output import Output, dumps
from temporal_runtime.cli._serve import cmd_dev, cmd_worker
from temporal_runtime.errors import (
    ConfigError,
    QueryFailedError,
    RegistrationError,
    UpdateFailedError,
    WorkflowAlreadyStartedError,
    WorkflowFailedError,
    WorkflowNotFoundError,
)

PROG = "temporal-runtime"

# Exit codes (documented in docs/operations.md and in --help).
EXIT_OK = 0
EXIT_FAILED = 1  # the workflow (or a query/update) failed, was cancelled, terminated or timed out
EXIT_USAGE = 2  # bad command line, input or configuration (argparse uses 2 as well)
EXIT_NOT_FOUND = 3  # no workflow with that id
EXIT_UNREACHABLE = 4  # the Temporal server could not be reached
EXIT_TIMEOUT = 5  # --timeout passed before the workflow finished (it keeps running)
EXIT_CONFLICT = 6  # a workflow with that id is already running
EXIT_INTERRUPTED = 130  # Ctrl-C while waiting

EXIT_CODES_HELP = """exit codes:
  0    success
  1    the workflow failed, was cancelled, terminated or timed out (or a query/update failed)
  2    bad command line, input or configuration
  3    no workflow with that id
  4    the Temporal server could not be reached
  5    --timeout passed before the workflow finished (it keeps running)
  6    a workflow with that id is already running
  130  interrupted
"""

Command = Callable[[argparse.Namespace, Output], Coroutine[Any, Any, int]]


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {text!r}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds as a number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number of seconds >= 0, got {text!r}")
    return value


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    g = common.add_argument_group("connection (flags over TEMPORAL_* variables over temporal.toml)")
    g.add_argument(
        "--address", help="host:port of the Temporal frontend (TEMPORAL_ADDRESS; default localhost:7233)"
    )
    g.add_argument("--namespace", help="namespace (TEMPORAL_NAMESPACE; default 'default')")
    g.add_argument("--profile", help="temporal.toml profile (TEMPORAL_PROFILE)")
    g.add_argument(
        "--api-key",
        help="API key, e.g. for Temporal Cloud; turns TLS on. Prefer TEMPORAL_API_KEY or "
        "--api-key-file: other users can read a flag in the process list",
    )
    g.add_argument("--api-key-file", metavar="PATH", help="read the API key from this file ('-': stdin)")
    g.add_argument("--tls", action="store_true", default=None, help="use TLS with the system's roots")
    g.add_argument(
        "--tls-ca", metavar="PEM", help="server CA certificate file (TEMPORAL_TLS_SERVER_CA_CERT_PATH)"
    )
    g.add_argument(
        "--tls-cert", metavar="PEM", help="client certificate file (TEMPORAL_TLS_CLIENT_CERT_PATH)"
    )
    g.add_argument("--tls-key", metavar="PEM", help="client private key file (TEMPORAL_TLS_CLIENT_KEY_PATH)")
    g.add_argument("--tls-server-name", help="server name to verify (TEMPORAL_TLS_SERVER_NAME)")
    o = common.add_argument_group("output and modules")
    o.add_argument("--json", action="store_true", help="print JSON for scripts instead of text")
    o.add_argument(
        "--module",
        "-m",
        action="append",
        metavar="MODULE",
        help="import MODULE first (a package imports its submodules); repeatable",
    )
    o.add_argument("--config", metavar="TOML", help="runtime defaults file (TEMPORAL_RUNTIME_CONFIG)")
    o.add_argument("--log-level", default=None, help="logging level (default: WARNING; INFO for worker/dev)")
    o.add_argument("--log-format", choices=("text", "json"), default="text", help="log line format")
    return common


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser of ``temporal-runtime`` (every sub-command and option)."""
    common = _common()
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Run, start and inspect temporal_runtime workflows.",
        epilog=EXIT_CODES_HELP
        + "\nWORKFLOW.METHOD is a workflow name (class name or name=) and entry method, found after\n"
        "importing the --module modules, or module.path:Class.method.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name: str, func: Command, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(
            name,
            parents=[common],
            help=help_text,
            description=help_text,
            epilog=EXIT_CODES_HELP,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        p.set_defaults(func=func)
        return p

    p = add("dev", cmd_dev, "start the Temporal dev server (SQLite under .temporal/, Web UI) until Ctrl-C")
    p.add_argument("--port", type=int, default=7233, help="frontend port (default 7233)")
    p.add_argument("--ui-port", type=int, default=8233, help="Web UI port (default 8233)")
    p.add_argument("--ip", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    p.add_argument("--db", default=".temporal/dev.db", help="SQLite file (default .temporal/dev.db)")
    p.add_argument("--in-memory", action="store_true", help="keep no data between runs")
    p.add_argument("--headless", action="store_true", help="no Web UI")
    p.add_argument("--extra-namespace", action="append", metavar="NS", help="also create namespace NS")
    p.add_argument(
        "--ui-codec-endpoint", metavar="URL", help="the Web UI decodes payloads there (see codec-server)"
    )

    p = add("worker", cmd_worker, "serve the workflows and activities of MODULEs; drain on SIGTERM/SIGINT")
    p.add_argument("modules", nargs="+", metavar="MODULE", help="module or package to import and serve")
    p.add_argument("--queue", "-q", action="append", metavar="Q", help="serve only task queue Q (repeatable)")
    p.add_argument("--task-queue", help="the default task queue (for classes that name none)")
    p.add_argument("--health-port", type=int, help="serve /livez and /readyz on this port")
    p.add_argument(
        "--health-host", default="0.0.0.0", help="interface of the health endpoint (default 0.0.0.0)"
    )
    p.add_argument("--drain-timeout", type=_positive_float, help="seconds in-flight tasks get on shutdown")
    p.add_argument("--max-concurrent-activities", type=int, help="activity slots per task queue")
    p.add_argument("--metrics-port", type=int, help="serve Prometheus metrics on this port (/metrics)")
    p.add_argument("--tracing", action="store_true", help="OpenTelemetry tracing (extra 'otel')")
    p.add_argument(
        "--processes",
        type=_positive_int,
        default=1,
        metavar="N",
        help="run N worker processes on the same queues, supervised and drained together",
    )

    for name, func, text in (
        ("start", c.cmd_start, "start WORKFLOW.METHOD and print its id"),
        ("execute", c.cmd_execute, "start WORKFLOW.METHOD and wait for its result"),
    ):
        p = add(name, func, text)
        p.add_argument("target", metavar="WORKFLOW.METHOD")
        p.add_argument("--input", "-i", metavar="JSON|@FILE", help="the method's arguments as a JSON object")
        p.add_argument("--id", help="workflow id (default <type>-<method>-<uuid>)")
        p.add_argument("--after", type=_positive_float, metavar="SECONDS", help="start after a delay")
        p.add_argument("--task-queue", help="task queue (default: the class's, else the configured one)")
        if name == "execute":
            p.add_argument(
                "--timeout", type=_positive_float, metavar="SECONDS", help="stop waiting after this"
            )
            p.add_argument(
                "--no-progress", dest="progress", action="store_false", help="no spinner on stderr"
            )

    p = add("result", c.cmd_result, "wait for a workflow's result")
    p.add_argument("workflow_id", metavar="ID")
    p.add_argument("--timeout", type=_positive_float, metavar="SECONDS", help="stop waiting after this")
    p.add_argument("--no-progress", dest="progress", action="store_false", help="no spinner on stderr")

    p = add("status", c.cmd_status, "show a workflow's status, type, method and times")
    p.add_argument("workflow_id", metavar="ID")

    for name, func, text in (
        ("signal", c.cmd_signal, "send a signal to a workflow"),
        ("query", c.cmd_query, "query a workflow"),
        ("update", c.cmd_update, "send an update to a workflow and print its result"),
    ):
        p = add(name, func, text)
        p.add_argument("workflow_id", metavar="ID")
        p.add_argument("name", metavar="NAME")
        p.add_argument(
            "--input", "-i", metavar="JSON|@FILE", help="a JSON array of arguments, or the one argument"
        )

    p = add("cancel", c.cmd_cancel, "request cancellation of a workflow")
    p.add_argument("workflow_id", metavar="ID")
    p = add("terminate", c.cmd_terminate, "terminate a workflow at once")
    p.add_argument("workflow_id", metavar="ID")
    p.add_argument("--reason", help="recorded in the history")

    p = add("list", c.cmd_list, "list workflows with their method, status and times")
    p.add_argument(
        "--status", help="running, completed, failed, canceled, terminated, timed_out, continued_as_new"
    )
    p.add_argument("--type", help="workflow type (class name)")
    p.add_argument("--method", help="entry method")
    p.add_argument("--query", help="a Temporal visibility query, ANDed with the other filters")
    p.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")

    p = add("schema", c.cmd_schema, "print the JSON schema of WORKFLOW.METHOD's input")
    p.add_argument("target", metavar="WORKFLOW.METHOD")

    p = add("codec-server", cmd_codec_server, "serve the configured payload codec to the Web UI and CLI")
    p.add_argument("--host", help="interface to listen on (default codec_server.host, 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default codec_server.port, 8081)")
    p.add_argument(
        "--origin", action="append", metavar="URL", help="a Web UI origin allowed by CORS (repeatable)"
    )
    p.add_argument("--token-file", metavar="PATH", help="require 'Authorization: Bearer <token in PATH>'")
    return parser


def _exit_code(err: BaseException) -> int | None:
    if isinstance(err, UsageError | ConfigError | InputError | RegistrationError | LookupError | TypeError):
        return EXIT_USAGE
    if isinstance(err, WorkflowNotFoundError):
        return EXIT_NOT_FOUND
    if isinstance(err, WorkflowAlreadyStartedError):
        return EXIT_CONFLICT
    if isinstance(err, WorkflowFailedError | QueryFailedError | UpdateFailedError):
        return EXIT_FAILED
    if isinstance(err, TimeoutError):
        return EXIT_TIMEOUT
    if isinstance(err, ConnectionError):
        return EXIT_UNREACHABLE
    return None


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split())
    return text or type(err).__name__


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code.

    Example:
        >>> main(["schema", "NoSuchWorkflow.run"])  # doctest: +SKIP
        2
    """
    parser = build_parser()
    given = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(given)
    args.argv = given  # `worker --processes N` starts its processes with the same command line
    long_running = args.command in ("worker", "dev", "codec-server")
    configure_logging(args.log_level or ("INFO" if long_running else "WARNING"), args.log_format)
    out = Output(args.json)
    try:
        args.api_key = c.api_key(args)
        if args.module and args.command != "worker":
            c.import_common_modules(args)
        func: Command = args.func
        return asyncio.run(func(args, out))
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as err:
        code = _exit_code(err)
        if code is None:
            logging.getLogger("temporal_runtime.cli").debug("unexpected error", exc_info=True)
            code = EXIT_FAILED
        # No secret in an error line, whatever an underlying library put in its message.
        message = scrub(_one_line(err), [getattr(args, "api_key", None), os.environ.get("TEMPORAL_API_KEY")])
        if args.json:
            print(dumps({"error": message, "error_type": type(err).__name__, "exit_code": code}), flush=True)
        print(f"{PROG} {args.command}: error: {message}", file=sys.stderr, flush=True)
        return code


def run() -> None:
    """The console-script entry point: `main`, then exit the process with its code.

    The exit skips interpreter finalization: temporalio's core runs native threads that may
    still be winding down when Python tears its objects down, which can crash the process
    after the command has finished. Everything is flushed first.

    Example:
        >>> run()  # doctest: +SKIP
    """
    try:
        code = main()
    except SystemExit as exc:  # argparse's usage errors, a second Ctrl-C during a drain
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_USAGE)
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe (`temporal-runtime list | head`) is not an error here.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)
