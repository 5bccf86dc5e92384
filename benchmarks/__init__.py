"""Benchmarks: temporal_runtime against the same work written in raw temporalio.

Run ``python -m benchmarks`` (``make bench``) or ``python -m benchmarks --quick``
(``make bench-quick``). Every scenario runs both sides in the same process, on the same dev
server, alternating DSL and raw rounds so that machine noise hits both alike.
"""
