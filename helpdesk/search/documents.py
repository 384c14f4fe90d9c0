"""What gets indexed for a complaint, read from the database in bulk (shared by the backends).

One `SearchDocument` per complaint: its public text (description, customer messages,
staff replies, outcomes, review reason, attachment names, rating comment, and the
reference, name, email and order number), its internal notes apart, the fields filters
and sorting need, and a `marker` (a hash of all of it) that `search check` compares with
what the index holds.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Row, select

from ..models import Attachment, Complaint, Message, Outcome, Rating
from .base import CheckReport
from .language.terms import normalise_order

#: Text beyond this (pasted logs, say) is not indexed; tsvectors have a 1 MB limit.
MAX_TEXT = 200_000


@dataclass(frozen=True)
class SearchDocument:
    """Everything a backend stores about one complaint."""

    complaint_id: int
    reference: str
    order: str
    email: str
    category: str
    status: str
    assignee_id: int | None
    received_at: datetime
    sla_due_on: date | None
    public_text: str
    internal_text: str
    marker: str


def _marker(parts: Iterable[object]) -> str:
    digest = hashlib.sha1(usedforsecurity=False)
    for part in parts:
        digest.update(str(part).encode("utf-8", "surrogatepass"))
        digest.update(b"\x1f")
    return digest.hexdigest()[:16]


def _texts(conn: Connection, ids: list[int]) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Public and internal text pieces per complaint id, in thread order."""
    public: dict[int, list[str]] = defaultdict(list)
    internal: dict[int, list[str]] = defaultdict(list)
    messages = select(Message.complaint_id, Message.body, Message.internal).where(
        Message.complaint_id.in_(ids)
    )
    for cid, body, is_internal in conn.execute(messages.order_by(Message.id)):
        (internal if is_internal else public)[cid].append(body or "")
    outcomes = select(Outcome.complaint_id, Outcome.kind, Outcome.body).where(
        Outcome.complaint_id.in_(ids)
    )
    for cid, kind, body in conn.execute(outcomes.order_by(Outcome.id)):
        public[cid].append(f"{kind.replace('_', ' ')}\n{body or ''}")
    files = select(Attachment.complaint_id, Attachment.original_name).where(
        Attachment.complaint_id.in_(ids)
    )
    for cid, name in conn.execute(files.order_by(Attachment.id)):
        public[cid].append(name or "")
    ratings = select(Rating.complaint_id, Rating.comment).where(Rating.complaint_id.in_(ids))
    for cid, comment in conn.execute(ratings):
        public[cid].append(comment or "")
    return public, internal


def load_documents(conn: Connection, ids: Iterable[int]) -> dict[int, SearchDocument]:
    """The documents of the complaints with these ids that exist (missing ids are absent)."""
    wanted = sorted(set(ids))
    found: dict[int, SearchDocument] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = conn.execute(_COMPLAINT_COLUMNS.where(Complaint.id.in_(chunk))).all()
        public, internal = _texts(conn, chunk)
        for row in rows:
            found[row.id] = _document(row, public.get(row.id, []), internal.get(row.id, []))
    return found


def iter_documents(
    conn: Connection, batch: int = 1000, after: int = 0, upto: int | None = None
) -> Iterator[list[SearchDocument]]:
    """Every complaint's document (ids after `after`, up to `upto`), in batches by id."""
    last = after
    while True:
        query = _COMPLAINT_COLUMNS.where(Complaint.id > last)
        if upto is not None:
            query = query.where(Complaint.id <= upto)
        query = query.order_by(Complaint.id).limit(batch)
        rows = conn.execute(query).all()
        if not rows:
            return
        ids = [row.id for row in rows]
        public, internal = _texts(conn, ids)
        yield [_document(row, public.get(row.id, []), internal.get(row.id, [])) for row in rows]
        last = ids[-1]


_COMPLAINT_COLUMNS = select(
    Complaint.id,
    Complaint.reference,
    Complaint.name,
    Complaint.email,
    Complaint.email_normalized,
    Complaint.order_number,
    Complaint.category,
    Complaint.status,
    Complaint.description,
    Complaint.review_reason,
    Complaint.assignee_id,
    Complaint.received_at,
    Complaint.sla_due_on,
)


def public_text(
    description: str | None,
    review_reason: str | None,
    pieces: list[str],
    name: str,
    email: str,
    order_number: str | None,
) -> str:
    """A complaint's public text: what people wrote (`pieces`: messages, outcomes, file
    names, the rating comment), then who and which order."""
    description = description or ""
    # The first customer message repeats the description: index it once. Who and which
    # order go last, so snippets start with what people wrote. The reference code is
    # matched exactly (any typing) rather than as words.
    body = [description, review_reason or ""]
    body += [piece for piece in pieces if piece != description]
    who = [name, email, order_number or ""]
    return "\n".join(body + who)[:MAX_TEXT]


def _document(r: Row[Any] | Any, public: list[str], internal: list[str]) -> SearchDocument:
    """Assemble one document from a complaint row (_COMPLAINT_COLUMNS) and its text pieces."""
    text = public_text(r.description, r.review_reason, public, r.name, r.email, r.order_number)
    internal_text = "\n".join(internal)[:MAX_TEXT]
    fields = (
        r.id,
        r.reference,
        normalise_order(r.order_number or ""),
        (r.email_normalized or r.email or "").lower(),
        r.category,
        r.status,
        r.assignee_id,
        r.received_at,
        r.sla_due_on,
    )
    return SearchDocument(
        *fields,
        public_text=text,
        internal_text=internal_text,
        marker=_marker((*fields, text, internal_text)),
    )


def compare_markers(conn: Connection, indexed: dict[int, str], report: CheckReport) -> None:
    """Fill `report` with what differs between the database and `indexed` (id → marker);
    `indexed` is consumed."""
    for batch in iter_documents(conn):
        for doc in batch:
            report.checked += 1
            marker = indexed.pop(doc.complaint_id, None)
            if marker is None:
                report.missing.append(doc.complaint_id)
            elif marker != doc.marker:
                report.stale.append(doc.complaint_id)
    report.extra = sorted(indexed)
