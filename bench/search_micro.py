"""Search micro-benchmark: time search_inbox and a full reindex inside one process.

Usage (on a database seeded with `flask --app wsgi demo seed --complaints N`):

    HELPDESK_DATABASE_URL=sqlite:////tmp/b/db.sqlite3 HELPDESK_DATA_DIR=/tmp/b/data \\
        .venv/bin/python bench/search_micro.py [--reindex] [--runs 30] [--backend whoosh]

Each query runs `--runs` times with the per-process caches off (every run does the whole
search, snippets included) and then with them on (the same search again, as when a page
is reloaded); times in milliseconds, plus the hit count.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

QUERIES = [
    ("one word", "refund", {}),
    ("one word, nl", "pakket", {}),
    ("two words", "refund damaged", {}),
    ("phrase", '"arrived today damaged"', {}),
    ("prefix", "deliv*", {}),
    ("typo", "refnud~", {}),
    ("auto typo", "packgae", {}),
    ("or/not", "refund OR replacement NOT invoice", {}),
    ("filtered", "refund", {"categories": ("physical",), "statuses": ("assessing",)}),
    ("field only", "category:billing status:open", {}),
    ("newest", "delivery", {"sort": "newest"}),
    ("due", "delivery", {"sort": "due"}),
    ("page 3", "refund", {"page": 3}),
]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    """Run the timings and print a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--reindex", action="store_true")
    parser.add_argument("--backend", default=os.environ.get("HELPDESK_SEARCH_BACKEND", "whoosh"))
    args = parser.parse_args()
    os.environ["HELPDESK_SEARCH_BACKEND"] = args.backend

    from helpdesk import create_app, search
    from helpdesk.domain.inbox import InboxQuery
    from helpdesk.search.indexing.hooks import EXTENSION

    app = create_app()
    with app.app_context():
        if args.reindex:
            started = time.perf_counter()
            count = search.reindex_all(progress=False)
            print(f"reindex: {count} complaints in {time.perf_counter() - started:.1f} s")
        engine = app.extensions[EXTENSION]
        print(f"{'query':<14} {'hits':>7} {'p50 ms':>8} {'p95 ms':>8} {'cached p50':>11}")
        for label, text, extra in QUERIES:
            query = InboxQuery(text=text, sort=extra.pop("sort", "relevance"), **extra)
            timings = []
            for cache in (0, 64):
                if hasattr(engine, "_results"):
                    engine.cache_size = cache
                    engine._results.clear()
                    app.extensions["helpdesk_search_pages"].clear()
                runs = []
                for _ in range(args.runs):
                    started = time.perf_counter()
                    page = search.search_inbox(query)
                    runs.append((time.perf_counter() - started) * 1000)
                timings.append(runs)
            print(
                f"{label:<14} {page.total:>7} {_percentile(timings[0], 0.5):>8.1f} "
                f"{_percentile(timings[0], 0.95):>8.1f} {_percentile(timings[1], 0.5):>11.2f}"
            )
        print(f"process memory after the searches: {_rss_mb():.0f} MB")


def _rss_mb() -> float:
    """This process's resident memory (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


if __name__ == "__main__":
    main()
