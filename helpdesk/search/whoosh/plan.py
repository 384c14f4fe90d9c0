"""Resolve a query's words against a whole Whoosh index before segments are searched:
which terms each typed word stands for (its forms, prefix or typo neighbours) and, when
ranking, how rare each term is (idf)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ..language.nodes import And, Node, Not, Or, Word
from ..language.text import is_fuzzy_match, variants
from .reads import TermMemo
from .segments import SegmentCache

MAX_EXPANSION = 400  # terms one prefix or typo may stand for


@dataclass
class Plan:
    """Leaves resolved against the whole index: which terms each stands for, and weights."""

    words: dict[int, list[tuple[str, bytes, float]]] = field(default_factory=dict)
    scored: bool = False
    #: The term dictionaries' entries read so far (the idf's, then the postings' reads).
    terms: TermMemo = field(default_factory=dict)


def fields_of(include_internal: bool, kind: str) -> tuple[str, ...]:
    """The public field of a kind ("text" or "stem"), and the notes' one when allowed."""
    return (kind, "n" + kind) if include_internal else (kind,)


def resolve(
    searcher: Any, cache: SegmentCache, node: Node, include_internal: bool, scored: bool
) -> Plan:
    """Expand every Word leaf into (field, term, idf) triples using the whole index."""
    plan = Plan(scored=scored)
    reader = searcher.reader()
    total = max(searcher.doc_count_all(), 1)
    names = fields_of(include_internal, "text") + fields_of(include_internal, "stem")

    def visit(item: Node) -> None:
        """Walk the tree, collecting from the leaves."""
        if isinstance(item, And | Or):
            for child in item.items:
                visit(child)
        elif isinstance(item, Not):
            visit(item.item)
        elif isinstance(item, Word):
            triples = []
            near: set[str] = set()
            if item.fuzzy and not item.prefix:
                near = vocabulary_near(reader, cache, item.word, item.fuzzy, include_internal)
            for name in names:
                for term in _word_terms(reader, name, item, near):
                    df = cache.reads.doc_frequency(reader, name, term, plan.terms) if scored else 0
                    if scored and not df:
                        continue
                    idf = math.log(1 + (total - df + 0.5) / (df + 0.5)) if scored else 0.0
                    triples.append((name, term, idf))
            plan.words[id(item)] = triples

    visit(node)
    return plan


def _word_terms(reader: Any, name: str, word: Word, near: set[str]) -> list[bytes]:
    """The terms of field `name` a typed word stands for: its forms, prefix or typo kin."""
    if word.prefix:
        found: list[bytes] = []
        for term in reader.expand_prefix(name, word.word):
            found.append(term)
            if len(found) >= MAX_EXPANSION:
                break
        return found
    terms = {v.encode() for v in variants(word.word)}
    terms.update(w.encode() for w in near)
    return sorted(terms)


def vocabulary_near(
    reader: Any, cache: SegmentCache, word: str, edits: int, include_internal: bool
) -> set[str]:
    """Indexed tokens within `edits` edits of `word` that share its first letter. Each
    segment's vocabulary is read once and kept by first letter and length (Whoosh's
    `terms_within` walks every term of that letter, about 36 ms a word at 100,000
    complaints, whose order and tracking numbers are most of the vocabulary)."""
    found: set[str] = set()
    checked: set[str] = set()  # segments share most of their vocabulary
    # Each letter of a candidate that `word` lacks costs an edit: a cheap test (in C) that
    # drops most candidates, such as tracking numbers starting with the same letter.
    foreign = str.maketrans("", "", word)
    for leaf, _ in reader.leaf_readers():
        if leaf.segment() is None or not leaf.doc_count_all():
            continue
        data = cache.get(leaf)
        for name in fields_of(include_internal, "text"):
            for candidate in data.words_like(leaf, name, word, edits):
                if candidate in checked:
                    continue
                checked.add(candidate)
                if len(candidate.translate(foreign)) > edits:
                    continue
                if is_fuzzy_match(candidate, word, edits):
                    found.add(candidate)
                    if len(found) >= MAX_EXPANSION:
                        return found
    return found
