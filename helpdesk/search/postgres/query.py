"""The parsed query as PostgreSQL full-text search SQL.

Each leaf becomes a tsquery: a word is `plainto_tsquery` in the simple, english and dutch
configurations OR'ed, with the Dutch forms Snowball misses (language.text.extra_forms,
which each row's vectors hold as lexemes of their own: sql.py) as simple lexemes, so any of
its forms matches, as with Whoosh; a phrase is `phraseto_tsquery('simple', …)` (as typed),
looked up by its pair lexemes first once the index has them; a prefix is `'word':*`; typo
neighbours (from the `search_word` vocabulary) join the word's OR. Subtrees made only of
words are combined into one tsquery (tsquery_and / tsquery_or / tsquery_not), and an AND's
word parts join one tsquery too, so one GIN index scan answers them and no vector is read
row by row; filters and exact reference/order/email matches are plain SQL conditions.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, cast, false, func, literal, not_, or_, true
from sqlalchemy.dialects.postgresql import REGCONFIG, TSQUERY

from ...models.search import SearchEntry
from ..base import day_after_start, day_start, like_prefix
from ..language.nodes import And, Everything, Exact, Filter, Node, Not, Or, Phrase, Word
from ..language.text import STOP_EN, STOP_NL, extra_forms
from .sql import pairs

Near = Callable[[Word], set[str]]


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
