"""The case file's speed (issue 9): one big case's PDF and bundle, and `cases export` of many.

    .venv/bin/python bench/casefile.py [--dataset-url URL --data-dir DIR] [--cases 1000]
                                       [--jobs N] [--repeat 5]

1. A case with 50 messages and 5 photos (1600 x 1200 JPEGs), made through the real services
   in a fresh SQLite database (tests/documents/casefile_support.py builds it): the PDF and
   the evidence bundle, each rendered `--repeat` times after one warm-up; median and worst.
2. `flask cases export --jobs N` of the first `--cases` complaints of a data set (by
   default the benchmark's SQLite data set of `make bench`, bench/.work/whoosh), timed as a
   whole process, the way an operator runs it: cases per second.

Prints the figures and returns them as a dict (bench/run.py adds them to its results).
"""

from __future__ import annotations

import argparse
import os
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


def export_many(database_url: str, data_dir: Path, cases: int, jobs: int) -> dict[str, Any]:
    """Run `flask cases export` over the first `cases` complaints of a data set."""
    env = dict(
        os.environ,
        HELPDESK_DATABASE_URL=database_url,
        HELPDESK_DATA_DIR=str(data_dir),
        HELPDESK_SECRET_KEY="bench-secret-key-not-for-production-0123456789",  # noqa: S106
    )
    last_day = _day_of_case(database_url, cases)
    with tempfile.TemporaryDirectory() as out:
        command = [
            str(ROOT / ".venv" / "bin" / "flask"),
            "--app",
            "wsgi",
            "cases",
            "export",
            "--to",
            last_day.isoformat(),
            "--jobs",
            str(jobs),
            "--out",
            out,
        ]
        started = time.perf_counter()
        subprocess.run(command, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        seconds = time.perf_counter() - started
        written = len(list(Path(out).glob("*.zip")))
        size = sum(p.stat().st_size for p in Path(out).glob("*.zip"))
    return {
        "export_cases": written,
        "export_jobs": jobs,
        "export_seconds": round(seconds, 1),
        "export_cases_per_s": round(written / seconds, 1),
        "export_mb": round(size / 1024 / 1024, 1),
    }


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


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Both measurements."""
    results = big_case(args.repeat)
    print(
        f"casefile: PDF of {results['messages']} messages, 5 photos: {results['pdf_s']} s "
        f"(target {TARGETS['pdf_s']}); bundle {results['bundle_s']} s "
        f"(target {TARGETS['bundle_s']})",
        file=sys.stderr,
    )
    if args.dataset_url:
        results.update(export_many(args.dataset_url, Path(args.data_dir), args.cases, args.jobs))
        print(
            f"casefile: cases export {results['export_cases']} cases in "
            f"{results['export_seconds']} s: {results['export_cases_per_s']} cases/s "
            f"(target {TARGETS['export_cases_per_s']})",
            file=sys.stderr,
        )
    return results


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    work = ROOT / "bench" / ".work" / "whoosh"
    default_url = f"sqlite:///{work / 'helpdesk.sqlite3'}" if work.is_dir() else None
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset-url", default=default_url)
    parser.add_argument("--data-dir", default=str(work / "data"))
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=5)
    return parser.parse_args(argv)


if __name__ == "__main__":
    import json

    print(json.dumps(run(parse_args()), indent=2))
