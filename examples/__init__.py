"""Runnable examples of temporal_runtime; each module runs with `python -m examples.<name>`."""
