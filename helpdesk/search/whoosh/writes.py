"""Writing the live Whoosh index: a batch of complaints' documents in one commit, the idle
merge of the small segments batches leave, deletions now. Each takes the index's writer
itself (Whoosh's own lock, waited for up to `lock_timeout`); the backend decides when.

A batch commit merges nothing unless a size tier of small segments is full (then only that
tier), so it stays cheap; when the queue is idle the indexer merges the small segments the
batches left (merge_small).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, exists, select

from ...models import Complaint
from ...models.search import SearchQueueEntry
from ..base import Applied
from ..documents import SearchDocument, load_documents
from .merging import SMALL_SEGMENT, merge_full_tier, merge_small_segments
from .schema import fields_for
from .store import IndexStore, create_index, has_index, open_index

log = logging.getLogger(__name__)

_QUEUED = select(SearchQueueEntry.complaint_id)


def apply_batch(
    store: IndexStore, schema: Any, engine: Engine, ids: list[int], lock_timeout: float
) -> Applied:
    """Write these complaints' current documents in one commit (the caller holds the store's
    write lock): 'applied', 'kept' while a rebuild runs, 'waiting' without an index."""
    with engine.connect() as conn:
        docs = load_documents(conn, ids)
        live = store.current_dir()
        if live is None or not has_index(live):
            # A new install starts its index from the queue when every complaint is
            # queued; otherwise some would never be indexed: a rebuild must make it.
            if conn.scalar(select(exists().where(~Complaint.id.in_(_QUEUED)))):
                log.warning("search index missing: run `flask search reindex`")
                return "waiting"
            live = create_empty(store, schema)
    writer = open_index(live).writer(timeout=lock_timeout)
    try:
        write_documents(writer, ids, docs)
    except BaseException:
        writer.cancel()
        raise
    writer.commit(mergetype=merge_full_tier)
    if store.rebuild_running() or store.current_dir() != live:
        return "kept"
    return "applied"


def merge_small(store: IndexStore, lock_timeout: float) -> bool | None:
    """Merge the small segments left by batches into one: True when merged, False when there
    was nothing to merge, None when another writer is busy or there is no index."""
    with store.write_lock(0.0) as held:
        live = store.current_dir()
        if not held or live is None or not has_index(live):
            return None
        writer = open_index(live).writer(timeout=lock_timeout)
        if sum(1 for s in writer.segments if s.doc_count_all() < SMALL_SEGMENT) < 2:
            writer.cancel()
            return False
        writer.commit(mergetype=merge_small_segments)
    return True


def delete_now(store: IndexStore, ids: set[int], lock_timeout: float) -> bool:
    """Delete these documents in one commit; False when the lock stayed busy or there is
    no index (the caller queues them instead)."""
    with store.write_lock(lock_timeout) as held:
        live = store.current_dir()
        if not held or live is None or not has_index(live):
            return False
        writer = open_index(live).writer(timeout=lock_timeout)
        for cid in sorted(ids):
            writer.delete_by_term("id", str(cid))
        writer.commit(merge=False)
        return True


def write_documents(writer: Any, ids: Iterable[int], docs: dict[int, SearchDocument]) -> None:
    """Each id's document written anew, or deleted when the complaint is gone."""
    names = set(writer.schema.names())  # an index of an older layout lacks new fields
    for cid in sorted(ids):
        if cid in docs:
            values = fields_for(docs[cid])
            writer.update_document(**{k: v for k, v in values.items() if k in names})
        else:
            writer.delete_by_term("id", str(cid))


def create_empty(store: IndexStore, schema: Any) -> Path:
    """An empty index made the live one."""
    path = store.new_version_dir()
    create_index(path, schema)
    store.swap(path)
    return path
