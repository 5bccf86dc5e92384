"""``python -m temporal_runtime``: the same command line as ``temporal-runtime``."""

from temporal_runtime.cli import run

run()
