"""How long one request takes inside a gunicorn worker, request by request: wall and CPU
time from the worker's own clocks (gunicorn hooks, bench/gunicorn_timing.py), under wrk, on
`make bench`'s seeded data. wrk's latencies add the wait for a free worker; these do not,
so their spread is the request's own: the code's paths, the garbage collector, the machine.

    .venv/bin/python bench/service_times.py [--path /staff/] [--connections 4] [--seconds 10]

The fifteenth session used it to show that the same inbox page, with one connection and
nothing else running, took 3.5 ms of CPU in its fastest tenth and 6.6 ms at the 95th
percentile (docs/performance.md).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from client import AGENT, run_wrk, staff_login
from dataset import WORK, Dataset
from server import running
from submit_load import percentile

HOOKS = str(Path(__file__).resolve().parent / "gunicorn_timing.py")


def percentiles(values: list[float]) -> dict[str, float]:
    """p10, p50, p90, p95 and p99 of `values` (nearest rank, as the bench's other tables)."""
    return {f"p{q}": percentile(values, q) or 0.0 for q in (10, 50, 90, 95, 99)}


def main(argv: list[str] | None = None) -> int:
    """Serve the seeded data with the timing hooks, load one path, print the spread."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--path", default="/staff/", help="a staff page (logged in as agent)")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    folder = WORK / f"whoosh-{args.complaints}-s{args.seed}"
    if not (folder / "stamp.json").exists():
        print(f"service_times: no seeded data in {folder}: run `make bench` first", file=sys.stderr)
        return 2
    dataset = Dataset("whoosh", args.complaints, args.seed, folder)
    with tempfile.TemporaryDirectory() as timing:
        with running(dataset, extra=("-c", HOOKS), env={"BENCH_TIMING_DIR": timing}) as server:
            staff, why = staff_login(server.base_url, *AGENT)
            if staff is None:
                print(f"service_times: {why}", file=sys.stderr)
                return 1
            threads = min(2, args.connections)
            load = {"connections": args.connections, "threads": threads}
            run_wrk(server.base_url, [args.path], staff.cookie_header, seconds=3, **load)
            for old in Path(timing).iterdir():  # the warm-up's requests
                old.unlink()
            result = run_wrk(
                server.base_url, [args.path], staff.cookie_header, seconds=args.seconds, **load
            )
        rows = [line.split() for file in Path(timing).iterdir() for line in file.open()]
    print(
        f"wrk: {result.rps:.1f} requests/s, p50 {result.p50:.2f} ms, p95 {result.p95:.2f} ms "
        f"({args.connections} connections)"
    )
    for index, name in ((0, "wall in the worker"), (1, "CPU in the worker")):
        spread = percentiles([float(row[index]) for row in rows])
        shown = ", ".join(f"{key} {value:.2f}" for key, value in spread.items())
        print(f"{name}: {len(rows)} requests, ms {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
