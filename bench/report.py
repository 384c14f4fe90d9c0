"""The benchmark's results: a table on stdout with targets and PASS/MISS, a JSON file in
bench/results/, and a bar chart of p50/p95/p99 per endpoint against its target."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dataset import ROOT
from machine_speed import summary

SEARCHES = ("search: one word", "search: two words", "search: phrase", "search: filtered")


@dataclass(frozen=True)
class Targets:
    """What one run is judged against: p95 ms per endpoint, reindex seconds, worker RSS MB
    (None: no target for that row at this backend and size)."""

    p95: dict[str, float | None]
    reindex_s: float | None
    memory_mb: float | None


#: The page targets (p95 ms of the searches, inbox, case page, tracking page), reindex
#: seconds and worker RSS MB of each backend and size that has them: issue 11 (speed) for the
#: default backend (SQLite + Whoosh) at 100,000 complaints and for PostgreSQL's searches at
#: 100,000 and 1,000,000, issue 4's looser page targets for PostgreSQL at 100,000.
_BY_RUN: dict[tuple[str, int], tuple[tuple[float, ...], float | None, float]] = {
    ("whoosh", 100_000): ((25.0, 10.0, 15.0, 10.0), 45.0, 150.0),
    ("postgres", 100_000): ((50.0, 20.0, 30.0, 20.0), 90.0, 200.0),
    ("postgres", 1_000_000): ((150.0,), None, 200.0),
}
PAGES = ("inbox first page", "case page", "tracking page")


def targets(backend: str, complaints: int) -> Targets:
    """The targets of a run (_BY_RUN; other sizes have no page targets), with issue 13's
    reports page for every run."""
    pages, reindex_s, memory_mb = _BY_RUN.get((backend, complaints), ((), None, 200.0))
    p95: dict[str, float | None] = {}
    if pages:
        p95.update(dict.fromkeys(SEARCHES, pages[0]))
        p95.update(zip(PAGES, pages[1:], strict=False))
    p95.update({"reports page": 300.0, "reports: this year": 300.0})
    p95["static file (floor)"] = None  # no target: the cost of the smallest request here
    return Targets(p95, reindex_s, memory_mb)


def verdict(value: float | None, target: float | None) -> str:
    """PASS, MISS, n/a when there is no figure, or nothing when there is no target."""
    if target is None:
        return ""
    if value is None:
        return "n/a"
    return "PASS" if value <= target else "MISS"


def table(results: dict[str, Any]) -> str:
    """The results as a plain-text table."""
    lines = [
        f"{'endpoint':<20} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'CPU/req':>8} {'probe':>6} {'target p95':>10}  result",
    ]
    goals = targets(results["backend"], results["complaints"])
    for name, row in results["endpoints"].items():
        target = goals.p95.get(name)
        if target is None:
            target_text, result = "-", ""
        else:
            target_text, result = f"{target:.0f}", verdict(row.get("p95_ms"), target)
        if row.get("skipped"):
            lines.append(f"{name:<20} {'':>51} {target_text:>10}  n/a: {row['skipped']}")
            continue
        errors = f" ({row['errors']} errors)" if row["errors"] else ""
        cpu, speed = row.get("cpu_ms_per_request"), (row.get("machine_probe") or {}).get("p50_ms")
        lines.append(
            f"{name:<20} {row['rps']:>8.1f} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} "
            f"{row['p99_ms']:>8.1f} {_number(cpu, 8, 2)} {_number(speed, 6, 2)} "
            f"{target_text:>10}  {result}{errors}"
        )
    lines.extend(machine_lines(results))
    reindex = results.get("reindex_seconds")
    shown = f"{reindex:.1f} s" if reindex is not None else "not measured"
    if results.get("reindex_note"):
        lines.append(f"reindex: {results['reindex_note']}")
    goal = f"{goals.reindex_s:.0f}s" if goals.reindex_s is not None else "-"
    lines.append(
        f"{'full reindex':<20} {shown:>35} {goal:>10}  {verdict(reindex, goals.reindex_s)}"
    )
    goal = f"{goals.memory_mb:.0f}MB" if goals.memory_mb is not None else "-"
    for pid, rss in results.get("worker_rss_mb", {}).items():
        lines.append(
            f"{'worker ' + str(pid) + ' RSS':<20} {rss:>32.1f} MB {goal:>9}  "
            f"{verdict(rss, goals.memory_mb)}"
        )
    search = results.get("health", {}).get("search", "unknown")
    if search != "ok":
        lines.append(f"search index: {search}: the search rows measure the database fallback")
    lines.extend(casefile_lines(results.get("casefile") or {}))
    seeding = results.get("seed_seconds")
    if seeding is not None:
        lines.append(f"{'seeding (once)':<20} {seeding:>33.1f} s   (no target)")
    return "\n".join(lines)


def _number(value: float | None, width: int, places: int) -> str:
    """`value` right-aligned in `width` with `places` decimals, or "-" when not measured."""
    return f"{'-':>{width}}" if value is None else f"{value:>{width}.{places}f}"


def machine_lines(results: dict[str, Any]) -> list[str]:
    """What the CPU/req and probe columns mean, and how fast the machine was over the run."""
    seen = summary([row.get("machine_probe") or {} for row in results["endpoints"].values()])
    if seen is None:
        return []
    best, median = seen
    return [
        "CPU/req: the gunicorn workers' CPU ms a request under wrk; probe: the CPU ms of one "
        "fixed piece of Python (bench/machine_speed.py) just before, median of a second",
        f"machine: probe {best:.2f} ms at its best, {median:.2f} ms at the median of the "
        f"endpoints ({median / best:.2f} x its best): the same instructions take that much "
        "longer",
    ]


#: The case file's targets (issue 9): seconds for one big case, cases per second for many.
CASEFILE_TARGETS = {"pdf_s": 1.5, "bundle_s": 2.0, "export_cases_per_s": 20.0}


def casefile_lines(figures: dict[str, Any]) -> list[str]:
    """The case file's rows: the big case's PDF and bundle, and `cases export`."""
    if not figures:
        return []
    lines = []
    for key, name in (("pdf_s", "case file PDF"), ("bundle_s", "evidence bundle")):
        target = CASEFILE_TARGETS[key]
        lines.append(
            f"{name:<20} {figures[key]:>33.2f} s {target:>8.1f}s  "
            f"{verdict(figures[key], target)}  ({figures['messages']} messages, "
            f"{figures['photos']} photos; worst {figures[key.replace('_s', '_worst_s')]} s)"
        )
    rate = figures.get("export_cases_per_s")
    if rate is not None:
        target = CASEFILE_TARGETS["export_cases_per_s"]
        result = "PASS" if rate >= target else "MISS"
        lines.append(
            f"{'cases export':<20} {rate:>27.1f} cases/s {target:>6.0f}/s  {result}  "
            f"({figures['export_cases']} cases, {figures['export_jobs']} jobs)"
        )
    return lines


def write_json(results: dict[str, Any]) -> Path:
    """bench/results/<backend>-<complaints>-<timestamp>.json"""
    folder = ROOT / "bench" / "results"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"{results['backend']}-{results['complaints']}-{stamp}.json"
    path.write_text(json.dumps(results, indent=2))
    return path


def chart(results: dict[str, Any]) -> Path | None:
    """docs/performance-<backend>.png: p50/p95/p99 bars per endpoint with the p95 targets."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(
            "bench: matplotlib is not installed (pip install -e '.[bench]'): no chart",
            file=sys.stderr,
        )
        return None
    rows = {k: v for k, v in results["endpoints"].items() if not v.get("skipped")}
    if not rows:
        return None
    names = list(rows)
    x = range(len(names))
    fig, ax = plt.subplots(figsize=(10, 5.2), dpi=110)
    width = 0.26
    for offset, key, colour in (
        (-width, "p50_ms", "#8fb8de"),
        (0, "p95_ms", "#3b6fa6"),
        (width, "p99_ms", "#1d3557"),
    ):
        ax.bar(
            [i + offset for i in x],
            [rows[n][key] for n in names],
            width,
            label=key.split("_")[0],
            color=colour,
        )
    cpu = [
        (i, rows[n]["cpu_ms_per_request"])
        for i, n in enumerate(names)
        if rows[n].get("cpu_ms_per_request")
    ]
    if cpu:  # what the latencies are made of: p95 is about three times this on full cores
        ax.scatter(
            [i for i, _ in cpu],
            [value for _, value in cpu],
            marker="D",
            s=18,
            color="#f4a261",
            edgecolors="#6b3e1f",
            zorder=3,
            label="workers' CPU a request",
        )
    labelled = False
    goals = targets(results["backend"], results["complaints"])
    for i, name in enumerate(names):
        target = goals.p95.get(name)
        if target is None:
            continue
        ax.hlines(
            target,
            i - 1.6 * width,
            i + 1.6 * width,
            colors="#d62828",
            linestyles="dashed",
            label=None if labelled else "p95 target",
        )
        labelled = True
    ax.set_xticks(list(x), [n.replace(": ", ":\n") for n in names], fontsize=8)
    ax.set_ylabel("latency (ms)")
    ax.set_title(
        f"{results['complaints']:,} complaints, {results['backend']} backend, "
        f"gunicorn 2 workers, {results['connections']} connections, "
        f"{results['duration']} s per endpoint",
        fontsize=9,
    )
    ax.legend(fontsize=8, loc="upper left")  # the reports page's 300 ms target is on the right
    fig.tight_layout()
    path = ROOT / "docs" / f"performance-{results['backend']}.png"
    path.parent.mkdir(exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
