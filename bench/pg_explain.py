"""The PostgreSQL search backend's statements under EXPLAIN (ANALYZE, BUFFERS): what each
search kind of the benchmark costs inside the database, a measure the neighbours' load
distorts less than wrk's latencies (buffers do not move with load; execution time less than
a request's wall time).

    .venv/bin/python bench/pg_explain.py [--complaints 100000] [--per-kind 20]
        [--kinds one two phrase filtered] [--query TEXT ...] [--plans N] [--json FILE]

Runs on the benchmark's seeded PostgreSQL data set (bench/dataset.py: `helpdesk_bench`, or
`helpdesk_bench_<size>`). For each kind, the first `--per-kind` of bench/queries.py's URLs
(the wrk bench's own queries, every status, relevance order) are searched once with the
backend's statements recorded, then every recorded statement is run again in one
transaction (its planner settings too) under EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON). Prints per
kind the median, p95 and max of the statements' execution time and shared buffers, the
backend's in-process wall and CPU time per search, and the text plans of the `--plans`
slowest.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from dataset import WORK, Dataset  # noqa: E402
from queries import query_paths  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--per-kind", type=int, default=20)
    parser.add_argument("--kinds", nargs="*", default=["one", "two", "phrase", "filtered"])
    parser.add_argument("--query", nargs="*", default=[], help="extra queries (all statuses)")
    parser.add_argument("--plans", type=int, default=1, help="text plans of the N slowest")
    parser.add_argument("--json", type=Path, help="write the figures here")
    return parser.parse_args(argv)


def queries(kind: str, count: int) -> list[dict[str, str]]:
    """The wrk bench's URLs of one kind as their parameters."""
    found = []
    for path in query_paths(kind)[:count]:
        params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(path).query))
        found.append(params)
    return found


def inbox_query(params: dict[str, str]) -> Any:
    """The InboxQuery the staff inbox makes of these parameters (every status, relevance)."""
    from helpdesk.domain.inbox import InboxQuery

    category = params.get("category")
    return InboxQuery(
        text=params["q"], categories=(category,) if category else (), sort="relevance"
    )


def explain_search(app: Any, params: dict[str, str]) -> dict[str, Any]:
    """Search once recording the statements, then EXPLAIN ANALYZE them in one transaction."""
    from sqlalchemy import event

    from helpdesk.extensions import db
    from helpdesk.search.indexing.hooks import EXTENSION
    from helpdesk.search.language.parse import parse

    backend = app.extensions[EXTENSION]
    engine = db.engine
    recorded: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        recorded.append((statement, parameters))

    query = inbox_query(params)
    node = parse(query.text).node
    event.listen(engine, "before_cursor_execute", record)
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        hits = backend.search(node, query, True)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        event.remove(engine, "before_cursor_execute", record)
    total_ms, buffers, temp, plans = 0.0, 0, 0, []
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement, parameters in recorded:
            head = statement.lstrip().upper()
            if not head.startswith(("SELECT", "WITH")) or head.startswith("SELECT SET_CONFIG("):
                cursor.execute(statement, parameters)  # the transaction's planner settings
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement, parameters)
            answer = cursor.fetchone()
            assert answer is not None
            plan = answer[0][0]
            total_ms += plan["Execution Time"] + plan.get("Planning Time", 0.0)
            top = plan["Plan"]
            buffers += top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)
            temp += top.get("Temp Written Blocks", 0)
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
        raw.rollback()
    finally:
        raw.close()
    return {
        "q": params["q"],
        "category": params.get("category", ""),
        "hits": hits.total,
        "statements": len(recorded),
        "db_ms": round(total_ms, 2),
        "buffers": buffers,
        "temp_written": temp,
        "wall_ms": round(wall * 1000, 2),
        "cpu_ms": round(cpu * 1000, 2),
        "plans": plans,
    }


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    """Explain every kind's searches and print the table."""
    args = parse_args(argv)
    dataset = Dataset("postgres", args.complaints, args.seed, WORK / "unused")
    import os

    os.environ.update(dataset.env())
    from helpdesk import create_app

    app = create_app()
    kinds = {kind: queries(kind, args.per_kind) for kind in args.kinds}
    if args.query:
        kinds["given"] = [{"q": text} for text in args.query]
    results: dict[str, list[dict[str, Any]]] = {}
    with app.app_context():
        for kind, found in kinds.items():
            results[kind] = [explain_search(app, params) for params in found]
    print(
        f"{'kind':<9} {'db p50':>7} {'db p95':>7} {'db max':>7} {'buf p50':>8} {'buf max':>8} "
        f"{'wall p50':>9} {'wall p95':>9} {'hits p50':>9}"
    )
    for kind, rows in results.items():
        db_ms = [r["db_ms"] for r in rows]
        bufs = [r["buffers"] for r in rows]
        wall = [r["wall_ms"] for r in rows]
        print(
            f"{kind:<9} {statistics.median(db_ms):>7.1f} {p95(db_ms):>7.1f} {max(db_ms):>7.1f} "
            f"{statistics.median(bufs):>8.0f} {max(bufs):>8} {statistics.median(wall):>9.1f} "
            f"{p95(wall):>9.1f} {statistics.median(r['hits'] for r in rows):>9.0f}"
        )
    for kind, rows in results.items():
        for row in sorted(rows, key=lambda r: -r["db_ms"])[: args.plans]:
            print(f"\n--- {kind}: {row['q']!r} {row['category']} ({row['hits']} hits)")
            print("\n\n".join(row["plans"]))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
