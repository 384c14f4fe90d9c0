"""Several benchmark runs side by side: p95 of each endpoint per run, the median, and in how
many runs it met its target (a single run on a shared 2-core machine can be 20 % off).

    .venv/bin/python bench/compare.py bench/results/whoosh-100000-*.json
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path
from typing import Any

from report import targets


def _row(name: str, target: float | None, values: list[float | None], unit: str) -> str:
    """One markdown row: the values, their median and how many meet `target`."""
    shown = [f"{v:.1f}" if v is not None else "-" for v in values]
    found = [v for v in values if v is not None]
    median = f"{statistics.median(found):.1f}" if found else "-"
    if target is None or not found:
        met = ""
    else:
        met = f"{sum(v <= target for v in found)} of {len(found)}"
    goal = f"{target:.0f} {unit}" if target is not None else "-"
    return f"| {name} | {goal} | {' | '.join(shown)} | {median} | {met} |"


def compare(runs: list[dict[str, Any]], labels: list[str]) -> str:
    """The markdown table of these runs."""
    head = f"| | target | {' | '.join(labels)} | median | met |"
    lines = [head, "|---" * (len(labels) + 4) + "|"]
    goals = targets(runs[0]["backend"], runs[0]["complaints"])  # runs of one backend and size
    for name, target in goals.p95.items():
        values = [r["endpoints"].get(name, {}).get("p95_ms") for r in runs]
        lines.append(_row(f"{name} (p95)", target, values, "ms"))
    reindex = [r.get("reindex_seconds") for r in runs]
    lines.append(_row("full reindex", goals.reindex_s, reindex, "s"))
    memory = [max(r.get("worker_rss_mb", {}).values(), default=None) for r in runs]
    lines.append(_row("largest worker RSS", goals.memory_mb, memory, "MB"))
    # The workers' CPU a request (runs since the fifteenth session): the code's cost and the
    # machine's speed, without the wait for a free worker.
    for name in goals.p95:
        cpu = [r["endpoints"].get(name, {}).get("cpu_ms_per_request") for r in runs]
        if any(value is not None for value in cpu):
            lines.append(_row(f"{name} (CPU a request)", None, cpu, "ms"))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Print the table of the result files named in `argv`."""
    paths = sorted({Path(p) for p in argv})
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    runs = [json.loads(p.read_text()) for p in paths]
    labels = [p.stem.rsplit("-", 1)[-1] for p in paths]
    print(compare(runs, labels))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
