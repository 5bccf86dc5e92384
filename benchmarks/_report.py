"""The results: a terminal table, latest.json, latest.md and a PNG chart of the ratios."""

from __future__ import annotations

import dataclasses
import datetime
import json
import math
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks._harness import Metric, Settings
from temporal_runtime.devserver import find_temporal_cli

RESULTS = Path(__file__).resolve().parent / "results"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def _temporal_cli_version() -> str:
    try:
        out = subprocess.run(
            [find_temporal_cli(), "--version"], check=False, capture_output=True, text=True, timeout=20
        )
        return out.stdout.strip() or out.stderr.strip()
    except Exception as err:
        return f"unknown ({type(err).__name__})"


def environment() -> dict[str, Any]:
    return {
        "machine": {
            "platform": platform.platform(),
            "cpu": _cpu_model(),
            "cores": os.cpu_count(),
            "memory_gb": _memory_gb(),
        },
        "versions": {
            "python": sys.version.split()[0],
            "temporalio": _version("temporalio"),
            "pydantic": _version("pydantic"),
            "temporal_runtime": _version("temporal-runtime"),
            "temporal_cli": _temporal_cli_version(),
        },
    }


def _fmt(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"


def _verdict(m: Metric) -> str:
    if m.met is None:
        return ""
    return ("met" if m.met else "MISSED") + f" ({m.target})"


def _ratio(m: Metric) -> str:
    # Where rounds were paired, the median of per-round ratios follows in brackets.
    per_round = m.extra.get("median_round_ratio")
    return f"{m.ratio:.3f}" + (f" ({per_round:.3f})" if per_round else "")


def rows(metrics: list[Metric]) -> list[list[str]]:
    header = ["scenario", "figure", "unit", "DSL", "raw", "DSL/raw", "target"]
    body = [[m.scenario, m.name, m.unit, _fmt(m.dsl), _fmt(m.raw), _ratio(m), _verdict(m)] for m in metrics]
    return [header, *body]


def terminal_table(metrics: list[Metric]) -> str:
    table = rows(metrics)
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    numeric = {3, 4, 5}

    def line(r: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in numeric else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(table[0]), rule, *(line(r) for r in table[1:])])


def markdown(metrics: list[Metric], env: dict[str, Any], settings: Settings, elapsed_s: float) -> str:
    table = rows(metrics)
    out = [
        "# temporal_runtime vs raw temporalio",
        "",
        f"Run {env['finished_utc']} ({settings.name} preset, {elapsed_s:.0f} s). All sides ran in the same "
        "process on the same dev server, taking turns round by round; figures are medians over rounds "
        "(percentiles over all samples for latency). DSL/raw is the DSL figure divided by the raw one "
        "(in brackets, where rounds pair up: the median of per-round ratios): for throughput higher is "
        "better, for everything else lower is better.",
        "",
        "Raw is temporalio as its users first write it (default sandbox, models imported plainly). The "
        "CPU rows add two raw baselines: the same code with its models module passed through the sandbox, "
        "as temporalio's documentation advises, and the same code with no sandbox at all (the floor). "
        "Every side keeps its model and activity in a module of their own, imported plainly by the "
        "workflow module (benchmarks/dsl_models.py, benchmarks/raw_models.py).",
        "",
        f"- Machine: {env['machine']['cpu']}, {env['machine']['cores']} cores, "
        f"{env['machine']['memory_gb']} GB, {env['machine']['platform']}",
        "- Versions: " + ", ".join(f"{k} {v}" for k, v in env["versions"].items()),
        "- Sizes: " + ", ".join(f"{k}={v}" for k, v in dataclasses.asdict(settings).items() if k != "name"),
        "",
        "| " + " | ".join(table[0]) + " |",
        "|" + "|".join("---" if i < 3 or i == 6 else "---:" for i in range(len(table[0]))) + "|",
    ]
    out += ["| " + " | ".join(r) + " |" for r in table[1:]]
    return "\n".join(out) + "\n"


def chart(metrics: list[Metric], path: Path) -> str:
    """Draw the DSL/raw ratios; returns a message (matplotlib is an optional extra)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as pyplot
    except ImportError:
        return "chart skipped: matplotlib is not installed (pip install 'temporal-runtime[bench]')"
    plt: Any = pyplot  # matplotlib's stubs leave **kwargs untyped
    shown = [m for m in metrics if not math.isnan(m.ratio)]
    labels = [f"{m.scenario}: {m.name}" for m in shown]
    # Throughput is better when higher: show its inverse so that, on every bar, > 1 costs.
    values = [1 / m.ratio if m.better == "higher" else m.ratio for m in shown]
    fig, ax = plt.subplots(figsize=(10, 0.42 * len(shown) + 1.5))
    colors = ["#c0392b" if v > 1.2 else "#e67e22" if v > 1.05 else "#27ae60" for v in values]
    ax.barh(range(len(shown)), values, color=colors)
    ax.set_yticks(range(len(shown)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.axvline(1.0, color="black", linewidth=1)
    for i, v in enumerate(values):
        ax.text(v, i, f" {v:.2f}x", va="center", fontsize=8)
    ax.set_xlabel("cost of temporal_runtime relative to raw temporalio (1.0 = same; throughput inverted)")
    ax.set_title("temporal_runtime / raw temporalio")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return f"chart written to {path}"


def write(
    metrics: list[Metric], settings: Settings, elapsed_s: float, out_dir: Path = RESULTS
) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    env = environment()
    env["finished_utc"] = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    doc = {
        **env,
        "settings": dataclasses.asdict(settings),
        "elapsed_s": round(elapsed_s, 1),
        "metrics": [m.as_dict() for m in metrics],
    }
    paths = {"json": out_dir / "latest.json", "md": out_dir / "latest.md", "png": out_dir / "latest.png"}
    paths["json"].write_text(json.dumps(doc, indent=2) + "\n")
    paths["md"].write_text(markdown(metrics, env, settings, elapsed_s))
    print(chart(metrics, paths["png"]), file=sys.stderr)
    return paths
