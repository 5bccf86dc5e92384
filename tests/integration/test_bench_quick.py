"""The benchmark harness runs end to end in its tiny configuration (no speed threshold)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 240


def _run_in_own_group(args: list[str]) -> subprocess.CompletedProcess[str]:
    """Run `args` as a process group of its own; on timeout kill the whole group and fail.

    The run starts a dev server and child processes of its own: killing only the direct child
    (as ``subprocess.run(timeout=...)`` does) would leave them running under a loaded machine.
    """
    proc = subprocess.Popen(
        args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        out, err = proc.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        raise AssertionError(f"the tiny benchmark did not finish in {TIMEOUT_S} s:\n{err[-3000:]}") from None
    return subprocess.CompletedProcess(args, proc.returncode, out, err)


def test_tiny_benchmark_run_writes_every_scenario(tmp_path: Path) -> None:
    proc = _run_in_own_group([sys.executable, "-m", "benchmarks", "--preset", "tiny", "--out", str(tmp_path)])
    assert proc.returncode == 0, proc.stderr[-3000:]
    doc = json.loads((tmp_path / "latest.json").read_text())
    scenarios = {m["scenario"].split()[0] for m in doc["metrics"]}
    assert scenarios == {"1", "2", "3", "4", "5", "6", "7"}
    for metric in doc["metrics"]:
        assert metric["dsl"] > 0 and metric["raw"] > 0, metric
        assert metric["ratio"] == metric["dsl"] / metric["raw"]
    # The CPU scenario measures the DSL against all three raw sides, each with its target.
    cpu = [m for m in doc["metrics"] if m["name"].startswith("process CPU per workflow")]
    assert len(cpu) == 3
    assert [m["target"] for m in cpu] == ["", "<= 1x raw", "<= 1.15x raw"]
    assert all(m["extra"]["median_round_ratio"] > 0 for m in cpu)
    targets = {m["name"].split(":")[-1].strip(): m["target"] for m in doc["metrics"] if m["target"]}
    assert targets["CPU time of import + worker built"] == "<= 1x raw"
    assert targets["whole start call (stub service)"] == "<= 1.1x raw"
    assert doc["settings"]["name"] == "tiny"
    assert doc["versions"]["temporalio"] and doc["machine"]["cores"]
    markdown = (tmp_path / "latest.md").read_text()
    assert "| scenario |" in markdown and "DSL/raw" in markdown and "no sandbox" in markdown
    # The table printed to the terminal has one line per metric.
    assert sum(
        line.startswith(("1 ", "2 ", "3 ", "4 ", "5 ", "6 ", "7 ")) for line in proc.stdout.splitlines()
    ) == len(doc["metrics"])
