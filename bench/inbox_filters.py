"""Every combination of the inbox's filters (no text) on the benchmark data, timed in process:
status x category x assignee x due x sort x page, 900 listings. The wrk run measures the
open inbox's first page; this measures the listings staff reach with the filter selects.

    .venv/bin/python bench/inbox_filters.py [--backend whoosh|postgres] [--top N]

Needs the data `make bench` seeded. Prints the median, p95 and slowest listings (the quick
filter counts, the total and the page: what list_inbox costs, without the template).
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dataset import WORK, Dataset
from tqdm import tqdm

STATUSES = ("open", "all", "closed", "received", "resolved")
CATEGORIES = ("", "digital")
ASSIGNEES = ("", "mine", "unassigned", "3", "99")  # 3: a manager with no cases; 99: nobody
DUES = ("", "soon", "overdue")
SORTS = ("", "newest", "oldest")
PAGES = ("1", "3")


def main() -> None:
    """Time each listing three times (after one untimed run) and report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("whoosh", "postgres"), default="whoosh")
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()
    folder = WORK / f"{args.backend}-{args.complaints}-s{args.seed}"
    if args.backend == "whoosh" and not (folder / "helpdesk.sqlite3").exists():
        sys.exit(f"no benchmark data in {folder}: run `make bench` first")
    os.environ.update(Dataset(args.backend, args.complaints, args.seed, folder).env())

    from werkzeug.datastructures import MultiDict

    import wsgi
    from helpdesk.models.types import utcnow
    from helpdesk.services.inbox import InboxFilters, inbox_dates, list_inbox

    combos = list(itertools.product(STATUSES, CATEGORIES, ASSIGNEES, DUES, SORTS, PAGES))
    timings: list[tuple[float, str, int]] = []
    with wsgi.app.app_context():
        now = utcnow()
        today, soon = inbox_dates(now)
        names = ("status", "category", "assignee", "due", "sort", "page")
        for combo in tqdm(combos, unit="listing"):
            values = dict(zip(names, combo, strict=True))
            query = InboxFilters.from_args(MultiDict(values)).to_query(
                me=2, today=today, next_business_day=soon
            )
            list_inbox(query, me=2, now=now)
            started = time.perf_counter()
            for _ in range(3):
                found = list_inbox(query, me=2, now=now)
            ms = (time.perf_counter() - started) / 3 * 1000
            url = "&".join(f"{k}={v}" for k, v in values.items() if v)
            timings.append((ms, url, found.total))
    times = sorted(ms for ms, _url, _total in timings)
    print(
        f"{len(times)} listings: median {statistics.median(times):.2f} ms, "
        f"p95 {times[int(len(times) * 0.95)]:.2f} ms, max {times[-1]:.2f} ms, "
        f"over 10 ms: {sum(ms > 10 for ms in times)}"
    )
    for ms, url, total in sorted(timings, reverse=True)[: args.top]:
        print(f"{ms:8.2f} ms {total:7d} matches  /staff/?{url}")


if __name__ == "__main__":
    main()
