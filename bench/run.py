"""`make bench`: seed 100,000 complaints, time a full search reindex, then measure search, the
inbox, a case page and the tracking page through gunicorn (2 workers) with wrk.

    .venv/bin/python bench/run.py [--backend whoosh|postgres] [--complaints N]
                                  [--duration S] [--quick] [--fresh]
                                  [--no-casefile] [--export-cases N]
                                  [--under-fire-seconds S]
                                  [--submissions N] [--photo-submissions N]

Then public submissions (bench/submissions.py: 200 POSTs of the complaint form from 4
threads, 200 more with a 300 KB photo, checked in the database and found by search, on a
scratch copy of the data), the case file (bench/casefile.py): one big case's PDF and
bundle, and `cases export` of the first 1,000 complaints; and a minute under fire
(bench/under_fire.py: `make serve` on 2,000 complaints of its own, loaded while a worker,
the mail worker and the indexer are killed and the SMTP server refuses). Prints a table
with the targets and PASS/MISS, writes bench/results/*.json and
docs/performance-<backend>.png. An endpoint that does not exist (yet) is reported as such
instead of stopping the run. Not part of `make test`: it takes minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import casefile
import machine_speed
import reports
import submissions
import under_fire
from client import AGENT, MANAGER, WRK, Session, probe, run_wrk, staff_login, track_case
from dataset import Dataset, prepare, reindex
from queries import query_paths
from report import chart, table, write_json
from server import Server, running

#: name → kind of query (bench/queries.py); searches look at every status, as when staff look
#: for an old case, and each cycles through a few hundred different queries.
SEARCHES = {
    "search: one word": "one",
    "search: two words": "two",
    "search: phrase": "phrase",
    "search: filtered": "filtered",
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("whoosh", "postgres"), default="whoosh")
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=15, help="seconds per endpoint")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--quick", action="store_true", help="2,000 complaints, 3 s: a smoke run")
    parser.add_argument("--fresh", action="store_true", help="re-seed even if data exists")
    parser.add_argument("--no-casefile", action="store_true", help="skip the case file figures")
    parser.add_argument(
        "--export-cases", type=int, default=1000, help="cases for the `cases export` figure"
    )
    parser.add_argument(
        "--submissions", dest="posts", type=int, default=200, help="timed POSTs (0: none)"
    )
    parser.add_argument(
        "--photo-submissions",
        dest="photo_posts",
        type=int,
        default=200,
        help="timed POSTs with a 300 KB photo (0: none)",
    )
    parser.add_argument(
        "--under-fire-seconds",
        type=float,
        default=60.0,
        help="bench/under_fire.py (SQLite, 2,000 complaints of its own): seconds of load (0: skip)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.complaints, args.duration, args.export_cases = 2000, 3, 100
        args.posts, args.photo_posts = 40, 20
        args.under_fire_seconds = min(args.under_fire_seconds, 20.0)
    return args


def submission_options(args: argparse.Namespace) -> argparse.Namespace:
    """bench/submissions.py's options: its defaults, with this run's numbers of POSTs."""
    options = submissions.parse_args([])
    options.posts, options.photo_posts = args.posts, args.photo_posts
    options.threads = args.connections
    return options


def pick_case(dataset: Dataset) -> tuple[str, str]:
    """A resolved complaint with a real thread: (reference, email)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(dataset.database_url)
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT c.reference, c.email FROM complaint c "
                "JOIN message m ON m.complaint_id = c.id WHERE c.status IN ('resolved', 'final') "
                "GROUP BY c.id, c.reference, c.email "
                "HAVING COUNT(m.id) >= 4 ORDER BY c.id DESC LIMIT 1"
            )
        ).one()
    engine.dispose()
    return str(row[0]), str(row[1])


def machine() -> dict[str, Any]:
    """The machine the figures come from."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    try:
        pg = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "SHOW server_version"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        pg = ""
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": pg or "n/a",
        "kernel": platform.release(),
    }


def measure(server: Server, dataset: Dataset, args: argparse.Namespace) -> dict[str, Any]:
    """Log in, open a case, then load every endpoint in turn: beside wrk's figures, the
    workers' CPU time a request and how fast the machine was just before (machine_speed)."""
    base_url = server.base_url
    staff, staff_why = staff_login(base_url, *AGENT)
    reference, email = pick_case(dataset)
    tracker, case_path, track_why = track_case(base_url, reference, email)
    plan = {name: (query_paths(kind), staff, staff_why) for name, kind in SEARCHES.items()}
    plan["inbox first page"] = (["/staff/"], staff, staff_why)
    plan["case page"] = ([f"/staff/complaints/{reference}"], staff, staff_why)
    plan["tracking page"] = ([case_path or "/track/case"], tracker, track_why)
    # The reports page (a manager's), after each URL was asked for a few times: each worker
    # counts a month once and keeps it until it changes (services.report_counts).
    manager, manager_why = staff_login(base_url, *MANAGER)
    if manager is not None:
        reports.warm(manager.get)
    plan["reports page"] = (reports.PAGE_PATHS, manager, manager_why)
    plan["reports: this year"] = ([reports.YEAR_PATH], manager, manager_why)
    # A static file through the same gunicorn: what the smallest request costs here.
    plan["static file (floor)"] = (["/static/css/app.css"], Session(base_url), "")
    endpoints: dict[str, Any] = {}
    for name, (paths, session, why) in plan.items():
        reason = why if session is None else probe(session, base_url, paths[0])
        if reason:
            print(f"bench: {name}: {reason}", file=sys.stderr)
            endpoints[name] = {"path": paths[0], "skipped": reason}
            continue
        print(
            f"bench: {name}: {paths[0]} (+{len(paths) - 1} more) for {args.duration} s",
            file=sys.stderr,
        )
        sizes = [len(session.get(path)[2].encode()) for path in paths[:5]]  # warm-up
        speed = machine_speed.sample(1.0)
        cpu_before = server.worker_cpu_seconds()
        load = run_wrk(
            base_url,
            paths,
            session.cookie_header,
            seconds=args.duration,
            connections=args.connections,
            threads=2,
        )
        cpu_seconds = server.worker_cpu_seconds() - cpu_before
        endpoints[name] = {
            "path": paths[0],
            "distinct_urls": len(paths),
            "page_bytes": min(sizes),  # real pages, not empty answers
            "requests": load.requests,
            "rps": round(load.rps, 1),
            "p50_ms": load.p50,
            "p95_ms": load.p95,
            "p99_ms": load.p99,
            "max_ms": load.max,
            "errors": load.errors,
            "cpu_ms_per_request": round(cpu_seconds * 1000 / max(load.requests, 1), 2),
            "machine_probe": speed,
        }
    return endpoints


def health(base_url: str) -> dict[str, str]:
    """The checks /healthz reports (a search index that does not answer means fallback)."""
    _status, _url, body = Session(base_url).get("/healthz")
    try:
        checks = json.loads(body).get("checks", {})
    except ValueError:
        return {"healthz": "no JSON answer"}
    return {str(key): str(value) for key, value in checks.items()}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit 0 when it ran (MISSes are figures, not failures)."""
    args = parse_args(argv)
    if not Path(WRK).is_file():  # before minutes of seeding, not after
        print(
            f"bench: wrk not found ({WRK}): install it first (Debian: apt-get install wrk)",
            file=sys.stderr,
        )
        return 2
    dataset, facts = prepare(args.backend, args.complaints, args.seed, fresh=args.fresh)
    reindex_seconds, reindex_note = reindex(dataset)
    if reindex_note:
        print(f"bench: reindex not measured: {reindex_note}", file=sys.stderr)
    with running(dataset) as server:
        checks = health(server.base_url)
        if checks.get("search") != "ok":
            print(
                f"bench: WARNING /healthz says search is {checks.get('search')!r}: the search "
                "figures measure the database fallback",
                file=sys.stderr,
            )
        endpoints = measure(server, dataset, args)
        downloads = reports.measure_downloads(server.base_url, *MANAGER)
        memory = server.worker_rss_mb()
    posted = None
    if args.posts > 0 or args.photo_posts > 0:
        posted = submissions.run(dataset, submission_options(args))
    figures = None
    if not args.no_casefile:
        figures = casefile.run(
            casefile.parse_args(
                [
                    "--dataset-url",
                    dataset.database_url,
                    "--data-dir",
                    str(dataset.folder / "data"),
                    "--cases",
                    str(args.export_cases),
                ]
            )
        )
    fire = None
    if args.under_fire_seconds > 0:
        options = under_fire.parse_args(["--seed", str(args.seed)])
        options.seconds = args.under_fire_seconds
        fire = under_fire.measure(options)
    results = {
        "backend": args.backend,
        "complaints": facts.get("complaint", args.complaints),
        "messages": facts.get("message"),
        "seed": args.seed,
        "duration": args.duration,
        "connections": args.connections,
        "seed_seconds": facts.get("seed_seconds"),
        "reindex_seconds": round(reindex_seconds, 1) if reindex_seconds is not None else None,
        "reindex_note": reindex_note,
        "worker_rss_mb": {str(pid): rss for pid, rss in memory.items()},
        "endpoints": endpoints,
        "health": checks,
        "casefile": figures,
        "submissions": posted,
        "report_downloads": downloads,
        "under_fire": fire,
        "machine": machine(),
    }
    print(table(results))
    print("\n".join(reports.download_lines(downloads)))
    if posted:
        print("\n".join(submissions.table_lines(posted)))
    if fire:
        print("\n".join(under_fire.table_lines(fire)))
    print(f"bench: results in {write_json(results)}", file=sys.stderr)
    picture = chart(results)
    if picture:
        print(f"bench: chart in {picture}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
