"""Answer a parsed query from a Whoosh index: set algebra per segment, then rank and page.

Leaves are first resolved against the whole index (prefix and typo expansion, idf), then
each segment turns the tree into a set of document numbers (and, for relevance, a score
per document: idf x saturated term frequency, summed over the matching words, with a
tiny bonus for newer complaints so ties read newest first). The inbox filters, facets and
top-N choice run on those sets; exact reference/order hits go first.
"""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

from ..domain.inbox import InboxQuery
from .base import day_after_start, day_start, empty_facets
from .nodes import And, Everything, Exact, Filter, Node, Not, Or, Phrase, Word
from .whoosh_phrase import phrase_docs
from .whoosh_plan import Plan, fields_of, resolve
from .whoosh_postings import (
    CATEGORY_KEYS,
    DUE_SHIFT,
    STATUS_KEYS,
    SegmentCache,
    SegmentData,
    read_postings,
)
from .whoosh_schema import epoch

K1 = 1.2
RECENCY = 1e-13  # seconds since 1970 x this: a tie-breaker far below any real score gap
PHRASE_WEIGHT = 2.0  # per word of a matched phrase


@dataclass
class Ranked:
    """The outcome of one query: complaint ids in order (up to what was asked), total, facets."""

    ids: list[int]
    total: int
    facets: dict[str, dict[str, int]]


class SegmentRun:
    """One query on one segment: the matching document set, and each positive leaf's
    scores (a document's score is their sum, computed for the final matches only)."""

    def __init__(
        self, reader: Any, data: SegmentData, plan: Plan, include_internal: bool, zone: ZoneInfo
    ) -> None:
        self.reader = reader
        self.data = data
        self.plan = plan
        self.include_internal = include_internal
        self.zone = zone
        self.exact: set[int] = set()
        self.leaf_scores: list[dict[int, float]] = []

    def run(self, node: Node, negated: bool = False) -> set[int]:
        """Documents matching `node` (deleted ones included)."""
        if isinstance(node, And):
            return self._and(node, negated)
        if isinstance(node, Or):
            docs: set[int] = set()
            for item in node.items:
                docs |= self.run(item, negated)
            return docs
        if isinstance(node, Not):
            return set(self.data.everything - self.run(node.item, not negated))
        if isinstance(node, Word):
            return self._word(node, negated)
        if isinstance(node, Phrase):
            return self._phrase(node, negated)
        if isinstance(node, Exact):
            docs = self._exact(node)
            if not negated:
                self.exact |= docs
            return docs
        if isinstance(node, Filter):
            return self._filter(node, None)
        assert isinstance(node, Everything)
        return set(self.data.everything)

    def _and(self, node: And, negated: bool) -> set[int]:
        dates = [i for i in node.items if isinstance(i, Filter) and i.field in ("before", "after")]
        docs: set[int] | None = None
        for item in node.items:
            if item in dates:
                continue
            found = self.run(item, negated)
            docs = found if docs is None else docs & found
            if not docs:
                return set()
        if docs is None:
            docs = set(self.data.everything)
        for item in dates:
            assert isinstance(item, Filter)
            docs = self._filter(item, docs)
        return docs

    def _word(self, node: Word, negated: bool) -> set[int]:
        lists = []
        for name, term, idf in self.plan.words.get(id(node), []):
            ids, weights = read_postings(self.reader, name, term, weights=self.plan.scored)
            if ids:
                lists.append((ids, weights, idf))
        if not (self.plan.scored and not negated):
            return set().union(*(ids for ids, _, _ in lists))
        lists.sort(key=lambda item: -len(item[0]))
        scores: dict[int, float] = {}
        for ids, weights, idf in lists:
            table = {w: idf * w / (w + K1) for w in set(weights)}
            if not scores:
                scores = dict(zip(ids, map(table.__getitem__, weights), strict=True))
                continue
            get = scores.get
            for docnum, score in zip(ids, map(table.__getitem__, weights), strict=True):
                if score > get(docnum, 0.0):
                    scores[docnum] = score
        self.leaf_scores.append(scores)
        return set(scores)

    def _phrase(self, node: Phrase, negated: bool) -> set[int]:
        docs: set[int] = set()
        terms = [w.encode() for w in node.words]
        for name in fields_of(self.include_internal, "text"):
            docs |= phrase_docs(self.reader, name, terms, docs)
        if self.plan.scored and not negated:
            self.leaf_scores.append(dict.fromkeys(docs, PHRASE_WEIGHT * len(node.words)))
        return docs

    def scores(self, docs: set[int]) -> dict[int, float]:
        """The ranking key of each document: summed leaf scores, newer first on ties."""
        received = self.data.received
        if not self.leaf_scores:
            return {d: received[d] * RECENCY for d in docs}
        if len(self.leaf_scores) == 1:
            only = self.leaf_scores[0]
            if only.keys() == docs:  # every match scored by this word alone
                return only
            return {d: only.get(d, 0.0) + received[d] * RECENCY for d in docs}
        parts = self.leaf_scores
        return {d: sum(p.get(d, 0.0) for p in parts) + received[d] * RECENCY for d in docs}

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
    data: SegmentData, docs: set[int], sort: str, run: SegmentRun, n: int
) -> list[tuple[float, int]]:
    """The best `n` documents of a segment as (sort value, complaint id); larger is better."""
    cid = data.cid
    if sort == "relevance":
        keys = run.scores(docs)
        # Equal scores keep the order given, so offer later (newer) documents first.
        best = heapq.nlargest(n, reversed(keys), key=keys.__getitem__)
        return [(keys[d], cid[d]) for d in best]
    if sort == "newest":
        best = heapq.nlargest(n, docs, key=data.received.__getitem__)
        return [(data.received[d], cid[d]) for d in best]
    # Ascending orders: on equal values the older (lower) complaint id comes first.
    column = data.received if sort == "oldest" else data.due_key
    best = heapq.nsmallest(n, docs, key=column.__getitem__)
    return [(-column[d], -cid[d]) for d in best]


def rank(
    searcher: Any,
    cache: SegmentCache,
    node: Node,
    query: InboxQuery,
    include_internal: bool,
    zone: ZoneInfo,
    need: int,
) -> Ranked:
    """Run `node` with the inbox filters; the first `need` complaint ids in order."""
    sort = query.sort if query.sort in ("relevance", "newest", "oldest", "due") else "relevance"
    plan = resolve(searcher, node, include_internal, scored=sort == "relevance")
    facets = empty_facets()
    total = 0
    exact: list[tuple[float, int]] = []
    others: list[tuple[float, int]] = []
    for reader, _ in searcher.reader().leaf_readers():
        if reader.segment() is None or not reader.doc_count_all():
            continue
        run = SegmentRun(reader, cache.get(reader), plan, include_internal, zone)
        docs = _matches(run, node, query, facets)
        total += len(docs)
        first = docs & run.exact
        exact.extend(_keyed(run.data, first, sort, run, need))
        others.extend(_keyed(run.data, docs - first, sort, run, need))
    exact.sort(reverse=True)
    others.sort(reverse=True)
    ids = [abs(c) for _, c in exact] + [abs(c) for _, c in others]
    return Ranked(ids[:need], total, facets)


def _matches(
    run: SegmentRun, node: Node, query: InboxQuery, facets: dict[str, dict[str, int]]
) -> set[int]:
    """A segment's live matches with every filter applied; counts the facets on the way
    (categories with the status filter, statuses with the category filter)."""
    data, reader = run.data, run.reader
    docs = run.run(node)
    docs -= reader.deleted_docs_set if reader.has_deletions() else set()
    docs = inbox_filter(data, docs, query)
    by_category = _union(data.category, query.categories)
    by_status = _union(data.status, query.statuses)
    in_status = docs if by_status is None else docs & by_status
    in_category = docs if by_category is None else docs & by_category
    _count(facets["category"], in_status, data.category_of, CATEGORY_KEYS)
    _count(facets["status"], in_category, data.status_of, STATUS_KEYS)
    return in_category if by_status is None else in_category & by_status


def _union(sets: dict[str, frozenset[int]], keys: tuple[str, ...]) -> set[int] | None:
    if not keys:
        return None
    found: set[int] = set()
    for key in keys:
        found |= sets.get(key, frozenset())
    return found


def _count(into: dict[str, int], docs: set[int], which: Any, keys: tuple[str, ...]) -> None:
    """Add the number of `docs` per key (`which` maps a document to its key's index)."""
    # itemgetter gathers in C; with one argument it would return a bare value.
    found = Counter(itemgetter(*docs)(which) if len(docs) > 1 else [which[d] for d in docs])
    for index, n in found.items():
        if index >= 0:
            into[keys[index]] += n
