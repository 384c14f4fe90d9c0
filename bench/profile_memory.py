"""Each gunicorn worker's resident memory after the benchmark's requests, as bench/run.py
reads it (VmRSS of both workers at the end), without wrk and in a minute (issue 11 item 4).

    .venv/bin/python bench/profile_memory.py [--code DIR] [--copy NAME] [--repeat 20]

gunicorn with 2 sync workers serves a private copy of the 100,000-complaint data
(bench/profile_app.py; `--code DIR` runs another checkout on it). One client then makes,
`--repeat` times in turn, every kind of request the benchmark makes before it reads the
memory: the four search kinds (different queries each time), the inbox, the case page, the
tracking page, the reports page and its year view as a manager, and once the three CSV
downloads; then both workers' VmRSS is printed, and its parts: anonymous memory, mapped
files' pages (the search index, libraries) and shared memory. The requests are spread over
both workers by the kernel, as under wrk.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import reports  # noqa: E402
from client import AGENT, MANAGER, staff_login, track_case  # noqa: E402
from profile_app import copy_data, environment, migrate  # noqa: E402
from queries import query_paths  # noqa: E402
from server import GUNICORN, Server, _wait_until_up, free_port, stop_group  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Serve the copy, make the requests, print each worker's VmRSS in MB."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=HERE / ".work" / "whoosh-100000-s42")
    parser.add_argument("--copy", default="memory", help="name of the private copy")
    parser.add_argument("--code", type=Path, default=HERE.parent, help="the checkout to run")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    folder = args.data.resolve().with_name(f"{args.data.resolve().name}-{args.copy}")
    copy_data(args.data.resolve(), folder, refresh=False)
    migrate(args.code.resolve(), folder)
    port = free_port()
    log = folder / "gunicorn.log"
    env = {**os.environ, **environment(folder)}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [GUNICORN, "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level",
             "warning", "wsgi:app"],
            cwd=args.code.resolve(), env=env, stdout=subprocess.DEVNULL, stderr=out,
            start_new_session=True,
        )  # fmt: skip
    server = Server(process, f"http://127.0.0.1:{port}", log)
    try:
        _wait_until_up(server, timeout=60)
        print(f"after start: {server.worker_rss_mb()}")
        _requests(server.base_url, folder, args.repeat)
        time.sleep(1)
        print(f"after the requests: {server.worker_rss_mb()}")
        for pid in server.worker_pids():
            print(f"  worker {pid}: {_rss_parts(pid)}")
    finally:
        stop_group(process)
    return 0


def _rss_parts(pid: int) -> str:
    """A worker's resident memory by kind (/proc status): its own (anonymous) pages, mapped
    files' pages (the search index, libraries) and shared memory, in MB."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return "gone"
    parts = [line.split() for line in lines if line.startswith(("RssAnon", "RssFile", "RssShmem"))]
    return ", ".join(f"{name.rstrip(':')} {int(kb) / 1024:.1f}" for name, kb, _unit in parts)


def _requests(base_url: str, folder: Path, repeat: int) -> None:
    """Every kind of request bench/run.py makes before it reads the memory."""
    staff, why = staff_login(base_url, *AGENT)
    manager, why_manager = staff_login(base_url, *MANAGER)
    if staff is None or manager is None:
        raise SystemExit(f"login failed: {why or why_manager}")
    with sqlite3.connect(folder / "helpdesk.sqlite3") as con:
        reference, email = con.execute(
            "SELECT c.reference, c.email FROM complaint c JOIN message m ON m.complaint_id = "
            "c.id WHERE c.status IN ('resolved', 'final') GROUP BY c.id HAVING COUNT(m.id) >= 4 "
            "ORDER BY c.id DESC LIMIT 1"
        ).fetchone()
    tracker, case_path, why = track_case(base_url, reference, email)
    if tracker is None:
        raise SystemExit(f"tracking failed: {why}")
    searches = {kind: query_paths(kind) for kind in ("one", "two", "phrase", "filtered")}
    for turn in range(repeat):
        for paths in searches.values():
            for path in paths[turn * 5 : turn * 5 + 5]:
                staff.get(path)
        for _ in range(5):
            staff.get("/staff/")
            staff.get(f"/staff/complaints/{reference}")
            tracker.get(case_path)
        for path in reports.PAGE_PATHS:
            manager.get(path)
        manager.get(reports.YEAR_PATH)
    for path in reports.download_paths(date.today()).values():
        manager.get(path)


if __name__ == "__main__":
    sys.exit(main())
