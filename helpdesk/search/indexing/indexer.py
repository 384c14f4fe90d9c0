"""The background indexer: applies the search queue in batches, one index commit each, and
merges the index's small segments when the queue is idle.

One runs per deployment, as `flask --app wsgi search indexer` (`make run` and `make serve`
start it). It polls the queue every `interval` seconds (0.2 by default: a change is
searchable well within a second), goes on at once while batches come back full, and stops
between two batches on SIGTERM or SIGINT. A process killed at any point loses nothing: the
rows it was applying stay queued until their index commit is done (indexing/queue).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from ...database import unavailable_reason
from ..base import Backend
from ..failures import corrupt_index_tolerated, log_failure
from .queue import BATCH, Outcome, apply_batch

log = logging.getLogger(__name__)

#: Seconds without queued work before the small segments are merged.
IDLE_AFTER = 2.0
#: Longest pause after a failure (doubling from `interval`).
MAX_BACKOFF = 5.0


@dataclass
class Indexer:
    """Applies the queue of one backend and database."""

    backend: Backend
    engine: Engine
    batch: int = BATCH
    interval: float = 0.2
    on_batch: Callable[[Outcome], None] | None = None
    #: Rows up to this id were written but kept for a running rebuild: passed over.
    after: int = 0
    idle_since: float = 0.0
    failures: int = 0
    #: After drain(): True when it stopped on changes it could not apply.
    stuck: bool = False

    def step(self) -> Outcome:
        """Apply one batch; failures are logged (with their traceback) and leave it queued."""
        with corrupt_index_tolerated():
            try:
                outcome = apply_batch(
                    self.backend,
                    self.engine,
                    limit=self.batch,
                    after=self.after,
                    lock_timeout=self.backend.lock_timeout,
                )
            except Exception as exc:  # noqa: BLE001 — logged; the rows stay queued
                self._failed(exc)
                return Outcome(result="waiting")
        # No index yet, or a broken one: wait longer between tries, as after a failure.
        self.failures = self.failures + 1 if outcome.result == "waiting" else 0
        if outcome.result == "kept":
            self.after = outcome.last_row
        elif outcome.result is None and self.after and not self.backend.rebuilding():
            self.after = 0  # the rebuild is over and applied what it kept
        if self.on_batch is not None and outcome.rows:
            self.on_batch(outcome)
        return outcome

    def _failed(self, error: Exception) -> None:
        self.failures += 1
        reason = unavailable_reason(error)
        if reason is not None:
            log.warning("search indexer: database %s, the queue waits (%s)", reason, error)
        else:
            log_failure(log, "search indexer: a batch failed; it stays queued")

    def run(self, stop: threading.Event) -> None:
        """Apply batches until `stop` is set; merge segments when idle."""
        self.idle_since = time.monotonic()
        while not stop.is_set():
            outcome = self.step()
            if outcome.result == "applied" and outcome.rows >= self.batch:
                continue  # more is waiting: no pause
            if outcome.rows:
                self.idle_since = time.monotonic()
            elif time.monotonic() - self.idle_since >= IDLE_AFTER and self.backend.unmerged:
                self._optimise()
            stop.wait(self._pause())

    def drain(self) -> int:
        """Apply everything queued now (`--once`); returns the rows applied."""
        total = 0
        while True:
            outcome = self.step()
            if outcome.result in (None, "waiting"):
                self.stuck = outcome.result == "waiting"
                return total
            total += outcome.rows

    def _pause(self) -> float:
        if not self.failures:
            return self.interval
        return float(min(self.interval * 2**self.failures, MAX_BACKOFF))

    def _optimise(self) -> None:
        with corrupt_index_tolerated():
            try:
                started = time.monotonic()
                if self.backend.optimise():
                    log.info("search index segments merged in %.2f s", time.monotonic() - started)
            except Exception:  # noqa: BLE001 — logged; merging waits for the next idle spell
                log_failure(log, "search indexer: merging segments failed")
