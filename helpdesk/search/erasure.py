"""What erasing a customer's data (services.privacy) asks of the search index beyond the
usual re-indexing of the changed complaint: that no file or table keeps their words.

- PostgreSQL backend: `search_word` keeps every word ever indexed, so typos can be matched,
  names included. `words_of` reads a complaint's words before it is erased, and once it is
  committed `forget_words` drops those no other complaint's document contains.
- Whoosh backend: an updated document is only marked deleted in its segment, whose files
  keep its words (not searchable, but readable on disk) until the segment is merged.
  `expunge_deleted` brings the erased complaints up to date in the index, then rewrites
  the segments holding deleted documents. It costs a rewrite of those segments (after a
  rebuild, the one big segment), so services.privacy calls it once per run.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from typing import Any

from flask import current_app
from sqlalchemy import text
from whoosh.reading import SegmentReader

from ..extensions import db
from .documents import load_documents
from .hooks import EXTENSION
from .text import MAX_TOKEN, tokens
from .whoosh_store import has_index, open_index

#: Delete the given words unless a document other than the erased ones holds the word (its
#: 'simple' lexeme is the token itself: postgres_sql.UPSERT).
_FORGET = text(
    "DELETE FROM search_word w WHERE w.word = ANY(CAST(:words AS text[])) "
    "AND NOT EXISTS (SELECT 1 FROM search_document d "
    "WHERE NOT (d.complaint_id = ANY(CAST(:erased AS integer[]))) "
    "AND d.all_vector @@ plainto_tsquery('simple', w.word))"
)


def _backend_named(name: str) -> Any:
    """The app's search backend when it is `name`, else None."""
    backend = current_app.extensions.get(EXTENSION)
    return backend if backend is not None and backend.name == name else None


def _has_vocabulary() -> bool:
    return _backend_named("postgres") is not None


def words_of(ids: Iterable[int]) -> set[str]:
    """The words these complaints put into the vocabulary (empty without one)."""
    wanted = sorted(set(ids))
    if not wanted or not _has_vocabulary():
        return set()
    with db.engine.connect() as conn:
        docs = load_documents(conn, wanted)
    found: set[str] = set()
    for doc in docs.values():
        found.update(tokens(doc.public_text + "\n" + doc.internal_text))
    return {word for word in found if len(word) <= MAX_TOKEN}


def forget_words(words: Iterable[str], erased_ids: Iterable[int]) -> int:
    """Drop those of `words` that no complaint but the erased ones uses; how many went."""
    chosen = sorted(set(words))
    if not chosen or not _has_vocabulary():
        return 0
    with db.engine.begin() as conn:
        result = conn.execute(_FORGET, {"words": chosen, "erased": sorted(set(erased_ids))})
    return int(result.rowcount)


def expunge_deleted(erased_ids: Iterable[int]) -> bool:
    """Whoosh: index the erased complaints now, rewrite every segment that holds deleted
    documents, and remove the index versions a rebuild superseded (kept for searchers that
    were still reading them, long done). True when the index files keep no erased word (or
    there are no such files); False when the index was busy or missing: the words then
    leave the files at the next erase, purge or `search reindex`."""
    backend = _backend_named("whoosh")
    ids = set(erased_ids)
    if backend is None or not ids:
        return True
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
        for version in store.versions.iterdir() if store.versions.is_dir() else ():
            if version.is_dir() and version.name < live.name:
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
