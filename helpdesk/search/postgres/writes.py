"""Writing the PostgreSQL search rows: a batch of complaints in the caller's transaction
(write_rows), and a full rebuild in batches over a few connections (rebuild).

A write locks its complaints' rows first (SELECT … FOR UPDATE), so two writers of the same
complaint write in commit order and the last write is the newest text.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import partial

from sqlalchemy import Connection, Engine, delete, exists, select, text

from ...models import Complaint
from ...models.search import SearchEntry
from ..documents import load_documents
from ..language.text import MAX_TOKEN
from .sql import (
    ANALYSIS_DONE,
    CLEAN_PENDING,
    GIN_INDEXES,
    PAIRS_DONE,
    UPSERT,
    WORDS,
    ensure_schema,
    row_for,
)

#: Complaints per transaction of a rebuild.
BATCH = 1000


def write_rows(conn: Connection, ids: list[int], bulk: bool = False) -> None:
    """Rewrite these complaints' rows (and drop the rows of deleted complaints); `bulk` in
    a rebuild."""
    # Lock first, then read: a concurrent writer of the same complaint waits for us,
    # and reads its own (newer) text after our commit.
    conn.execute(
        select(Complaint.id).where(Complaint.id.in_(ids)).order_by(Complaint.id).with_for_update()
    )
    docs = load_documents(conn, ids)
    gone = [i for i in ids if i not in docs]
    if gone:
        conn.execute(delete(SearchEntry).where(SearchEntry.complaint_id.in_(gone)))
    if not docs:
        return
    rows = [row_for(doc) for doc in docs.values()]
    if bulk:
        # In a rebuild, new entries of the documents' GIN indexes wait in a bigger
        # pending list and are merged in bulk: fewer, cheaper merges. Only for them:
        # the vocabulary below looks words up, and a lookup through a GIN index
        # reads its whole pending list (quadratic on a fresh, unanalyzed table).
        conn.execute(text("SET LOCAL gin_pending_list_limit = '64MB'"))
    conn.execute(UPSERT, rows)
    if bulk:
        conn.execute(text("SET LOCAL gin_pending_list_limit TO DEFAULT"))
    words = {w for r in rows for w in (r["pub"] + " " + r["notes"]).split() if len(w) <= MAX_TOKEN}
    conn.execute(WORDS, {"words": sorted(words)})


def rebuild(engine: Engine, procs: int, progress: bool) -> int:
    """Rewrite every row, a batch of complaints per transaction in `procs` connections
    (searches keep working; each batch locks its complaints like any other writer), then
    merge the GIN pending lists and VACUUM; returns the number of complaints."""
    from tqdm import tqdm

    with engine.begin() as conn:
        ensure_schema(conn)
        ids = list(conn.scalars(select(Complaint.id).order_by(Complaint.id)))
    chunks = [ids[i : i + BATCH] for i in range(0, len(ids), BATCH)]
    with (
        tqdm(total=len(ids), unit="complaint", disable=not progress, desc="search reindex") as bar,
        ThreadPoolExecutor(max(procs, 1)) as pool,
    ):
        for done in pool.map(partial(_write_batch, engine), chunks):
            bar.update(done)
    with engine.begin() as conn:
        orphans = ~exists().where(Complaint.id == SearchEntry.complaint_id)
        conn.execute(delete(SearchEntry).where(orphans))
        conn.execute(PAIRS_DONE)  # every row was rewritten, with its pairs
        conn.execute(ANALYSIS_DONE)  # and with today's word forms
        # Merge what the rebuild left in the pending lists: searches read those lists
        # entry by entry until a VACUUM (or autovacuum) merges them.
        for index in GIN_INDEXES:
            conn.execute(CLEAN_PENDING, {"index": index})
    # VACUUM (outside a transaction): every row was just rewritten, so without it the old
    # versions stay in the heap (a rebuild doubled it) and the first searches of each page
    # set its hint bits and write it out (2,266 pages written by one search at 100,000
    # complaints); it also marks the pages all-visible, and ANALYZE gives the planner
    # fresh statistics.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM (ANALYZE) search_document, search_word"))
    return len(ids)


def _write_batch(engine: Engine, ids: list[int]) -> int:
    """One transaction of a rebuild (runs in a worker thread: no app context here)."""
    with engine.begin() as conn:
        write_rows(conn, ids, bulk=True)
    return len(ids)
