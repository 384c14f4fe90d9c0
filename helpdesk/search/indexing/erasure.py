"""What erasing a customer's data (services.privacy) asks of the search index beyond the
usual re-indexing of the changed complaint: that no file or table keeps their words.

- PostgreSQL backend: `search_word` keeps every word ever indexed, so typos can be matched,
  names included. `words_of` reads a complaint's words before it is erased, and once it is
  committed `forget_words` drops those no other complaint's document contains.
- Whoosh backend: an updated document is only marked deleted in its segment, whose files
  keep its words (not searchable, but readable on disk) until the segment is merged.
  `expunge_deleted` (whoosh/erasure) brings the erased complaints up to date in the index,
  then rewrites the segments holding deleted documents. It costs a rewrite of those
  segments (after a rebuild, the one big segment), so services.privacy calls it once per
  run.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import current_app
from sqlalchemy import text

from ...extensions import db
from ..documents import load_documents
from ..language.text import MAX_TOKEN, tokens
from .hooks import EXTENSION

#: Delete the given words unless a document other than the erased ones holds the word (its
#: 'simple' lexeme is the token itself: postgres/sql.UPSERT).
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
    """Whoosh: index the erased complaints now and rewrite the index files that still hold
    their words (whoosh/erasure). True when no index file keeps an erased word (always, for
    PostgreSQL); False when the index was busy or missing."""
    backend = _backend_named("whoosh")
    ids = set(erased_ids)
    if backend is None or not ids:
        return True
    from ..whoosh.erasure import expunge_deleted as expunge

    return expunge(backend, ids)
