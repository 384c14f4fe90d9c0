"""Writing the live Whoosh index: a batch of complaints' documents in one commit, the idle
merge of the small segments batches leave, deletions now. Each takes the index's writer
itself (Whoosh's own lock, waited for up to `lock_timeout`); the backend decides when.

The background indexer merges apart (merge_apart): its batch commits merge nothing, and
its merge thread merges a full size tier of small segments, or when the queue is idle every
small segment, beside the live index (fast/merge), holding the lock only to swap them in:
a merge never delays a change's batch. Otherwise (`search indexer --once`, changes applied
at once, the speed-ups off) a batch commit merges a full tier itself, and the idle indexer
merges the small segments in one commit (merge_small).
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
from .merging import full_tier, merge_full_tier, merge_small_segments, small_ones
from .schema import fields_for
from .store import IndexStore, create_index, has_index, open_index

log = logging.getLogger(__name__)

_QUEUED = select(SearchQueueEntry.complaint_id)


def apply_batch(
    store: IndexStore,
    schema: Any,
    engine: Engine,
    ids: list[int],
    lock_timeout: float,
    *,
    merge: bool = True,
) -> Applied:
    """Write these complaints' current documents in one commit (the caller holds the store's
    write lock): 'applied', 'kept' while a rebuild runs, 'waiting' without an index. With
    `merge` the commit merges a full size tier of small segments too."""
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
    if merge:
        writer.commit(mergetype=merge_full_tier)
    else:
        writer.commit(merge=False)
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
        if not small_ones(writer.segments):
            writer.cancel()
            return False
        writer.commit(mergetype=merge_small_segments)
    return True


def merge_apart(
    store: IndexStore, idle: bool, lock_timeout: float, *, first: bool = False
) -> bool | None:
    """Merge a full size tier of small segments (when `idle`, every small segment) beside
    the live index, then swap it in under the write lock (fast/merge). True when merged,
    False when there was nothing to merge, None when the merge was dropped (a chosen
    segment went meanwhile, the lock stayed busy, no index). The `first` merge of a
    process (one indexer runs per deployment) removes what a killed one left in its
    scratch folders: they may hold the words of since-erased complaints."""
    from .fast.merge import build, install, remove_scratch, segments_of

    live = store.current_dir()
    if live is None or not has_index(live):
        return None
    if first and remove_scratch(live):
        log.info("search index: removed the scratch folders of an unfinished merge")
    try:
        segments = segments_of(live)
        chosen = small_ones(segments) if idle else full_tier(segments)
        if not chosen:
            return False
        built = build(live, [s.segment_id() for s in chosen])
    except FileNotFoundError:
        return None  # a commit, an erasure or a rebuild removed what it was reading
    except OSError:
        if store.current_dir() != live:
            return None  # a rebuild replaced the index (and removed the scratch folder)
        raise
    if built is None:
        return None
    try:
        with store.write_lock(lock_timeout) as held:
            if not held or store.current_dir() != live:
                return None
            return True if install(built, lock_timeout) else None
    finally:
        built.discard()


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
