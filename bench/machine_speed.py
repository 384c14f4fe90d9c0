"""How fast this machine runs Python at the moment: one fixed piece of work (the same
instructions every time) timed in CPU time, many times over, just before each endpoint.

The benchmark's VMs do not run the same instructions at one speed. On the fifteenth
session's idle VM, the same 300,000-number sum took 3.8 ms of CPU in the fastest tenth of
1,500 tries and 6.3 ms at the median, and a minute later 3.9 ms at the median; a page's
CPU time swings the same way, request after request, with one connection and nothing else
running (docs/performance.md, fifteenth session). `timeit` hides it: it reports the best of
its tries. So `make bench` prints, beside each endpoint's latencies, the workers' CPU time a
request and this probe's median, and a reader can tell a slower code path from a slower
moment of the machine: the code's instructions move the first alone, the machine both.

    .venv/bin/python bench/machine_speed.py [--seconds S] [--samples N]
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from submit_load import percentile

#: The probe's text: escaped, split, counted and joined as a page's rows are.
_WORDS = [f"word{i} <b>&amp; {i * 7 % 13}</b>" for i in range(64)]


def unit() -> int:
    """One fixed piece of work, about 1 ms of CPU on a fast moment of the bench's VMs: dict
    and list churn, string formatting and replacing, as a page's rendering does."""
    counts: dict[str, int] = {}
    pieces: list[str] = []
    for round_ in range(45):
        for i, word in enumerate(_WORDS):
            key = f"{word[:6]}-{(i + round_) % 17}"
            counts[key] = counts.get(key, 0) + len(word)
            pieces.append(word.replace("&", "&amp;").replace("<", "&lt;"))
    return len("".join(pieces)) + sum(counts.values())


def sample(seconds: float = 1.0) -> dict[str, Any]:
    """Run `unit` for about `seconds` of wall time; its CPU ms at the 10th, 50th and 95th
    percentile, and how many units ran."""
    times: list[float] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(times) < 20:
        start = time.process_time()
        unit()
        times.append((time.process_time() - start) * 1000)
    return {
        "units": len(times),
        **{f"p{q}_ms": round(percentile(times, q) or 0.0, 3) for q in (10, 50, 95)},
    }


def summary(probes: list[dict[str, Any]]) -> tuple[float, float] | None:
    """Over a run's probes: the fastest tenth seen in any of them (the machine at its best)
    and the median of their medians (as it mostly was); None without probes."""
    probes = [p for p in probes if p]
    if not probes:
        return None
    medians = sorted(p["p50_ms"] for p in probes)
    return min(p["p10_ms"] for p in probes), medians[len(medians) // 2]


def main(argv: list[str] | None = None) -> int:
    """Print one sample, a few times: how much this machine's speed moves right now."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="per sample")
    parser.add_argument("--samples", type=int, default=5)
    args = parser.parse_args(argv)
    probes = []
    for _ in range(args.samples):
        probe = sample(args.seconds)
        probes.append(probe)
        print(
            f"{probe['units']:>6} units: p10 {probe['p10_ms']:.3f} ms, p50 {probe['p50_ms']:.3f}, "
            f"p95 {probe['p95_ms']:.3f}"
        )
    best, median = summary(probes) or (0.0, 0.0)
    print(f"best {best:.3f} ms, median {median:.3f} ms: {median / best:.2f} x the best")
    return 0


if __name__ == "__main__":
    sys.exit(main())
