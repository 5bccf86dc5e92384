"""The benchmark harness runs end to end in its tiny configuration (no speed threshold)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_tiny_benchmark_run_writes_every_scenario(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--preset", "tiny", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    doc = json.loads((tmp_path / "latest.json").read_text())
    scenarios = {m["scenario"].split()[0] for m in doc["metrics"]}
    assert scenarios == {"1", "2", "3", "4", "5", "6", "7"}
    for metric in doc["metrics"]:
        assert metric["dsl"] > 0 and metric["raw"] > 0, metric
        assert metric["ratio"] == metric["dsl"] / metric["raw"]
    assert doc["settings"]["name"] == "tiny"
    assert doc["versions"]["temporalio"] and doc["machine"]["cores"]
    markdown = (tmp_path / "latest.md").read_text()
    assert "| scenario |" in markdown and "DSL/raw" in markdown
    # The table printed to the terminal has one line per metric.
    assert sum(
        line.startswith(("1 ", "2 ", "3 ", "4 ", "5 ", "6 ", "7 ")) for line in proc.stdout.splitlines()
    ) == len(doc["metrics"])
