"""The PostgreSQL-only parts of the search tables and what a row is written as: the GIN and
trigram indexes (ensure_schema), the layout markers in `search_layout` (pairs, word forms),
UPSERT of a complaint's row with its tsvectors and WORDS of the vocabulary.

Each row's vectors hold the tokens in the simple configuration (with positions), their
English and Dutch stems, the Dutch forms Snowball misses (language.text.extra_forms) and
every two adjacent tokens as one pair lexeme (`download_link`), so a two-word phrase is one
GIN lookup. The texts are split by our tokenizer before PostgreSQL sees them, which keeps
hits identical to the Whoosh backend. The queries over them are query.py's.
"""

from __future__ import annotations

import logging
from itertools import pairwise
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.exc import SQLAlchemyError

from ..documents import SearchDocument
from ..language.text import ANALYSIS_VERSION, extra_forms, tokens

log = logging.getLogger(__name__)

SCHEMA_SQL = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS search_document_public_gin "
    "ON search_document USING gin (public_vector)",
    "CREATE INDEX IF NOT EXISTS search_document_all_gin ON search_document USING gin (all_vector)",
    "CREATE INDEX IF NOT EXISTS search_word_trgm ON search_word USING gin (word gin_trgm_ops)",
    # Keep the tsvectors out of line: searches then read small rows (the GIN index answers
    # the match), and only the ranked page's vectors are read.
    "ALTER TABLE search_document SET (toast_tuple_target = 128)",
    # What every row of the index holds: "pairs" once each has its pair lexemes (below).
    "CREATE TABLE IF NOT EXISTS search_layout (name text PRIMARY KEY)",
    # An empty index only ever gets rows with pairs, and with today's word analysis.
    "INSERT INTO search_layout (name) SELECT 'pairs' "
    "WHERE NOT EXISTS (SELECT 1 FROM search_document) ON CONFLICT DO NOTHING",
    f"INSERT INTO search_layout (name) SELECT 'analysis-{ANALYSIS_VERSION}' "  # noqa: S608 - our int
    "WHERE NOT EXISTS (SELECT 1 FROM search_document) ON CONFLICT DO NOTHING",
)

GIN_INDEXES = ("search_document_public_gin", "search_document_all_gin")
CLEAN_PENDING = text("SELECT gin_clean_pending_list(CAST(:index AS regclass))")

#: Set when a full rebuild has given every row its pair lexemes.
PAIRS_DONE = text("INSERT INTO search_layout (name) VALUES ('pairs') ON CONFLICT DO NOTHING")
HAS_PAIRS = text("SELECT EXISTS (SELECT 1 FROM search_layout WHERE name = 'pairs')")
#: The word analysis every row was written with (language.text.ANALYSIS_VERSION), set by a
#: full rebuild (or on an empty index); `search check` reports an index without it.
ANALYSIS = f"analysis-{ANALYSIS_VERSION}"
ANALYSIS_DONE = text(
    "INSERT INTO search_layout (name) VALUES (:name) ON CONFLICT DO NOTHING"
).bindparams(name=ANALYSIS)
HAS_ANALYSIS = text(
    "SELECT NOT EXISTS (SELECT 1 FROM search_document) "
    "OR EXISTS (SELECT 1 FROM search_layout WHERE name = :name)"
).bindparams(name=ANALYSIS)

#: Joins the two tokens of a pair lexeme; tokens never hold it (TOKEN_RE), and PostgreSQL's
#: parser splits words at it, so no lexeme made from text can look like a pair.
PAIR_JOIN = "_"

UPSERT = text(
    """
    INSERT INTO search_document
        (complaint_id, public_vector, all_vector, reference, order_number, email, category,
         status, assignee_id, received_at, sla_due_on, marker, indexed_at)
    SELECT :id, v.pub,
           v.pub || to_tsvector('simple', :notes) || strip(to_tsvector('english', :notes))
                 || strip(to_tsvector('dutch', :notes))
                 || array_to_tsvector(CAST(:notes_pairs AS text[]))
                 || array_to_tsvector(CAST(:notes_extra AS text[])),
           :reference, :order_number, :email, :category, :status, :assignee_id, :received_at,
           :sla_due_on, :marker, now()
    FROM (SELECT to_tsvector('simple', :pub) || strip(to_tsvector('english', :pub))
                 || strip(to_tsvector('dutch', :pub))
                 || array_to_tsvector(CAST(:pub_pairs AS text[]))
                 || array_to_tsvector(CAST(:pub_extra AS text[])) AS pub) AS v
    ON CONFLICT (complaint_id) DO UPDATE SET
        public_vector = EXCLUDED.public_vector, all_vector = EXCLUDED.all_vector,
        reference = EXCLUDED.reference, order_number = EXCLUDED.order_number,
        email = EXCLUDED.email, category = EXCLUDED.category, status = EXCLUDED.status,
        assignee_id = EXCLUDED.assignee_id, received_at = EXCLUDED.received_at,
        sla_due_on = EXCLUDED.sla_due_on, marker = EXCLUDED.marker,
        indexed_at = EXCLUDED.indexed_at
    """
)
# Only new words are inserted (a known word costs no lock, so concurrent writers do not
# queue behind each other), in sorted order (so they cannot deadlock either).
#: New words only, found through the primary key by ON CONFLICT. A NOT EXISTS lookup here was
#: planned through the trigram GIN index, which reads that index's whole pending list for
#: every word: 24 ms a word at 10,000 complaints, 1-2 s per indexer batch.
WORDS = text(
    "INSERT INTO search_word (word) SELECT w FROM unnest(CAST(:words AS text[])) AS w "
    "ON CONFLICT (word) DO NOTHING"
)


def ensure_schema(conn: Connection) -> None:
    """Create the PostgreSQL-only objects (extension, GIN and trigram indexes) if missing.
    One that cannot be made (no right to create pg_trgm, say) is logged and skipped: search
    then works without it (no typo tolerance without pg_trgm)."""
    for statement in SCHEMA_SQL:
        try:
            with conn.begin_nested():
                conn.execute(text(statement))
        except SQLAlchemyError:
            log.warning("search schema: could not run %r", statement, exc_info=True)


def row_for(doc: SearchDocument) -> dict[str, Any]:
    """UPSERT's parameters: the texts as our tokens, so PostgreSQL splits them as we do."""
    public, notes = tokens(doc.public_text), tokens(doc.internal_text)
    return {
        "id": doc.complaint_id,
        "pub": " ".join(public),
        "notes": " ".join(notes),
        "pub_pairs": pairs(public),
        "notes_pairs": pairs(notes),
        "pub_extra": extra_lexemes(public),
        "notes_extra": extra_lexemes(notes),
        "reference": doc.reference,
        "order_number": doc.order,
        "email": doc.email,
        "category": doc.category,
        "status": doc.status,
        "assignee_id": doc.assignee_id,
        "received_at": doc.received_at,
        "sla_due_on": doc.sla_due_on,
        "marker": doc.marker,
    }


def pairs(words: list[str]) -> list[str]:
    """Every two adjacent tokens as one lexeme (no positions), once each: a two-word phrase
    is then one GIN lookup, with no positions to check in each candidate's vector."""
    return sorted({first + PAIR_JOIN + second for first, second in pairwise(words)})


def extra_lexemes(words: list[str]) -> list[str]:
    """The forms of the words that PostgreSQL's own configurations do not make, once each."""
    return sorted({form for word in set(words) for form in extra_forms(word)})
