"""Benchmarks: temporal_runtime against the same work written in raw temporalio.

Run ``python -m benchmarks`` (``make bench``) or ``python -m benchmarks --quick``
(``make bench-quick``). Every scenario runs both sides on the same dev server, alternating DSL
and raw rounds so that machine noise hits both alike; the workers run in the bench process, except
in worker start and memory (a fresh process per run) and scale-out (worker processes of their
own, the DSL side's started by ``temporal-runtime worker --processes N``).
"""
