"""The parsed query as PostgreSQL full-text search SQL.

Each leaf becomes a tsquery: a word is `plainto_tsquery` in the simple, english and dutch
configurations OR'ed, with the Dutch forms Snowball misses (language.text.extra_forms,
which each row's vectors hold as lexemes of their own) as simple lexemes, so any of its
forms matches, as with Whoosh; a phrase is
`phraseto_tsquery('simple', …)` (as typed), looked up by its pair lexemes first (every two
adjacent tokens are one lexeme too, as Whoosh's `pair` terms) once the index has them; a
prefix is `'word':*`; typo neighbours (from
the `search_word` vocabulary) join the word's OR. Subtrees made only of words are
combined into one tsquery (tsquery_and / tsquery_or / tsquery_not), so one GIN index
scan answers them; filters and exact reference/order matches are plain SQL conditions.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    cast,
    false,
    func,
    literal,
    not_,
    or_,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import REGCONFIG, TSQUERY
from sqlalchemy.exc import SQLAlchemyError

from ...models.search import SearchEntry
from ..base import day_after_start, day_start, like_prefix
from ..documents import SearchDocument
from ..language.nodes import And, Everything, Exact, Filter, Node, Not, Or, Phrase, Word
from ..language.text import ANALYSIS_VERSION, STOP_EN, STOP_NL, extra_forms, tokens

log = logging.getLogger(__name__)

Near = Callable[[Word], set[str]]

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


def phrase_query(words: tuple[str, ...], with_pairs: bool) -> Any:
    """A tsquery for words that follow each other. With pair lexemes, a two-word phrase is
    its pair; a longer one needs all its pairs and then the positions (few candidates)."""
    exact = func.phraseto_tsquery(_config("simple"), " ".join(words))
    if not with_pairs or len(words) < 2:
        return exact
    lexemes = pairs(list(words))
    joined = cast(literal(" & ".join(f"'{lexeme}'" for lexeme in lexemes)), TSQUERY)
    return joined if len(words) == 2 else func.tsquery_and(joined, exact)


def _config(name: str) -> Any:
    return cast(literal(name), REGCONFIG)


def word_query(word: Word, near: set[str]) -> Any:
    """A tsquery matching any form of the word (or, for word*, any lexeme it begins)."""
    if word.prefix:
        return func.to_tsquery(_config("simple"), f"'{word.word}':*")
    parts = [func.plainto_tsquery(_config("simple"), word.word)]
    if word.word.isalpha():
        if word.word not in STOP_EN:
            parts.append(func.plainto_tsquery(_config("english"), word.word))
        if word.word not in STOP_NL:
            parts.append(func.plainto_tsquery(_config("dutch"), word.word))
        parts += [func.plainto_tsquery(_config("simple"), f) for f in extra_forms(word.word)]
    parts += [func.plainto_tsquery(_config("simple"), other) for other in sorted(near)]
    return _fold(func.tsquery_or, parts)


def _fold(fn: Any, parts: list[Any]) -> Any:
    result = parts[0]
    for part in parts[1:]:
        result = fn(result, part)
    return result


class Compiler:
    """Turns a parsed query into SQL over search_document joined to complaint."""

    def __init__(
        self, include_internal: bool, zone: ZoneInfo, near: Near, with_pairs: bool = False
    ) -> None:
        self.include_internal = include_internal
        self.vector = SearchEntry.all_vector if include_internal else SearchEntry.public_vector
        self.with_pairs = with_pairs
        self.zone = zone
        self.near = near
        self.positive: list[Any] = []  # tsqueries of the words that rank documents
        self.exact: list[ColumnElement[bool]] = []
        self.uses_text = False  # some word or phrase is matched against the tsvector
        self.negated_exact = False  # a code, order number or address under NOT

    def condition(self, node: Node) -> ColumnElement[bool]:
        """The whole query as one SQL condition."""
        kind, expr = self._compile(node, negated=False)
        return self.vector.bool_op("@@")(expr) if kind == "tsq" else expr

    def conditions(self, node: Node) -> list[ColumnElement[bool]]:
        """The whole query as conditions whose rows, none twice, are its matches.

        A word that may be a code (`order C0NF1RMAT10N`: twelve letters can be a reference)
        is an OR of the word and the code; inside an AND that one condition mixes `@@` with
        plain SQL, and PostgreSQL then checks its `@@` parts again on every row the indexes
        found, reading each match's vector from TOAST (37,000 buffers for 4,237 matches).
        So: the query with the codes taken as matching nothing (one tsquery, answered by the
        GIN index alone), and the codes' few rows (b-tree) that match the whole query but
        not that tsquery. Not done for a code under NOT (taking it as nothing would widen)."""
        whole = self.condition(node)
        if not self.exact or self.negated_exact:
            return [whole]
        rest = without_exact(node)
        if rest is None:
            return [whole]
        words = Compiler(self.include_internal, self.zone, self.near, self.with_pairs)
        expr = words.tsquery(rest)
        if expr is None:
            return [whole]
        by_words = self.vector.bool_op("@@")(expr)
        return [by_words, and_(or_(*self.exact), whole, not_(by_words))]

    def tsquery(self, node: Node) -> Any | None:
        """The query as one tsquery, or None when it has more than words and phrases."""
        kind, expr = self._compile(node, negated=False)
        return expr if kind == "tsq" else None

    def rank_query(self) -> Any | None:
        """One tsquery of every positive word, for ts_rank."""
        return _fold(func.tsquery_or, self.positive) if self.positive else None

    def _as_bool(self, kind: str, expr: Any) -> ColumnElement[bool]:
        return self.vector.bool_op("@@")(expr) if kind == "tsq" else expr

    def _compile(self, node: Node, negated: bool) -> tuple[str, Any]:
        if isinstance(node, And | Or):
            parts = [self._compile(item, negated) for item in node.items]
            if all(kind == "tsq" for kind, _ in parts):
                fn = func.tsquery_and if isinstance(node, And) else func.tsquery_or
                return "tsq", _fold(fn, [expr for _, expr in parts])
            if isinstance(node, And):
                # The words' parts as one tsquery: one GIN condition, never re-checked row by
                # row (the other parts are plain columns).
                words = [expr for kind, expr in parts if kind == "tsq"]
                rest = [expr for kind, expr in parts if kind == "bool"]
                if words:
                    rest.insert(0, self.vector.bool_op("@@")(_fold(func.tsquery_and, words)))
                return "bool", and_(*rest)
            return "bool", or_(*[self._as_bool(kind, expr) for kind, expr in parts])
        if isinstance(node, Not) and isinstance(node.item, Or):
            # NOT (a OR b) as NOT a AND NOT b, so the words' parts join one tsquery (above).
            return self._compile(And(tuple(Not(item) for item in node.item.items)), negated)
        if isinstance(node, Not):
            kind, expr = self._compile(node.item, not negated)
            return (kind, func.tsquery_not(expr)) if kind == "tsq" else (kind, not_(expr))
        if isinstance(node, Word | Phrase):
            if isinstance(node, Word):
                tsq = word_query(node, self.near(node) if node.fuzzy else set())
            else:
                tsq = phrase_query(node.words, self.with_pairs)
            self.uses_text = True
            if not negated:
                self.positive.append(tsq)
            return "tsq", tsq
        if isinstance(node, Exact):
            cond = exact_condition(node)
            if negated:
                self.negated_exact = True
            else:
                self.exact.append(cond)
            return "bool", cond
        if isinstance(node, Filter):
            return "bool", filter_condition(node, self.zone)
        assert isinstance(node, Everything)
        return "bool", true()


def without_exact(node: Node) -> Node | None:
    """The query with every code, order number and address taken as matching nothing
    (None: then nothing matches). Only for trees without them under NOT."""
    if isinstance(node, Exact):
        return None
    if isinstance(node, And | Or):
        items = [without_exact(item) for item in node.items]
        kept = tuple(item for item in items if item is not None)
        if (isinstance(node, And) and len(kept) < len(items)) or not kept:
            return None
        return kept[0] if len(kept) == 1 else type(node)(kept)
    return node


def exact_condition(node: Exact) -> ColumnElement[bool]:
    """The complaints whose reference code, order number or email address was typed."""
    parts = []
    if node.reference:
        parts.append(SearchEntry.reference == node.reference)
    if node.order:
        parts.append(SearchEntry.order_number == node.order)
    if node.email:
        parts.append(SearchEntry.email == node.email)
    return or_(*parts) if parts else false()


def filter_condition(node: Filter, zone: ZoneInfo) -> ColumnElement[bool]:
    """category:, status:, ref:, order:, email:, before:, after: as SQL."""
    value = node.values[0]
    if node.field == "category":
        return SearchEntry.category.in_(node.values)
    if node.field == "status":
        return SearchEntry.status.in_(node.values)
    if node.field == "ref":
        return SearchEntry.reference == value
    if node.field == "order":
        return SearchEntry.order_number == value
    if node.field == "email":
        if value.endswith("*"):
            return SearchEntry.email.like(like_prefix(value[:-1]), escape="\\")
        return SearchEntry.email == value
    day = date.fromisoformat(value)
    if node.field == "before":
        return SearchEntry.received_at < day_start(day, zone)
    return SearchEntry.received_at >= day_after_start(day, zone)
