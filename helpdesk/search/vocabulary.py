"""Forgetting an erased customer's words in the PostgreSQL backend's typo vocabulary.

`search_word` (postgres backend only) keeps every word ever indexed, so typos can be
matched; re-indexing an anonymised complaint rewrites its document but leaves its words
there, names included. services.privacy reads a complaint's words before erasing it
(`words_of`) and, once committed, drops those no other complaint's document contains
(`forget_words`). The Whoosh backend keeps no vocabulary of its own: both are no-ops there.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from sqlalchemy import text

from ..extensions import db
from .documents import load_documents
from .hooks import EXTENSION
from .text import MAX_TOKEN, tokens

#: Delete the given words unless a document other than the erased ones holds the word (its
#: 'simple' lexeme is the token itself: postgres_sql.UPSERT).
_FORGET = text(
    "DELETE FROM search_word w WHERE w.word = ANY(CAST(:words AS text[])) "
    "AND NOT EXISTS (SELECT 1 FROM search_document d "
    "WHERE NOT (d.complaint_id = ANY(CAST(:erased AS integer[]))) "
    "AND d.all_vector @@ plainto_tsquery('simple', w.word))"
)


def _has_vocabulary() -> bool:
    backend = current_app.extensions.get(EXTENSION)
    return backend is not None and backend.name == "postgres"


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
