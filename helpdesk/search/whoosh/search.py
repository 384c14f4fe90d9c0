"""Answer a parsed query from a Whoosh index: mask algebra per segment, then rank and page.

Leaves are first resolved against the whole index (prefix and typo expansion, idf), then
each segment turns the tree into a boolean mask over its documents (numpy: AND, OR and
NOT are one vector operation each) and, for relevance, a score per document: idf x
saturated term frequency, summed over the matching words, with a tiny bonus for newer
complaints so ties read newest first. The inbox filters, facets (one bincount) and top-N
choice (a partition, then a sort of the few left) run on those masks; exact
reference/order hits go first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from ...domain.inbox import InboxQuery
from ..base import day_after_start, day_start, empty_facets
from ..language.nodes import And, Everything, Exact, Filter, Node, Not, Or, Phrase, Word
from .phrase import pair_phrase_docs, phrase_docs
from .plan import Plan, fields_of, resolve
from .reads import Reads
from .schema import epoch, has_pairs
from .segments import (
    CATEGORY_KEYS,
    DUE_SHIFT,
    STATUS_KEYS,
    Floats,
    Mask,
    SegmentCache,
    SegmentData,
    mask_of,
)

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
    """One query on one segment: the matching documents as a boolean mask, and each
    positive leaf's scores (a document's score is their sum)."""

    def __init__(
        self,
        reads: Reads,
        reader: Any,
        data: SegmentData,
        plan: Plan,
        include_internal: bool,
        zone: ZoneInfo,
    ) -> None:
        self.reader = reader
        self.reads = reads
        self.data = data
        self.plan = plan
        self.include_internal = include_internal
        self.zone = zone
        self.exact = data.nothing()
        self.leaf_scores: list[Floats] = []

    def run(self, node: Node, negated: bool = False) -> Mask:
        """Documents matching `node` (deleted ones included); a new mask the caller owns."""
        if isinstance(node, And):
            return self._and(node, negated)
        if isinstance(node, Or):
            docs = self.data.nothing()
            for item in node.items:
                docs |= self.run(item, negated)
            return docs
        if isinstance(node, Not):
            return ~self.run(node.item, not negated)
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
            return self._filter(node)
        assert isinstance(node, Everything)
        return self.data.everything.copy()

    def _and(self, node: And, negated: bool) -> Mask:
        docs: Mask | None = None
        for item in node.items:
            found = self.run(item, negated)
            if docs is None:
                docs = found
            else:
                docs &= found
            if not docs.any():
                return docs
        return docs if docs is not None else self.data.everything.copy()

    def _word(self, node: Word, negated: bool) -> Mask:
        scored = self.plan.scored and not negated
        size = self.data.size
        docs = self.data.nothing()
        scores: Floats | None = np.zeros(size) if scored else None
        for name, term, idf in self.plan.words.get(id(node), []):
            ids, weights = self.reads.postings(self.reader, name, term, weights=scored)
            if not len(ids):
                continue
            docs[ids] = True
            if scores is not None:
                # Saturated term frequency; a document counts the best of the word's terms
                # (ids are unique within one posting list).
                scores[ids] = np.maximum(scores[ids], idf * weights / (weights + K1))
        if scores is not None:
            self.leaf_scores.append(scores)
        return docs

    def _phrase(self, node: Phrase, negated: bool) -> Mask:
        found: set[int] = set()
        if has_pairs(self.reader.schema):
            for pairs, positions in zip(
                fields_of(self.include_internal, "pair"),
                fields_of(self.include_internal, "pos"),
                strict=True,
            ):
                found |= pair_phrase_docs(
                    self.reads, self.reader, pairs, positions, node.words, found
                )
        else:  # an index from before pair terms: positions in `text`
            terms = [w.encode() for w in node.words]
            for name in fields_of(self.include_internal, "text"):
                found |= phrase_docs(self.reads, self.reader, name, terms, found)
        docs = mask_of(self.data.size, np.fromiter(found, dtype=np.int64, count=len(found)))
        if self.plan.scored and not negated:
            self.leaf_scores.append(np.where(docs, PHRASE_WEIGHT * len(node.words), 0.0))
        return docs

    def scores(self, docs: Mask) -> Floats:
        """The ranking key of every document (meaningful where `docs` is set): summed leaf
        scores, newer first on ties."""
        total: Floats = self.data.received.astype(np.float64) * RECENCY
        for part in self.leaf_scores:
            total += part
        return total

    def _exact(self, node: Exact) -> Mask:
        docs = self.data.nothing()
        if node.reference:
            docs[self.reads.postings(self.reader, "ref", node.reference.encode())[0]] = True
        if node.order:
            docs[self.reads.postings(self.reader, "order", node.order.encode())[0]] = True
        if node.email:
            docs[self.reads.postings(self.reader, "email", node.email.encode())[0]] = True
        return docs

    def _filter(self, node: Filter) -> Mask:
        data = self.data
        if node.field in ("category", "status"):
            masks = data.category if node.field == "category" else data.status
            found = data.nothing()
            for key in node.values:
                if key in masks:
                    found |= masks[key]
            return found
        if node.field in ("ref", "order", "email"):
            return self._term_filter(node)
        day = date.fromisoformat(node.values[0])
        if node.field == "before":
            return data.received < epoch(day_start(day, self.zone))
        return data.received >= epoch(day_after_start(day, self.zone))

    def _term_filter(self, node: Filter) -> Mask:
        value = node.values[0]
        docs = self.data.nothing()
        if node.field == "email" and value.endswith("*"):
            for term in self.reader.expand_prefix("email", value[:-1]):
                docs[self.reads.postings(self.reader, "email", term)[0]] = True
            return docs
        docs[self.reads.postings(self.reader, node.field, value.encode())[0]] = True
        return docs


def inbox_filter(data: SegmentData, docs: Mask, query: InboxQuery) -> Mask:
    """Apply the assignee and due-date filters of the inbox (in place)."""
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
        docs &= data.due_key < min(limits)
    return docs


def _day_int(day: date, plus: int) -> int:
    """A due-key bound: documents with due_key below it are due before `day` + `plus` days."""
    return (int(day.strftime("%Y%m%d")) + plus) * DUE_SHIFT


def _keyed(
    data: SegmentData, docs: Mask, sort: str, run: SegmentRun, n: int
) -> list[tuple[float, int]]:
    """The best `n` documents of a segment as (sort value, complaint id), larger first;
    equal values go by complaint id (newer first, or older first for ascending orders)."""
    found = np.flatnonzero(docs)
    if not len(found) or n <= 0:
        return []
    cid = data.cid[found]
    if sort == "relevance":
        keys = run.scores(docs)[found]
    elif sort == "newest":
        keys = data.received[found].astype(np.float64)
    else:  # ascending orders: the smallest value (and on ties the older complaint) first
        column = data.received if sort == "oldest" else data.due_key
        keys, cid = -column[found].astype(np.float64), -cid
    if len(found) > n:
        cut = np.partition(keys, len(keys) - n)[len(keys) - n]
        keep = keys >= cut
        keys, cid = keys[keep], cid[keep]
    order = np.lexsort((cid, keys))[::-1][:n]
    return list(zip(keys[order].tolist(), cid[order].tolist(), strict=True))


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
    plan = resolve(searcher, cache, node, include_internal, scored=sort == "relevance")
    facets = empty_facets()
    total = 0
    exact: list[tuple[float, int]] = []
    others: list[tuple[float, int]] = []
    for reader, _ in searcher.reader().leaf_readers():
        if reader.segment() is None or not reader.doc_count_all():
            continue
        run = SegmentRun(cache.reads, reader, cache.get(reader), plan, include_internal, zone)
        docs = _matches(run, node, query, facets)
        total += int(np.count_nonzero(docs))
        first = docs & run.exact
        exact.extend(_keyed(run.data, first, sort, run, need))
        others.extend(_keyed(run.data, docs & ~first, sort, run, need))
    exact.sort(reverse=True)
    others.sort(reverse=True)
    ids = [abs(c) for _, c in exact] + [abs(c) for _, c in others]
    return Ranked(ids[:need], total, facets)


def _matches(
    run: SegmentRun, node: Node, query: InboxQuery, facets: dict[str, dict[str, int]]
) -> Mask:
    """A segment's live matches with every filter applied; counts the facets on the way
    (categories with the status filter, statuses with the category filter)."""
    data, reader = run.data, run.reader
    docs = run.run(node)
    if reader.has_deletions():
        deleted = np.fromiter(reader.deleted_docs_set, dtype=np.int64)
        docs[deleted] = False
    docs = inbox_filter(data, docs, query)
    by_category = _union(data, data.category, query.categories)
    by_status = _union(data, data.status, query.statuses)
    in_status = docs if by_status is None else docs & by_status
    in_category = docs if by_category is None else docs & by_category
    _count(facets["category"], data.category_of[in_status], CATEGORY_KEYS)
    _count(facets["status"], data.status_of[in_category], STATUS_KEYS)
    return in_category if by_status is None else in_category & by_status


def _union(data: SegmentData, masks: dict[str, Mask], keys: tuple[str, ...]) -> Mask | None:
    if not keys:
        return None
    found = data.nothing()
    for key in keys:
        if key in masks:
            found |= masks[key]
    return found


def _count(into: dict[str, int], which: npt.NDArray[np.int8], keys: tuple[str, ...]) -> None:
    """Add the number of documents per key (`which`: each document's key index plus one)."""
    counts = np.bincount(which, minlength=len(keys) + 1)
    for index, key in enumerate(keys, 1):
        into[key] += int(counts[index])
