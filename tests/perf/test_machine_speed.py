"""The bench's machine probe and the workers' CPU time: real work, real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import machine_speed  # noqa: E402 — bench/ is a folder of scripts, not a package
from server import Server  # noqa: E402

SPIN = (
    "import time\n"
    "start = time.process_time()\n"
    "while time.process_time() - start < 0.6: pass\n"
    "time.sleep(30)\n"
)


def test_the_probe_times_the_same_work_many_times() -> None:
    probe = machine_speed.sample(0.2)
    assert probe["units"] >= 20
    assert 0 < probe["p10_ms"] <= probe["p50_ms"] <= probe["p95_ms"]
    best, median = machine_speed.summary([probe, {}])
    assert (best, median) == (probe["p10_ms"], probe["p50_ms"])
    assert machine_speed.summary([]) is None


def test_worker_cpu_is_what_the_masters_children_used() -> None:
    master = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import subprocess, sys; subprocess.run([sys.executable, '-c', {SPIN!r}])",
        ],
        start_new_session=True,
    )
    try:
        server = Server(master, "http://127.0.0.1:1", Path("/dev/null"))
        deadline = time.monotonic() + 20
        used = 0.0
        while time.monotonic() < deadline and used < 0.55:
            time.sleep(0.2)
            used = server.worker_cpu_seconds()
        # The child spun for 0.6 s of CPU; the master's own time is not counted.
        assert 0.55 <= used < 2.0
    finally:
        os.killpg(master.pid, signal.SIGKILL)  # the master and its child
        master.wait()
