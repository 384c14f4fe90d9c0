"""The Whoosh schema: lean fields filled by our own tokenizer instead of Whoosh's analyzers.

Two text fields per visibility. `words` holds every variant (word, English stem, Dutch
stem) of every token with its count and no positions: plain words, prefixes and typos are
matched there. `phrase` holds the tokens as typed with their positions, for "exact
phrases" and for the typo vocabulary. Internal notes go to `nwords` / `nphrase`, searched
only when the caller may see notes. Stored fields are the complaint id and the check
marker; everything else filters and sorts from columns and term postings.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from whoosh import fields, formats

from .documents import SearchDocument
from .text import tokens, variants

NO_DUE = 99_991_231  # sla_due_on None sorts last, as in the inbox


class WordsField(fields.FieldType):  # type: ignore[misc]
    """Term frequencies of every variant of every token; no positions."""

    def __init__(self) -> None:
        super().__init__(formats.Frequency(), None, scorable=False, stored=False)

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        """(term, frequency, weight, encoded frequency) per variant."""
        counts: dict[str, int] = defaultdict(int)
        for token, n in Counter(tokens(value)).items():
            for variant in variants(token):
                counts[variant] += n
        encode = self.format.encode
        for term, n in counts.items():
            yield term.encode("utf-8"), n, float(n), encode(n)


class PhraseField(fields.FieldType):  # type: ignore[misc]
    """The tokens as typed, with positions (phrases; the vocabulary typos are matched to)."""

    def __init__(self) -> None:
        super().__init__(formats.Positions(), None, scorable=False, stored=False)

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        """(term, frequency, weight, encoded positions) per token."""
        positions: dict[str, list[int]] = defaultdict(list)
        for pos, token in enumerate(tokens(value)):
            positions[token].append(pos)
        encode = self.format.encode
        for term, poses in positions.items():
            yield term.encode("utf-8"), len(poses), float(len(poses)), encode(poses)


def make_schema() -> fields.Schema:
    """The index layout (changing it needs `flask search reindex`)."""
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        marker=fields.STORED(),
        words=WordsField(),
        phrase=PhraseField(),
        nwords=WordsField(),
        nphrase=PhraseField(),
        ref=fields.ID(),
        order=fields.ID(),
        email=fields.ID(),
        category=fields.ID(),
        status=fields.ID(),
        cid=fields.NUMERIC(numtype=int, bits=64, sortable=True, signed=False),
        assignee=fields.NUMERIC(numtype=int, bits=64, sortable=True, signed=False),
        received=fields.NUMERIC(numtype=int, bits=64, sortable=True, signed=True),
        due=fields.NUMERIC(numtype=int, bits=32, sortable=True, signed=False),
    )


def epoch(moment: datetime) -> int:
    """Seconds since 1970 (UTC) for a stored moment."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def fields_for(doc: SearchDocument) -> dict[str, Any]:
    """The field values Whoosh stores for one document."""
    values: dict[str, Any] = {
        "id": str(doc.complaint_id),
        "marker": doc.marker,
        "words": doc.public_text,
        "phrase": doc.public_text,
        "ref": doc.reference,
        "category": doc.category,
        "status": doc.status,
        "cid": doc.complaint_id,
        "assignee": doc.assignee_id or 0,
        "received": epoch(doc.received_at),
        "due": int(doc.sla_due_on.strftime("%Y%m%d")) if doc.sla_due_on else NO_DUE,
    }
    if doc.internal_text:
        values["nwords"] = values["nphrase"] = doc.internal_text
    if doc.order:
        values["order"] = doc.order
    if doc.email:
        values["email"] = doc.email
    return values
