"""A gunicorn configuration for bench/service_times.py: each worker appends, per request,
its wall and CPU milliseconds inside the worker to $BENCH_TIMING_DIR/<pid>.txt."""

from __future__ import annotations

import os
import time
from typing import Any

_started: dict[str, float] = {}


def pre_request(worker: Any, req: Any) -> None:
    """Note the clocks as the worker starts on a request."""
    _started["wall"], _started["cpu"] = time.perf_counter(), time.process_time()


def post_request(worker: Any, req: Any, environ: Any, resp: Any) -> None:
    """Append the request's wall and CPU milliseconds in this worker."""
    wall = (time.perf_counter() - _started["wall"]) * 1000
    cpu = (time.process_time() - _started["cpu"]) * 1000
    folder = os.environ["BENCH_TIMING_DIR"]
    with open(os.path.join(folder, f"{os.getpid()}.txt"), "a") as out:
        out.write(f"{wall:.3f} {cpu:.3f}\n")
