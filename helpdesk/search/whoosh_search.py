"""Answer a parsed query from a Whoosh index: set algebra per segment, then rank and page.

Leaves are first resolved against the whole index (prefix and typo expansion, idf), then
each segment turns the tree into a set of document numbers (and, for relevance, a score
per document: idf x saturated term frequency, summed over the matching words, with a
tiny bonus for newer complaints so ties read newest first). The inbox filters, facets and
top-N choice run on those sets; exact reference/order hits go first.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from ..domain.inbox import InboxQuery
from .base import day_after_start, day_start, empty_facets
from .query import And, Everything, Exact, Filter, Node, Not, Or, Phrase, Word
from .text import is_fuzzy_match, variants
from .whoosh_postings import (
    CATEGORY_KEYS,
    DUE_SHIFT,
    STATUS_KEYS,
    SegmentCache,
    SegmentData,
    read_positions,
    read_postings,
)
from .whoosh_schema import epoch

MAX_EXPANSION = 400  # terms one prefix or typo may stand for
K1 = 1.2
RECENCY = 1e-13  # seconds since 1970 x this: a tie-breaker far below any real score gap


@dataclass
class Plan:
    """Leaves resolved against the whole index: which terms each stands for, and weights."""

    words: dict[int, list[tuple[str, bytes, float]]] = field(default_factory=dict)
    scored: bool = False


@dataclass
class Ranked:
    """The outcome of one query: complaint ids in order (up to what was asked), total, facets."""

    ids: list[int]
    total: int
    facets: dict[str, dict[str, int]]


def _text_fields(include_internal: bool, kind: str) -> tuple[str, ...]:
    prefix = ("", "n") if include_internal else ("",)
    return tuple(p + kind for p in prefix)


def resolve(searcher: Any, node: Node, include_internal: bool, scored: bool) -> Plan:
    """Expand every Word leaf into (field, term, idf) triples using the whole index."""
    plan = Plan(scored=scored)
    reader = searcher.reader()
    total = max(searcher.doc_count_all(), 1)
    fields_ = _text_fields(include_internal, "words")

    def visit(item: Node) -> None:
        if isinstance(item, And | Or):
            for child in item.items:
                visit(child)
        elif isinstance(item, Not):
            visit(item.item)
        elif isinstance(item, Word):
            terms = _word_terms(reader, item, include_internal)
            triples = []
            for name in fields_:
                for term in terms:
                    df = reader.doc_frequency(name, term) if scored else 0
                    idf = math.log(1 + (total - df + 0.5) / (df + 0.5)) if scored else 0.0
                    triples.append((name, term, idf))
            plan.words[id(item)] = triples

    visit(node)
    return plan


def _word_terms(reader: Any, word: Word, include_internal: bool) -> list[bytes]:
    """The indexed terms a typed word stands for (its variants, prefix or typo neighbours)."""
    if word.prefix:
        found: set[bytes] = set()
        for name in _text_fields(include_internal, "words"):
            for term in reader.expand_prefix(name, word.word):
                found.add(term)
                if len(found) >= MAX_EXPANSION:
                    break
        return sorted(found)
    terms = {v.encode() for v in variants(word.word)}
    if word.fuzzy:
        terms.update(w.encode() for w in vocabulary_near(reader, word.word, word.fuzzy, include_internal))
    return sorted(terms)


def vocabulary_near(reader: Any, word: str, edits: int, include_internal: bool) -> set[str]:
    """Indexed tokens within `edits` edits of `word` that share its first letter."""
    found: set[str] = set()
    for name in _text_fields(include_internal, "phrase"):
        for candidate in reader.terms_within(name, word, edits, prefix=1):
            if is_fuzzy_match(candidate, word, edits):
                found.add(candidate)
            if len(found) >= MAX_EXPANSION:
                return found
    return found


class SegmentRun:
    """One query on one segment: document sets and, when ranking, scores."""

    def __init__(self, reader: Any, data: SegmentData, plan: Plan, include_internal: bool,
                 zone: ZoneInfo) -> None:
        self.reader = reader
        self.data = data
        self.plan = plan
        self.include_internal = include_internal
        self.zone = zone
        self.exact: set[int] = set()

    def run(self, node: Node) -> tuple[set[int], dict[int, float]]:
        """Documents matching `node` (deleted ones included) and their scores."""
        if isinstance(node, And):
            return self._and(node)
        if isinstance(node, Or):
            docs: set[int] = set()
            scores: dict[int, float] = {}
            for item in node.items:
                found, found_scores = self.run(item)
                docs |= found
                _add_scores(scores, found_scores)
            return docs, scores
        if isinstance(node, Not):
            found, _ = self.run(node.item)
            return set(self.data.everything - found), {}
        if isinstance(node, Word):
            return self._word(node)
        if isinstance(node, Phrase):
            return self._phrase(node)
        if isinstance(node, Exact):
            docs = self._exact(node)
            self.exact |= docs
            return docs, {}
        if isinstance(node, Filter):
            return self._filter(node, None), {}
        assert isinstance(node, Everything)
        return set(self.data.everything), {}

    def _and(self, node: And) -> tuple[set[int], dict[int, float]]:
        dates = [i for i in node.items if isinstance(i, Filter) and i.field in ("before", "after")]
        rest = [i for i in node.items if i not in dates]
        docs: set[int] | None = None
        parts: list[dict[int, float]] = []
        for item in rest:
            found, found_scores = self.run(item)
            docs = found if docs is None else docs & found
            parts.append(found_scores)
            if not docs:
                return set(), {}
        if docs is None:
            docs = set(self.data.everything)
        for item in dates:
            assert isinstance(item, Filter)
            docs = self._filter(item, docs)
        scores: dict[int, float] = {}
        if self.plan.scored:
            for part in parts:
                _add_scores(scores, {d: s for d, s in part.items() if d in docs})
        return docs, scores

    def _word(self, node: Word) -> tuple[set[int], dict[int, float]]:
        docs: set[int] = set()
        scores: dict[int, float] = {}
        for name, term, idf in self.plan.words.get(id(node), []):
            ids, weights = read_postings(self.reader, name, term, weights=self.plan.scored)
            docs.update(ids)
            if self.plan.scored:
                for docnum, w in zip(ids, weights, strict=True):
                    s = idf * w / (w + K1)
                    if s > scores.get(docnum, 0.0):
                        scores[docnum] = s
        return docs, scores

    def _phrase(self, node: Phrase) -> tuple[set[int], dict[int, float]]:
        docs: set[int] = set()
        for name in _text_fields(self.include_internal, "phrase"):
            terms = [w.encode() for w in node.words]
            candidates: set[int] | None = None
            for term in terms:
                ids, _ = read_postings(self.reader, name, term)
                candidates = set(ids) if candidates is None else candidates & set(ids)
                if not candidates:
                    break
            if candidates:
                docs |= _positions_follow(self.reader, name, terms, candidates)
        weight = 2.0 * len(node.words)
        return docs, dict.fromkeys(docs, weight) if self.plan.scored else {}

    def _exact(self, node: Exact) -> set[int]:
        docs: set[int] = set()
        if node.reference:
            docs.update(read_postings(self.reader, "ref", node.reference.encode())[0])
        if node.order:
            docs.update(read_postings(self.reader, "order", node.order.encode())[0])
        return docs

    def _filter(self, node: Filter, within: set[int] | None) -> set[int]:
        data = self.data
        if node.field in ("category", "status"):
            sets = data.category if node.field == "category" else data.status
            found: set[int] = set()
            for key in node.values:
                found |= sets.get(key, frozenset())
            return found
        if node.field in ("ref", "order", "email"):
            return self._term_filter(node)
        day = date.fromisoformat(node.values[0])
        received = data.received
        pool = within if within is not None else data.everything
        if node.field == "before":
            limit = epoch(day_start(day, self.zone))
            return {d for d in pool if received[d] < limit}
        start = epoch(day_after_start(day, self.zone))
        return {d for d in pool if received[d] >= start}

    def _term_filter(self, node: Filter) -> set[int]:
        value = node.values[0]
        if node.field == "email" and value.endswith("*"):
            found: set[int] = set()
            for term in self.reader.expand_prefix("email", value[:-1]):
                found.update(read_postings(self.reader, "email", term)[0])
            return found
        return set(read_postings(self.reader, node.field, value.encode())[0])


def _add_scores(into: dict[int, float], more: dict[int, float]) -> None:
    get = into.get
    for docnum, score in more.items():
        into[docnum] = get(docnum, 0.0) + score


def _positions_follow(reader: Any, name: str, terms: list[bytes], candidates: set[int]) -> set[int]:
    """Candidates where the terms appear one right after the other."""
    positions = [read_positions(reader, name, term, candidates) for term in terms]
    found: set[int] = set()
    for docnum in candidates:
        starts = set(positions[0].get(docnum, ()))
        for offset, table in enumerate(positions[1:], 1):
            starts &= {p - offset for p in table.get(docnum, ())}
            if not starts:
                break
        if starts:
            found.add(docnum)
    return found


def inbox_filter(data: SegmentData, docs: set[int], query: InboxQuery) -> set[int]:
    """Apply the assignee and due-date filters of the inbox."""
    if query.unassigned:
        docs &= data.assigned_to(0)
    if query.assignee_id is not None:
        docs &= data.assigned_to(query.assignee_id)
    limits = []
    if query.due_on_or_before is not None:
        limits.append(_day_int(query.due_on_or_before, 1))
    if query.due_before is not None:
        limits.append(_day_int(query.due_before, 0))
    if limits:
        due_key, limit = data.due_key, min(limits)
        docs = {d for d in docs if due_key[d] < limit}
    return docs


def _day_int(day: date, plus: int) -> int:
    """A due-key bound: documents with due_key below it are due before `day` + `plus` days."""
    return (int(day.strftime("%Y%m%d")) + plus) * DUE_SHIFT


def _keyed(
    data: SegmentData, docs: set[int], sort: str, scores: dict[int, float], n: int
) -> list[tuple[float, int]]:
    """The best `n` documents of a segment as (sort value, complaint id); larger is better."""
    cid = data.cid
    if sort == "relevance":
        received = data.received
        keys = {d: scores.get(d, 0.0) + received[d] * RECENCY for d in docs}
        best = heapq.nlargest(n, keys, key=keys.__getitem__)
        return [(keys[d], cid[d]) for d in best]
    if sort == "newest":
        best = heapq.nlargest(n, docs, key=data.received.__getitem__)
        return [(data.received[d], cid[d]) for d in best]
    column = data.received if sort == "oldest" else data.due_key
    best = heapq.nsmallest(n, docs, key=column.__getitem__)
    return [(-column[d], cid[d]) for d in best]


def rank(searcher: Any, cache: SegmentCache, node: Node, query: InboxQuery,
         include_internal: bool, zone: ZoneInfo, need: int) -> Ranked:
    """Run `node` with the inbox filters; the first `need` complaint ids in order."""
    sort = query.sort if query.sort in ("relevance", "newest", "oldest", "due") else "relevance"
    plan = resolve(searcher, node, include_internal, scored=sort == "relevance")
    facets = empty_facets()
    total = 0
    exact: list[tuple[float, int]] = []
    others: list[tuple[float, int]] = []
    for reader, _ in searcher.reader().leaf_readers():
        data = cache.get(reader)
        run = SegmentRun(reader, data, plan, include_internal, zone)
        docs, scores = run.run(node)
        docs -= reader.deleted_docs_set if reader.has_deletions() else set()
        docs = inbox_filter(data, docs, query)
        by_category = _union(data.category, query.categories)
        by_status = _union(data.status, query.statuses)
        _count(facets["category"], docs if by_status is None else docs & by_status,
               data.category_of, CATEGORY_KEYS)
        _count(facets["status"], docs if by_category is None else docs & by_category,
               data.status_of, STATUS_KEYS)
        for wanted in (by_category, by_status):
            if wanted is not None:
                docs &= wanted
        total += len(docs)
        first = docs & run.exact
        exact.extend(_keyed(data, first, sort, scores, need))
        others.extend(_keyed(data, docs - first, sort, scores, need))
    exact.sort(reverse=True)
    others.sort(reverse=True)
    ids = [c for _, c in exact] + [c for _, c in others]
    return Ranked(ids[:need], total, facets)


def _union(sets: dict[str, frozenset[int]], keys: tuple[str, ...]) -> set[int] | None:
    if not keys:
        return None
    found: set[int] = set()
    for key in keys:
        found |= sets.get(key, frozenset())
    return found


def _count(into: dict[str, int], docs: set[int], which: Any, keys: tuple[str, ...]) -> None:
    for index, n in Counter(map(which.__getitem__, docs)).items():
        if index >= 0:
            into[keys[index]] += n
