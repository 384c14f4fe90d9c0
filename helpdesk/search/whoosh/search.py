"""Answer a parsed query from a Whoosh index: each segment's matches (matching.SegmentRun),
then the inbox filters, facets (one bincount) and the top-N choice (a partition, then a sort
of the few left) on those masks; exact reference/order hits go first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from ...domain.inbox import InboxQuery
from ..base import empty_facets
from ..language.nodes import Node
from .matching import SegmentRun
from .plan import resolve
from .segments import (
    CATEGORY_KEYS,
    DUE_SHIFT,
    STATUS_KEYS,
    Mask,
    SegmentCache,
    SegmentData,
)


@dataclass
class Ranked:
    """The outcome of one query: complaint ids in order (up to what was asked), total, facets."""

    ids: list[int]
    total: int
    facets: dict[str, dict[str, int]]


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
        keys = run.scores(found)
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
