"""The Whoosh schema: lean fields filled by our own tokenizer instead of Whoosh's analyzers.

`text` holds the tokens as typed, with counts (words, and the vocabulary typos are matched
to); `stem` their English and Dutch stems where these differ from the token. A typed word
matches when any of its forms is in either field (the same rule as PostgreSQL's mixed
simple/english/dutch tsvector). "Exact phrases" read `pair`, every two adjacent tokens as
one term, so a two-word phrase costs one posting list; longer phrases intersect their
pairs and check the few candidates left against the positions in `pos`. Internal notes go
to `ntext` / `nstem` / `npair` / `npos`, searched only when the caller may see notes.
Stored fields are the complaint id and the check marker; filters and sorting use columns
and key terms.

Counts cost a fifth of positions to read (Whoosh unpickles a block's values with its
ids), which is why words and phrases no longer share one positional field. An index
built before `pair` existed (its `text` holds positions) is still searched, the
slower way, until `flask search reindex` rebuilds it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from whoosh import columns, fields, formats
from whoosh.system import pack_uint

from ..documents import SearchDocument
from ..language.text import ANALYSIS_VERSION, tokens, variants

NO_DUE = 99_991_231  # sla_due_on None sorts last, as in the inbox


def has_pairs(schema: Any) -> bool:
    """True for the current layout (pair terms); False for an index built before them."""
    return "pair" in schema


def analysis_of(schema: Any) -> int:
    """The word analysis (language.text.ANALYSIS_VERSION) an index's stems were made with:
    its schema is pickled in the index when the index is created, stamp included."""
    return int(getattr(schema["stem"], "analysis", 1)) if "stem" in schema else 1


@lru_cache(maxsize=8)
def _tokens(text: str) -> tuple[str, ...]:
    """Tokens of a document text (cached: the text and stem fields read the same text)."""
    return tuple(tokens(text))


class StemField(fields.FieldType):  # type: ignore[misc]
    """Counts of the English and Dutch stems that differ from their token; no positions."""

    #: The word analysis of the stems; a field pickled before the stamp existed reads 1 here.
    analysis = 1

    def __init__(self) -> None:
        super().__init__(formats.Frequency(), None, scorable=True, stored=False)
        self.analysis = ANALYSIS_VERSION

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        """(term, frequency, weight, encoded frequency) per stem."""
        counts: dict[str, int] = defaultdict(int)
        for token, n in Counter(_tokens(value)).items():
            for variant in variants(token)[1:]:
                counts[variant] += n
        for term, n in counts.items():
            yield term.encode("utf-8"), n, float(n), pack_uint(n)


@lru_cache(maxsize=4096)
def _one_position(pos: int) -> bytes:
    """Whoosh's encoding of a single position (most tokens occur once in a complaint)."""
    return bytes(formats.Positions().encode([pos]))


class WordField(fields.FieldType):  # type: ignore[misc]
    """The tokens as typed, with their counts."""

    def __init__(self) -> None:
        super().__init__(formats.Frequency(), None, scorable=True, stored=False)

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        """(term, frequency, weight, encoded frequency) per token."""
        for term, n in Counter(_tokens(value)).items():
            yield term.encode("utf-8"), n, float(n), pack_uint(n)


class PairField(fields.FieldType):  # type: ignore[misc]
    """Every two adjacent tokens as one term ("download link"), with counts."""

    def __init__(self) -> None:
        super().__init__(formats.Frequency(), None, scorable=False, stored=False)

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        """(term, frequency, weight, encoded frequency) per pair of adjacent tokens."""
        words = _tokens(value)
        for term, n in Counter(map(pair_term, words, words[1:])).items():
            yield term, n, float(n), pack_uint(n)


def pair_term(first: str, second: str) -> bytes:
    """The `pair` term of two adjacent tokens (tokens never hold a space)."""
    return f"{first} {second}".encode()


class TextField(fields.FieldType):  # type: ignore[misc]
    """The tokens as typed, with their positions: the `pos` fields (and `text` in an index
    built before `pair` existed)."""

    def __init__(self) -> None:
        super().__init__(formats.Positions(), None, scorable=True, stored=False)

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        """(term, frequency, weight, encoded positions) per token."""
        positions: dict[str, list[int]] = defaultdict(list)
        for pos, token in enumerate(_tokens(value)):
            positions[token].append(pos)
        encode = self.format.encode
        for term, poses in positions.items():
            if len(poses) == 1:
                yield term.encode("utf-8"), 1, 1.0, _one_position(poses[0])
            else:
                yield term.encode("utf-8"), len(poses), float(len(poses)), encode(poses)


def _number() -> fields.COLUMN:
    return fields.COLUMN(columns.NumericColumn("q", default=0))


def make_schema() -> fields.Schema:
    """The index layout (changing it needs `flask search reindex`)."""
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        marker=fields.STORED(),
        text=WordField(),
        stem=StemField(),
        pair=PairField(),
        pos=TextField(),
        ntext=WordField(),
        nstem=StemField(),
        npair=PairField(),
        npos=TextField(),
        ref=fields.ID(),
        order=fields.ID(),
        email=fields.ID(),
        category=fields.ID(),
        status=fields.ID(),
        cid=_number(),
        assignee=_number(),
        received=_number(),
        due=_number(),
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
        "text": doc.public_text,
        "stem": doc.public_text,
        "pair": doc.public_text,
        "pos": doc.public_text,
        "ref": doc.reference,
        "category": doc.category,
        "status": doc.status,
        "cid": doc.complaint_id,
        "assignee": doc.assignee_id or 0,
        "received": epoch(doc.received_at),
        "due": int(doc.sla_due_on.strftime("%Y%m%d")) if doc.sla_due_on else NO_DUE,
    }
    if doc.internal_text:
        for name in ("ntext", "nstem", "npair", "npos"):
            values[name] = doc.internal_text
    if doc.order:
        values["order"] = doc.order
    if doc.email:
        values["email"] = doc.email
    return values
