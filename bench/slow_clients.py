"""How long /healthz takes while clients upload slowly: the production gunicorn settings
(helpdesk/ops/gunicorn_conf.py: gthread, 2 workers x 4 threads) against 2 sync workers.

    .venv/bin/python bench/slow_clients.py [--seconds 10] [--rate 20000] [--clients 2 3 6 8]

Each client sends a multipart upload at RATE bytes/s for SECONDS, then hangs up; /healthz
is asked three times while they trickle. Loopback, a scratch SQLite database, about a
minute. tests/web/test_serve_slow_clients.py checks the same in a few seconds.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.web.serve_support import SlowUpload, get_seconds, gunicorn, server_env  # noqa: E402

SETUPS = {
    "gthread 2x4 (production)": (),
    "sync x2 (before)": ("--worker-class", "sync", "--threads", "1", "--workers", "2"),
}


def _template(folder: Path) -> Path:
    """A migrated database, checkpointed into one file so it can be copied."""
    path = folder / "template.sqlite3"
    env = {**os.environ, "HELPDESK_DATABASE_URL": f"sqlite:///{path}",
           "HELPDESK_DATA_DIR": str(folder / "data"), "HELPDESK_SECRET_KEY": "bench"}  # fmt: skip
    flask = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi", "db", "upgrade"]
    subprocess.run(flask, cwd=ROOT, env=env, check=True, capture_output=True)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    return path


def _probe(url: str, clients: int, seconds: float, rate: int) -> list[float]:
    uploads = [SlowUpload(url, seconds, rate) for _ in range(clients)]
    for upload in uploads:
        upload.start()
    time.sleep(0.5)
    timings = [get_seconds(f"{url}/healthz", timeout=seconds + 30) for _ in range(3)]
    for upload in uploads:
        upload.join(seconds + 10)
    return timings


def main() -> None:
    """Run every setup with every number of clients and print one line each."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=int, default=20_000, help="bytes/s per client")
    parser.add_argument("--clients", type=int, nargs="+", default=[2, 3, 6, 8])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="slow-clients-") as scratch:
        folder = Path(scratch)
        template = _template(folder)
        for name, extra in SETUPS.items():
            env = server_env(folder / name.split()[0], template)
            with gunicorn(env, *extra) as url:
                for clients in args.clients:
                    timings = _probe(url, clients, args.seconds, args.rate)
                    shown = ", ".join(f"{t:.3f}" for t in timings)
                    print(f"{name}: {clients} clients at {args.rate / 1000:g} kB/s for "
                          f"{args.seconds:g} s: /healthz {shown} s", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
