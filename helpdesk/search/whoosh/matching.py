"""One parsed query on one Whoosh segment: the matching documents as a boolean mask (numpy:
AND, OR and NOT are one vector operation each) and, for relevance, a score per document:
idf x saturated term frequency, summed over the matching words, with a tiny bonus for newer
complaints so ties read newest first. Leaves come resolved against the whole index (plan:
prefix and typo expansion, idf); search.rank runs this on every segment.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from ..base import day_after_start, day_start
from ..language.nodes import And, Everything, Exact, Filter, Node, Not, Or, Phrase, Word
from .phrase import pair_phrase_docs, phrase_docs
from .plan import Plan, fields_of
from .reads import Floats, Ids, Reads
from .schema import epoch, has_pairs
from .segments import Mask, SegmentData, mask_of

K1 = 1.2
RECENCY = 1e-13  # seconds since 1970 x this: a tie-breaker far below any real score gap
PHRASE_WEIGHT = 2.0  # per word of a matched phrase


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
            ids, weights = self.reads.postings(
                self.reader, name, term, weights=scored, memo=self.plan.terms
            )
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

    def scores(self, found: Ids) -> Floats:
        """The ranking keys of the documents `found` (their numbers in the segment): summed
        leaf scores, newer first on ties. Worked out for those documents only, not for the
        whole segment (a search page ranks a few thousand of its 50,000)."""
        total: Floats = self.data.received[found].astype(np.float64) * RECENCY
        for part in self.leaf_scores:
            total += part[found]
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
