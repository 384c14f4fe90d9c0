"""The background indexer: applies the search queue in batches, one index commit each, and
merges the index's small segments.

One runs per deployment, as `flask --app wsgi search indexer` (`make run` and `make serve`
start it). It polls the queue every `interval` seconds (0.2 by default: a change is
searchable well within a second; counted from the end of the last batch, which keeps
batches fewer under load, see docs/performance.md), goes on at once while batches come
back full, and stops between two batches on SIGTERM or SIGINT. A process killed at any
point loses nothing: the rows it was applying stay queued until their index commit is
done (indexing/queue).

Merging: when the backend can merge beside the live index (`merges_apart`: Whoosh with
the speed-ups), a thread of its own (`Merger`) merges a full size tier after each batch,
and every small segment when the queue has been idle IDLE_AFTER seconds, while batches go
on; a batch never waits for a merge. Otherwise each batch commit merges a full tier itself
and the idle indexer calls `optimise`.
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
#: Seconds a stopping indexer waits for a merge under way (a merge cut short changes
#: nothing: the index keeps the segments it had).
STOP_WAIT = 10.0


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

    def step(self, *, merge: bool = True) -> Outcome:
        """Apply one batch (its commit merging a full size tier too, with `merge`); failures
        are logged (with their traceback) and leave it queued."""
        with corrupt_index_tolerated():
            try:
                outcome = apply_batch(
                    self.backend,
                    self.engine,
                    limit=self.batch,
                    after=self.after,
                    lock_timeout=self.backend.lock_timeout,
                    merge=merge,
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
        """Apply batches until `stop` is set; merge segments (apart, or when idle)."""
        merger = Merger(self.backend) if self.backend.merges_apart else None
        if merger is not None:
            merger.start()
        self.idle_since = time.monotonic()
        try:
            while not stop.is_set():
                outcome = self.step(merge=merger is None)
                if merger is not None and outcome.result == "applied":
                    merger.wake()
                if outcome.result == "applied" and outcome.rows >= self.batch:
                    continue  # more is waiting: no pause
                if outcome.rows:
                    self.idle_since = time.monotonic()
                elif time.monotonic() - self.idle_since >= IDLE_AFTER and self.backend.unmerged:
                    if merger is not None:
                        merger.wake(idle=True)
                    else:
                        self._optimise()
                stop.wait(self._pause())
        finally:
            if merger is not None:
                merger.stop()

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


class Merger:
    """The indexer's merge thread: merges what batches left beside the live index
    (`backend.merge_apart`), a full size tier after a batch, every small segment when the
    queue is idle, so that no batch waits for a merge. A failure is logged (with its
    traceback) and the thread waits before it tries again, longer after each failure in a
    row (from 0.2 s up to MAX_BACKOFF), so a full disk does not log after every batch."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.failures = 0
        self._wanted = threading.Event()
        self._resting = threading.Event()  # set by stop(): ends a rest after a failure
        self._idle = False
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="search-merger", daemon=True)

    def start(self) -> None:
        """Start the thread (it waits for a wake-up)."""
        self._thread.start()

    def wake(self, *, idle: bool = False) -> None:
        """Ask for a merge: of a full tier, or (`idle`) of every small segment too."""
        self._idle = self._idle or idle
        self._wanted.set()

    def stop(self, timeout: float = STOP_WAIT) -> None:
        """Let the merge under way end (up to `timeout` s; one cut short changes nothing)."""
        self._stopping = True
        self._wanted.set()
        self._resting.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            if self._stopping:
                return
            idle, self._idle = self._idle, False
            with corrupt_index_tolerated():
                try:
                    # A merged tier can fill the next one: go on while something merged.
                    while not self._stopping and self.backend.merge_apart(False):
                        pass
                    if idle and not self._stopping:
                        self._merged_idle()
                    self.failures = 0
                except Exception:  # noqa: BLE001 — logged; tried again after a rest
                    self.failures += 1
                    log_failure(log, "search indexer: merging segments failed")
                    self._resting.wait(min(0.2 * 2 ** (self.failures - 1), MAX_BACKOFF))

    def _merged_idle(self) -> None:
        started = time.monotonic()
        if self.backend.merge_apart(True):
            log.info("search index segments merged in %.2f s", time.monotonic() - started)
