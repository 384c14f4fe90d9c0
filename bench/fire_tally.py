"""What the clients of bench/under_fire.py got back: every answer by kind of request (status,
time, whether it was what the step expects), and the requests that got none."""

from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from submit_load import spread


@dataclass(frozen=True)
class Answer:
    """One HTTP answer."""

    kind: str
    status: int
    location: str
    page: str
    ms: float


@dataclass
class Tally:
    """Every answer by kind of request: status codes, times, and the requests that got none."""

    t0: float = field(default_factory=time.monotonic)
    statuses: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    dropped: Counter[str] = field(default_factory=Counter)
    unexpected: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def answer(self, kind: str, status: int, ms: float, ok: bool, why: str = "") -> None:
        """One answer; `ok` when it is what the step expects."""
        with self.lock:
            self.statuses[kind][status] += 1
            self.times[kind].append(ms)
            if not ok:
                self.unexpected[kind] += 1
                self._sample(f"{kind} answered {status}{': ' + why if why else ''}")

    def drop(self, kind: str, error: BaseException) -> None:
        """A request that got no answer."""
        with self.lock:
            self.dropped[kind] += 1
            self._sample(f"{kind}: no answer ({type(error).__name__}: {error})")

    def _sample(self, text: str) -> None:
        if len(self.samples) < 40:
            self.samples.append(f"{time.monotonic() - self.t0:6.1f} s {text}")

    def server_errors(self) -> int:
        """Answers with a 5xx status."""
        return sum(n for c in self.statuses.values() for s, n in c.items() if s >= 500)

    def summary(self) -> dict[str, Any]:
        """The figures for the report, per kind of request."""
        kinds = sorted(set(self.statuses) | set(self.dropped))
        return {
            kind: {
                "answers": sum(self.statuses[kind].values()),
                "statuses": {str(s): n for s, n in sorted(self.statuses[kind].items())},
                "no_answer": self.dropped[kind],
                "unexpected": self.unexpected[kind],
                **spread(self.times[kind], (50, 95)),
            }
            for kind in kinds
        }
