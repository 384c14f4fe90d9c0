"""CPU per search request on the PostgreSQL backend: the app's own (this process) and its
PostgreSQL backends' (their /proc utime + stime), a measure the neighbours' load distorts
far less than wrk's latencies.

    .venv/bin/python bench/pg_search_cpu.py [--code DIR] [--complaints 100000]
        [--per-kind 20] [--rounds 1]

The app at `--code` (a checkout, say a `git archive` of an older commit with its helpdesk/,
templates/ and static/; default: this one) runs on the benchmark's seeded PostgreSQL data
set (bench/dataset.py), logs in as the demo agent and GETs the wrk bench's search URLs
(bench/queries.py: every status, relevance) through the WSGI test client. Its connections
carry application_name=pgcpu, so their server processes are found in pg_stat_activity.
Prints per kind the median over rounds of the app's and PostgreSQL's CPU ms per request
(PostgreSQL's in clock ticks, 10 ms, summed over a round) and the wall ms per request.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
KINDS = ("one", "two", "phrase", "filtered")
AGENT = ("agent@demo.example", "demo-agent-password")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--code", type=Path, default=HERE.parent)
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--per-kind", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=1)
    return parser.parse_args()


def urls(per_kind: int) -> dict[str, list[str]]:
    """The wrk bench's search URLs, the first `per_kind` of each kind."""
    sys.path.insert(0, str(HERE))
    from queries import query_paths

    return {kind: query_paths(kind)[:per_kind] for kind in KINDS}


def server_cpu(admin: Any) -> float:
    """CPU seconds used so far by the server processes of this process's connections."""
    from server import cpu_seconds  # bench/ is on the path by now (main)

    query = "SELECT pid FROM pg_stat_activity WHERE application_name = 'pgcpu'"
    return cpu_seconds(pid for (pid,) in admin.execute(query))


def main() -> int:
    """Measure and print the table."""
    args = parse_args()
    paths = urls(args.per_kind)  # before the app: queries.py imports this checkout's demo
    code = args.code.resolve()
    for name in [m for m in sys.modules if m == "helpdesk" or m.startswith("helpdesk.")]:
        del sys.modules[name]
    sys.path.insert(0, str(code))
    sys.path.insert(0, str(HERE))
    from dataset import Dataset, pg_database

    dataset = Dataset("postgres", args.complaints, 42, HERE / ".work" / "unused")
    os.environ.update(dataset.env())
    os.environ["HELPDESK_DATABASE_URL"] = (
        f"postgresql+psycopg://postgres@127.0.0.1:5432/{pg_database(args.complaints)}"
        "?application_name=pgcpu"
    )
    os.chdir(code)
    import psycopg

    from helpdesk import create_app

    client = create_app().test_client()
    form = client.get("/staff/login").get_data(as_text=True)
    token = CSRF.search(form)
    login = {"email": AGENT[0], "password": AGENT[1]}
    login["csrf_token"] = (token.group(1) or token.group(2)) if token else ""
    assert client.post("/staff/login", data=login).status_code in (302, 303), "login refused"
    admin = psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True)
    found: dict[str, list[tuple[float, float, float]]] = {}
    for _round in range(args.rounds):
        for kind, batch in paths.items():
            cpu, server, wall = time.process_time(), server_cpu(admin), time.perf_counter()
            for path in batch:
                status = client.get(path).status_code
                assert status == 200, (path, status)
            cpu, server = time.process_time() - cpu, server_cpu(admin) - server
            wall = time.perf_counter() - wall
            per = 1000 / len(batch)
            found.setdefault(kind, []).append((cpu * per, server * per, wall * per))
    print(f"code: {code}; load average {os.getloadavg()[0]:.1f}")
    for kind, rows in found.items():
        app, pg, wall = (statistics.median(r[i] for r in rows) for i in range(3))
        print(f"{kind:<9} app cpu {app:6.1f} ms  pg cpu {pg:6.1f} ms  wall {wall:6.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
