"""Where a cold `cases export` spends its work: export_one over bench cases in one process.

    .venv/bin/python bench/casefile_profile.py [--skip 30] [--cases 4] [--mode cpu]
    PYTHONHASHSEED=0 valgrind --tool=callgrind --instr-atstart=no \\
        .venv/bin/python bench/casefile_profile.py --mode callgrind [--part render]

The oldest cases of `make bench`'s data set (read only: bench/.work/whoosh-100000-s42),
customer version, the way one export worker makes them: `warm_up` first, then `--skip`
cases exported unmeasured (an export's worker has made many before, so its memos are
warm), then `--cases` measured:

- `--mode cpu`: the process's CPU time for the measured cases (time.process_time), per case.
- `--mode callgrind`: collection switched on (`callgrind_control -i on`) only around them;
  the instruction count is in the callgrind.out file (`callgrind_annotate` reads it).
- `--mode cprofile`: a cProfile of them, written to `--out` (pstats).

`--part render` measures only the PDF (the HTML made before collection starts);
`--part export` (the default) the whole export_one: load, chain check, template,
thumbnails, PDF, ZIP, write. Bundles go to a temporary folder that is removed after.

Every case file says it was made at `--now` (default NOW, a fixed moment), so the same
cases print the same text and the counts of two runs can be compared; `--now live` takes
the clock's moment, as `cases export` does (its minute moves the count by about ±0.3 %).
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT / "bench" / ".work" / "whoosh-100000-s42"
#: The moment every measured case file says it was made (unless --now live).
NOW = datetime(2026, 4, 1, 10, 0, tzinfo=UTC)


def _app(patches: bool) -> Any:
    os.environ.setdefault("HELPDESK_DATABASE_URL", f"sqlite:///{DATA / 'helpdesk.sqlite3'}")
    os.environ.setdefault("HELPDESK_DATA_DIR", str(DATA / "data"))
    os.environ.setdefault("HELPDESK_SECRET_KEY", "bench-secret-key-not-for-production-0123456789")
    os.environ["HELPDESK_LIBRARY_PATCHES"] = "1" if patches else "0"
    from helpdesk import create_app

    return create_app()


def _toggle(on: bool) -> None:
    subprocess.run(
        ["callgrind_control", "-i", "on" if on else "off", str(os.getpid())],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def run(args: argparse.Namespace) -> float:
    """Export the cases; returns the measured CPU seconds per case."""
    app = _app(not args.no_patches)
    from sqlalchemy import select

    from helpdesk.commands.case_export import export_one
    from helpdesk.documents.casefile import case_file_source, warm_up
    from helpdesk.extensions import db
    from helpdesk.models import Complaint
    from helpdesk.services.casefile import load_case_file

    with app.app_context(), tempfile.TemporaryDirectory() as out:
        folder = Path(out)
        query = select(Complaint.reference).order_by(Complaint.received_at, Complaint.id)
        references = list(
            db.session.scalars(query.offset(args.offset).limit(args.skip + args.cases))
        )
        warm_up()
        gc.collect()
        gc.freeze()  # as export_all does before its workers fork
        done = 0

        def export(reference: str) -> None:
            nonlocal done
            export_one(reference, folder, internal=False, rebuild=True, now=args.now)
            done += 1
            if args.gc == "between":
                from helpdesk.commands.case_export import collect_between_cases

                collect_between_cases(done)

        if args.gc == "between":
            gc.disable()  # as an export's workers do
        for reference in references[: args.skip]:
            export(reference)
        measured = references[args.skip :]
        sources = []
        if args.part == "render":
            for reference in measured:
                case = load_case_file(reference, internal=False, now=args.now)
                assert case is not None
                sources.append(case_file_source(case))

        def work() -> None:
            if args.part == "render":
                for source in sources:
                    source.pdf()
            else:
                for reference in measured:
                    export(reference)

        profiler = None
        if args.mode == "callgrind":
            _toggle(True)
        elif args.mode == "cprofile":
            import cProfile

            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
        started = time.process_time()
        work()
        spent = time.process_time() - started
        if args.mode == "callgrind":
            _toggle(False)
        elif profiler is not None:
            profiler.disable()
            profiler.dump_stats(args.out)
    per_case = spent / max(len(measured), 1)
    print(
        f"{len(measured)} cases ({args.part}): {per_case * 1000:.1f} ms CPU a case", file=sys.stderr
    )
    return per_case


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip", type=int, default=30, help="cases exported first, unmeasured")
    parser.add_argument("--cases", type=int, default=4, help="cases measured")
    parser.add_argument("--offset", type=int, default=0, help="start this far into the oldest")
    parser.add_argument("--mode", choices=("cpu", "callgrind", "cprofile"), default="cpu")
    parser.add_argument("--part", choices=("export", "render"), default="export")
    parser.add_argument("--out", default="casefile.prof", help="where --mode cprofile writes")
    parser.add_argument(
        "--gc",
        choices=("between", "auto"),
        default="between",
        help="collect between cases, as export's workers do, or on Python's own schedule",
    )
    parser.add_argument("--no-patches", action="store_true", help="HELPDESK_LIBRARY_PATCHES=0")
    parser.add_argument(
        "--now",
        type=_moment,
        default=NOW,
        help=f"ISO moment the case files are made at (default {NOW.isoformat()}), or 'live'",
    )
    return parser.parse_args(argv)


def _moment(text: str) -> datetime | None:
    """--now's value: a moment (UTC unless it says otherwise), or None for the clock's."""
    if text == "live":
        return None
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


if __name__ == "__main__":
    run(parse_args())
