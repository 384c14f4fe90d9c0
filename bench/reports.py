"""The report service's speed (issue 13), before the reports page exists: a period's report
together with the period before (what the page will show), and the per-complaint CSV.

    HELPDESK_DATABASE_URL=sqlite:///…/helpdesk.sqlite3 .venv/bin/python bench/reports.py \
        [--today YYYY-MM-DD] [--repeat 7]

Runs in this process against the database the environment names (a migrated copy of the
`make bench` data, say): the quick picks a manager uses most (the last full month, the last
full quarter, this year so far, all as of --today), each timed --repeat times after one
warm-up; median and best wall clock, and the median CPU time of this process (less
disturbed by other work on a shared machine; on SQLite it includes the database's work).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: The issue's target for the whole page (two reports and the rendering): p95 300 ms.
TARGET_MS = 300


def _timed(call: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    """(median wall, best wall, median CPU) in milliseconds, after one warm-up call."""
    call()
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls) * 1000, min(walls) * 1000, statistics.median(cpus) * 1000


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--today", type=date.fromisoformat, default=date.today())
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    from helpdesk import create_app
    from helpdesk.domain.reports import custom_period, quick_period
    from helpdesk.services.report_csv import complaint_csv
    from helpdesk.services.reports import ReportFilters, get_report

    month_end = args.today.replace(day=1) - timedelta(days=1)
    this_quarter = quick_period("quarter", args.today).start
    quarter_end = this_quarter - timedelta(days=1)
    quarter_start = date(quarter_end.year, (quarter_end.month - 1) // 3 * 3 + 1, 1)
    periods = {
        "last full month": custom_period(month_end.replace(day=1), month_end),
        "last full quarter": custom_period(quarter_start, quarter_end),
        "this year so far": quick_period("year", args.today),
    }
    app = create_app()
    with app.app_context():
        everything = ReportFilters()
        for name, period in periods.items():

            def both(period=period) -> object:
                return (get_report(period, everything, today=args.today),
                        get_report(period.previous(), everything, today=args.today))  # fmt: skip

            complaints = get_report(period, everything, today=args.today).complaints
            median, best, cpu = _timed(both, args.repeat)
            print(f"{name:18} {period.start}..{period.end} {complaints:7,} complaints: "
                  f"report + period before {median:6.1f} ms median, {best:6.1f} best, "
                  f"{cpu:6.1f} ms CPU (page target {TARGET_MS} ms)")  # fmt: skip
        year = periods["this year so far"]
        median, _best, cpu = _timed(lambda: sum(map(len, complaint_csv(year, everything))), 1)
        print(f"per-complaint CSV, this year so far: {median / 1000:.2f} s, {cpu / 1000:.2f} s CPU")


if __name__ == "__main__":
    main()
