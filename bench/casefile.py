"""The case file's speed (issue 9): one big case's PDF and bundle, and `cases export` of many.

    .venv/bin/python bench/casefile.py [--dataset-url URL --data-dir DIR]
                                       [--export-cases 1000] [--jobs N] [--rounds 1]
                                       [--repeat 5] [--no-big-case] [--no-export]

1. A case with 50 messages and 5 photos (1600 x 1200 JPEGs), made through the real services
   in a fresh SQLite database (tests/documents/casefile_support.py builds it): the PDF and
   the evidence bundle, each rendered `--repeat` times after one warm-up; median and worst.
2. `flask cases export --jobs N` of the oldest `--export-cases` complaints of a data set,
   timed as a whole process, the way an operator runs it: cases per second, and the CPU
   time of the command and its workers per case (less disturbed by other work on the
   machine than the wall clock). Each round is a cold export into an empty folder, then a
   warm re-run into the same folder (bundles whose case is unchanged are kept); the best
   round counts. Without --dataset-url it uses (and first seeds, if needed) the data set of
   `make bench`: 100,000 complaints in bench/.work/ (bench/dataset.py).

Prints the figures and returns them as a dict (bench/run.py adds them to its results).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = {"pdf_s": 1.5, "bundle_s": 2.0, "export_cases_per_s": 20.0}


def big_case(repeat: int) -> dict[str, Any]:
    """Time the PDF and the bundle of a case with 50 messages and 5 photos."""
    from helpdesk import create_app
    from helpdesk.documents.bundle import evidence_bundle
    from helpdesk.documents.casefile import case_file_pdf, file_name
    from helpdesk.services.casefile import load_case_file
    from tests.conftest import base_config, migrate_database
    from tests.documents.casefile_support import full_case
    from tests.services.outcomes_support import fast_staff

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        app = create_app(base_config(tmp, f"sqlite:///{tmp / 'bench.sqlite3'}"))
        migrate_database(app)
        with app.app_context(), app.test_request_context():
            case = full_case(
                fast_staff("agent"), fast_staff("manager"), photos=5, extra_messages=45
            )
            reference = case.complaint.reference
            messages = len(case.complaint.messages)

            def pdf() -> bytes:
                loaded = load_case_file(reference, internal=True)
                assert loaded is not None
                return case_file_pdf(loaded)

            def bundle() -> bytes:
                loaded = load_case_file(reference, internal=True)
                assert loaded is not None
                return evidence_bundle(loaded, case_file_pdf(loaded), file_name(loaded))

            pdf_times, size = _timed(pdf, repeat)
            bundle_times, bundle_size = _timed(bundle, repeat)
    return {
        "messages": messages,
        "photos": 5,
        "pdf_s": round(statistics.median(pdf_times), 3),
        "pdf_worst_s": round(max(pdf_times), 3),
        "pdf_bytes": size,
        "bundle_s": round(statistics.median(bundle_times), 3),
        "bundle_worst_s": round(max(bundle_times), 3),
        "bundle_bytes": bundle_size,
    }


def _timed(make: Any, repeat: int) -> tuple[list[float], int]:
    data = make()  # warm-up: fonts, stylesheet, templates
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        data = make()
        times.append(time.perf_counter() - started)
    return times, len(data)


def export_many(
    database_url: str, data_dir: Path, cases: int, jobs: int, rounds: int = 1
) -> dict[str, Any]:
    """`flask cases export` of the oldest `cases` complaints: cold, then warm, `rounds` times."""
    env = dict(
        os.environ,
        HELPDESK_DATABASE_URL=database_url,
        HELPDESK_DATA_DIR=str(data_dir),
        HELPDESK_SECRET_KEY="bench-secret-key-not-for-production-0123456789",  # noqa: S106
    )
    last_day = _day_of_case(database_url, cases)
    cold: list[dict[str, Any]] = []
    warm: list[dict[str, Any]] = []
    for number in range(1, rounds + 1):
        with tempfile.TemporaryDirectory() as out:
            command = [
                str(ROOT / ".venv" / "bin" / "flask"),
                *("--app", "wsgi", "cases", "export", "--to", last_day.isoformat()),
                *("--jobs", str(jobs), "--out", out),
            ]
            cold.append(_run_export(command, env, Path(out)))
            warm.append(_run_export(command, env, Path(out)))
        print(
            f"casefile: export round {number}: cold {_line(cold[-1])}; warm {_line(warm[-1])}",
            file=sys.stderr,
        )
    best, best_warm = _best(cold), _best(warm)
    return {
        "export_cases": best["cases"],
        "export_jobs": jobs,
        "export_seconds": best["seconds"],
        "export_cases_per_s": best["cases_per_s"],
        "export_cpu_ms_per_case": min(r["cpu_ms_per_case"] for r in cold),
        "export_mb": best["mb"],
        "export_rounds": cold,
        "export_warm_cases_per_s": best_warm["cases_per_s"],
        "export_warm_cpu_ms_per_case": min(r["cpu_ms_per_case"] for r in warm),
        "export_warm_rounds": warm,
    }


def _run_export(command: list[str], env: dict[str, str], out: Path) -> dict[str, Any]:
    """One timed run of the command: wall clock and the CPU time of it and its workers."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    bundles = list(out.glob("*.zip"))
    written = len(bundles)
    return {
        "cases": written,
        "seconds": round(seconds, 1),
        "cases_per_s": round(written / seconds, 1),
        "cpu_ms_per_case": round(cpu / max(written, 1) * 1000, 1),
        "mb": round(sum(p.stat().st_size for p in bundles) / 1024 / 1024, 1),
    }


def _best(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return max(runs, key=lambda r: r["cases_per_s"])


def _line(run: dict[str, Any]) -> str:
    return (
        f"{run['cases']} cases in {run['seconds']} s = {run['cases_per_s']} cases/s, "
        f"{run['cpu_ms_per_case']} ms CPU a case"
    )


def _day_of_case(database_url: str, count: int) -> date:
    """The receipt day (UTC) of the count-th oldest complaint: --to that day takes about `count`."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as conn:
        moment = conn.execute(
            text("SELECT received_at FROM complaint ORDER BY received_at, id LIMIT 1 OFFSET :n"),
            {"n": max(count - 1, 0)},
        ).scalar_one()
    engine.dispose()
    return date.fromisoformat(str(moment)[:10])


def _bench_dataset() -> tuple[str, Path]:
    """The data set of `make bench` (seeded first when missing or out of date)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from dataset import prepare

    dataset, _facts = prepare("whoosh", 100_000, 42, fresh=False)
    return dataset.database_url, dataset.folder / "data"


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Both measurements."""
    results: dict[str, Any] = {}
    if not args.no_big_case:
        results.update(big_case(args.repeat))
        print(
            f"casefile: PDF of {results['messages']} messages, 5 photos: {results['pdf_s']} s "
            f"(target {TARGETS['pdf_s']}); bundle {results['bundle_s']} s "
            f"(target {TARGETS['bundle_s']})",
            file=sys.stderr,
        )
    if not args.no_export:
        url, data_dir = (args.dataset_url, Path(args.data_dir or ""))
        if not url:
            url, data_dir = _bench_dataset()
        results.update(export_many(url, data_dir, args.cases, args.jobs, args.rounds))
        print(
            f"casefile: cases export (cold, best of {args.rounds}) {results['export_cases']} "
            f"cases in {results['export_seconds']} s: {results['export_cases_per_s']} cases/s "
            f"(target {TARGETS['export_cases_per_s']}), {results['export_cpu_ms_per_case']} ms "
            f"CPU a case; warm re-run {results['export_warm_cases_per_s']} cases/s",
            file=sys.stderr,
        )
    return results


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset-url", help="database of the data set (default: make bench's)")
    parser.add_argument("--data-dir", help="its HELPDESK_DATA_DIR (with --dataset-url)")
    parser.add_argument(
        "--export-cases",
        "--cases",
        dest="cases",
        type=int,
        default=1000,
        help="export about this many of the oldest complaints",
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rounds", type=int, default=1, help="cold + warm exports, best counts")
    parser.add_argument("--repeat", type=int, default=5, help="renders of the big case")
    parser.add_argument("--no-big-case", action="store_true", help="only the export")
    parser.add_argument("--no-export", action="store_true", help="only the big case")
    args = parser.parse_args(argv)
    if args.dataset_url and not args.data_dir:
        parser.error("--dataset-url needs --data-dir")
    return args


if __name__ == "__main__":
    import json

    print(json.dumps(run(parse_args()), indent=2))
