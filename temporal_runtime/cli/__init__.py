"""The ``temporal-runtime`` command line (also ``python -m temporal_runtime``).

Commands: ``dev``, ``worker``, ``start``, ``execute``, ``result``, ``status``, ``signal``,
``query``, ``update``, ``cancel``, ``terminate``, ``list``, ``schema``, ``codec-server``. See
docs/operations.md for the reference and the exit codes.

Example:
    >>> from temporal_runtime.cli import main
    >>> main(["--help"])  # doctest: +SKIP
"""

from __future__ import annotations

from temporal_runtime.cli._codec_server import CodecServer
from temporal_runtime.cli._health import HealthServer
from temporal_runtime.cli._logging import JsonFormatter, TemporalContextFilter, configure_logging
from temporal_runtime.cli._main import build_parser, main, run

__all__ = [
    "CodecServer",
    "HealthServer",
    "JsonFormatter",
    "TemporalContextFilter",
    "build_parser",
    "configure_logging",
    "main",
    "run",
]
