"""Where the machine's cores went during a timed phase of the submission benchmark.

The submissions run on the same cores as everything that serves them: the gunicorn
workers, this process's client threads, the background indexer, the searchable poller. A
rate target is a budget (300 submissions a second on 2 cores leave 6.7 ms of the cores for
each, form GET included), so the benchmark says how each submission's share was spent:
each process's CPU from /proc/<pid>/stat, this process's from `time.process_time`, and the
machine's busy, idle and stolen time from /proc/stat (the rest of "busy" is "other": the
gunicorn master, the kernel's work for the sockets, anything else running). All in clock
ticks (10 ms), so a phase of a second or more is read to about 0.1 ms a submission.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from server import cpu_seconds

#: The /proc/stat columns (after "cpu") that are not work: idle and waiting for the disk.
_IDLE = (3, 4)
_STEAL = 7


def machine_ticks() -> tuple[int, int, int]:
    """(busy, idle, stolen) clock ticks of all cores since boot (/proc/stat's first line;
    guest time is already inside user time)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    stolen = values[_STEAL] if len(values) > _STEAL else 0
    idle = sum(values[i] for i in _IDLE)
    busy = sum(values[:_STEAL]) - idle
    return busy, idle, stolen


class CpuSplit:
    """CPU seconds of the named processes, this process and the machine, from one reading
    to the next: `start()` before the phase, `stop(count)` after it."""

    def __init__(self, processes: Callable[[], dict[str, list[int]]]) -> None:
        self.processes = processes  # name -> pids, asked at each reading (workers may change)
        self.before: dict[str, float] = {}

    def _reading(self) -> dict[str, float]:
        tick = os.sysconf("SC_CLK_TCK")
        busy, idle, stolen = machine_ticks()
        found = {name: cpu_seconds(pids) for name, pids in self.processes().items()}
        found["client"] = time.process_time()
        found.update(busy=busy / tick, idle=idle / tick, stolen=stolen / tick)
        return found

    def start(self) -> None:
        """Read the counters before the phase."""
        self.before = self._reading()

    def stop(self, count: int) -> dict[str, Any]:
        """Milliseconds of CPU a submission for each part, since start()."""
        after = self._reading()
        spent = {name: after[name] - self.before.get(name, 0.0) for name in after}
        named = [name for name in spent if name not in ("busy", "idle", "stolen")]
        spent["other"] = max(0.0, spent["busy"] - sum(spent[name] for name in named))
        per = 1000 / count if count else 0.0
        order = [*named, "other", "idle", "stolen"]
        return {
            "cores": os.cpu_count(),
            "ms_per_submission": {name: round(spent[name] * per, 2) for name in order},
        }


def split_line(name: str, split: dict[str, Any] | None, rps_target: float) -> str | None:
    """One line for the benchmark's table: a submission's CPU, part by part, against what
    the rate target leaves of the cores."""
    if not split:
        return None
    parts = split["ms_per_submission"]
    shown = ", ".join(f"{key} {value:.2f}" for key, value in parts.items())
    budget = 1000 * (split["cores"] or 1) / rps_target
    return (
        f"CPU a submission ({name}), ms: {shown}; "
        f"{rps_target:.0f}/s leaves {budget:.2f} ms of the {split['cores']} cores for each"
    )
