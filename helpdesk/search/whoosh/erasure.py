"""Erasure in the Whoosh index: no file keeps an erased customer's words (indexing/erasure).

An updated document is only marked deleted in its segment, whose files keep its words (not
searchable, but readable on disk) until the segment is merged: the segments holding deleted
documents are rewritten, and the index versions a rebuild superseded removed.
"""

from __future__ import annotations

import shutil
from typing import Any

from whoosh.reading import SegmentReader

from .backend import WhooshBackend
from .store import has_index, open_index


def expunge_deleted(backend: WhooshBackend, ids: set[int]) -> bool:
    """Whoosh: index the erased complaints now, rewrite every segment that holds deleted
    documents, and remove the index versions a rebuild superseded (kept for searchers that
    were still reading them, long done). True when the index files keep no erased word (or
    there are no such files); False when the index was busy or missing: the words then
    leave the files at the next erase, purge or `search reindex`."""
    backend.index(ids)
    store = backend.store
    with store.write_lock(backend.lock_timeout) as held:
        live = store.current_dir()
        if not held or live is None or not has_index(live):
            return False
        writer = open_index(live).writer(timeout=backend.lock_timeout)
        if any(segment.has_deletions() for segment in writer.segments):
            writer.commit(mergetype=_merge_segments_with_deletions)
        else:
            writer.cancel()
        if store.rebuild_running():
            return False
        # Every version but the live one: no rebuild runs, so all others are superseded.
        # (Not by comparing names: two versions made within one second share their stamp
        # and only a random suffix tells them apart.)
        for version in store.versions.iterdir() if store.versions.is_dir() else ():
            if version.is_dir() and version.name != live.name:
                shutil.rmtree(version, ignore_errors=True)
    return True


def _merge_segments_with_deletions(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy: the live documents of every segment with deletions go into the
    writer's new segment (the deleted ones, and their words, are left behind)."""
    chosen = [segment for segment in segments if segment.has_deletions()]
    for segment in chosen:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [segment for segment in segments if segment not in chosen]
