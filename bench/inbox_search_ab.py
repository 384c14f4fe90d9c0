"""A/B of the inbox's search requests between two versions of the code, in CPU time.

On a shared 2-core machine wall-clock times of one request swing with the other sessions'
load; the CPU time a request costs its own process (`time.process_time`, SQLite and Whoosh
included: both run in the process) barely does. Each version runs in a process of its own
(`--code DIR`: a checkout, e.g. from `git archive`), logged in through the test client as
the demo manager, and serves the same inbox URLs (bench/queries.py: one word, two words,
phrases, word + category, each with status=all as `make bench` asks; plus the same words
with the default status, and whole reference codes). The versions take turns, round after
round, so a change in the machine's load falls on both.

    .venv/bin/python bench/inbox_search_ab.py --data DIR --code A=/tmp/old --code B=. \\
        [--rounds 5] [--per-kind 40]

DIR holds helpdesk.sqlite3 and data/ (a `demo seed` database and its search index, such as
bench/.work/whoosh-100000-s42 after `make bench`). Prints CPU ms per request (median and
p95 over every request of every round) per kind of URL and version.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

#: Runs inside each version's process: `code`, `data`, `paths` come from argv as JSON.
WORKER = r"""
import json, sys, time
code, data, paths = json.loads(sys.argv[1])
sys.path.insert(0, code)
from helpdesk import create_app
app = create_app({
    "SECRET_KEY": "ab-only", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{data}/helpdesk.sqlite3",
    "DATA_DIR": f"{data}/data", "UPLOAD_DIR": f"{data}/data/uploads",
    "RAW_EMAIL_DIR": f"{data}/data/raw-email", "SEARCH_INDEX_DIR": f"{data}/data/search-index",
    "SEARCH_CACHE_SIZE": 0, "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False,
    "SMTP_URL": "smtp://127.0.0.1:9",
})
client = app.test_client()
client.post("/staff/login", data={"email": "manager@demo.example",
                                  "password": "demo-manager-password"})
for path in paths[:20]:  # warm the caches of statements, templates and segments
    client.get(path)
out = {}
for path in paths:
    start = time.process_time()
    response = client.get(path)
    spent = time.process_time() - start
    assert response.status_code == 200, (path, response.status_code)
    out[path] = spent * 1000
print(json.dumps(out))
"""


def urls(data: Path, per_kind: int) -> dict[str, list[str]]:
    """The inbox URLs of each kind."""
    import sqlite3

    from queries import query_paths

    found = {kind: query_paths(kind, per_kind) for kind in ("one", "two", "phrase", "filtered")}
    found["one, default status"] = [p.replace("status=all&", "") for p in found["one"]]
    with sqlite3.connect(f"file:{data / 'helpdesk.sqlite3'}?mode=ro", uri=True) as conn:
        codes = [r[0] for r in conn.execute(f"SELECT reference FROM complaint LIMIT {per_kind}")]  # noqa: S608
    found["whole code"] = [f"/staff/?q={code.lower()}" for code in codes]
    return found


def main() -> None:
    """Take turns between the versions; print a table of CPU ms per request."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--code", action="append", required=True, metavar="NAME=DIR")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--per-kind", type=int, default=40)
    args = parser.parse_args()
    versions = dict(item.split("=", 1) for item in args.code)
    kinds = urls(args.data.resolve(), args.per_kind)
    paths = [p for group in kinds.values() for p in group]
    spent: dict[str, dict[str, list[float]]] = {name: {} for name in versions}
    for _ in range(args.rounds):
        for name, code in versions.items():
            payload = json.dumps([str(Path(code).resolve()), str(args.data.resolve()), paths])
            result = subprocess.run(
                [sys.executable, "-c", WORKER, payload],
                capture_output=True,
                text=True,
                check=True,
                cwd=code,
            )
            for path, ms in json.loads(result.stdout.strip().splitlines()[-1]).items():
                spent[name].setdefault(path, []).append(ms)
    print("| URLs | " + " | ".join(f"{n} median / p95 ms" for n in versions) + " |")
    print("|---|" + "---|" * len(versions))
    for kind, group in kinds.items():
        cells = []
        for name in versions:
            values = sorted(v for p in group for v in spent[name][p])
            p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
            cells.append(f"{statistics.median(values):.1f} / {p95:.1f}")
        print(f"| {kind} ({len(group)}) | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
