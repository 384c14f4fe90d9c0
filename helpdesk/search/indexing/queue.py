"""The search queue: complaints whose index entry must be rewritten, as rows of `search_queue`.

A row is written in the same transaction as the change it stands for (indexing/hooks), so a
rolled-back change queues nothing and a killed process loses nothing. `apply_batch` is
the one way rows leave the queue, used by the background indexer (`flask search indexer`),
by `search check --fix` and, with SEARCH_INDEX_INLINE (tests), right after each commit:

1. take the backend's write lock (one writer at a time, whatever the process);
2. read the oldest rows, coalescing the rows of one complaint (the index gets the
   complaint as the database holds it now, which includes every queued change);
3. the backend writes those documents in one commit;
4. only then delete exactly the rows read: a process killed before that leaves them, and
   the next indexer applies them again (rewriting a document twice changes nothing).

A change committed after step 2 has a row that was not read, so it is applied next time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import Connection, Engine, delete, func, insert, select

from ...models.search import SearchQueueEntry
from ...models.types import utcnow
from ..base import Applied

#: Rows read per batch (one index commit each).
BATCH = 500

_TABLE = SearchQueueEntry.__table__


class QueueWriter(Protocol):
    """What apply_batch needs of a search backend."""

    def writing(self, timeout: float) -> AbstractContextManager[bool]:
        """Hold the index's write lock (yields False when it stayed busy)."""

    def apply(self, ids: list[int], *, merge: bool = True) -> Applied:
        """Write these complaints' current documents (gone ones leave) in one commit (with
        `merge`, merging small segments as the backend sees fit)."""


@dataclass(frozen=True)
class Batch:
    """Rows read from the queue and the complaints they name (each once, oldest first)."""

    row_ids: list[int]
    complaint_ids: list[int]

    @property
    def last_row(self) -> int:
        """The newest row id in the batch."""
        return max(self.row_ids)


@dataclass(frozen=True)
class Outcome:
    """What one apply_batch call did."""

    rows: int = 0
    result: Applied | None = None  # None: nothing was queued (or the lock stayed busy)
    last_row: int = 0


@dataclass(frozen=True)
class QueueState:
    """How many rows wait and since when."""

    rows: int
    oldest: datetime | None

    def age(self, now: datetime) -> float:
        """Seconds the oldest row has waited (0 when the queue is empty)."""
        return 0.0 if self.oldest is None else max((now - self.oldest).total_seconds(), 0.0)


def enqueue(conn: Connection, ids: Iterable[int]) -> None:
    """Queue these complaints on `conn`, inside its transaction (one row each)."""
    moment = utcnow()
    rows = [{"complaint_id": cid, "queued_at": moment} for cid in sorted(set(ids))]
    if rows:
        conn.execute(insert(_TABLE), rows)


def enqueue_now(engine: Engine, ids: Iterable[int]) -> None:
    """Queue these complaints in a transaction of their own."""
    with engine.begin() as conn:
        enqueue(conn, ids)


def read_batch(conn: Connection, limit: int = BATCH, after: int = 0) -> Batch | None:
    """The oldest `limit` rows after row id `after` (None when there are none)."""
    rows = conn.execute(
        select(_TABLE.c.id, _TABLE.c.complaint_id)
        .where(_TABLE.c.id > after)
        .order_by(_TABLE.c.id)
        .limit(limit)
    ).all()
    if not rows:
        return None
    return Batch([r.id for r in rows], list(dict.fromkeys(r.complaint_id for r in rows)))


def forget(engine: Engine, row_ids: list[int]) -> None:
    """Delete these rows (their changes are in the index now)."""
    with engine.begin() as conn:
        for chunk in _chunks(row_ids, 500):
            conn.execute(delete(_TABLE).where(_TABLE.c.id.in_(chunk)))


def row_ids_now(engine: Engine) -> list[int]:
    """Every queued row's id (a rebuild reads them before it reads the complaints)."""
    with engine.connect() as conn:
        return list(conn.scalars(select(_TABLE.c.id).order_by(_TABLE.c.id)))


def state(conn: Connection) -> QueueState:
    """The number of queued rows and the oldest one's time."""
    rows, oldest = conn.execute(select(func.count(), func.min(_TABLE.c.queued_at))).one()
    return QueueState(int(rows or 0), oldest)


def apply_batch(
    backend: QueueWriter,
    engine: Engine,
    *,
    limit: int = BATCH,
    after: int = 0,
    lock_timeout: float = 10.0,
    merge: bool = True,
) -> Outcome:
    """Apply the oldest queued rows (after row id `after`) with one index commit, then delete
    them; see the module docstring. Without `merge` the commit merges no segments (the
    background indexer merges apart). Raises what the backend raises (the rows stay)."""
    with backend.writing(lock_timeout) as held:
        if not held:
            return Outcome()
        with engine.connect() as conn:
            batch = read_batch(conn, limit, after)
        if batch is None:
            return Outcome()
        result = backend.apply(batch.complaint_ids, merge=merge)
        if result == "applied":
            forget(engine, batch.row_ids)
        return Outcome(len(batch.row_ids), result, batch.last_row)


def drain(backend: QueueWriter, engine: Engine, *, lock_timeout: float = 10.0) -> int:
    """Apply everything queued now; returns the rows written. Rows a rebuild keeps are
    passed over (the rebuild applies them to its new index); stops when the backend cannot
    take a batch."""
    total, after = 0, 0
    while True:
        outcome = apply_batch(backend, engine, after=after, lock_timeout=lock_timeout)
        if outcome.result in (None, "waiting"):
            return total
        total += outcome.rows
        if outcome.result == "kept":
            after = outcome.last_row


def _chunks(values: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
