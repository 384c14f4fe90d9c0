"""The text snippets are cut from, read for the page of results only, in two queries.

The same public and internal text as the indexed document (`documents.load_documents`),
but only as much of it as snippets look at, and without what only the index needs (filter
fields, the marker): the complaints' own fields in one query, their messages, outcomes,
file names and rating comments in one UNION ALL, every text cut to `limit` characters in
the database (a pasted log stays there).

Cutting each piece keeps the first `limit` characters of the joined text as they were: a
piece that is cut alone fills them (and a description that long fills them before any
piece it might wrongly seem to repeat).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    BindParameter,
    Connection,
    Integer,
    Select,
    bindparam,
    func,
    literal,
    null,
    select,
    union_all,
)

from ..models import Attachment, Complaint, Message, Outcome, Rating
from .documents import MAX_TEXT, public_text

#: The kinds of text piece, in the order the document has them.
_MESSAGE, _OUTCOME, _FILE, _RATING = 0, 1, 2, 3


#: The complaints' ids and how many characters of each text: parameters of the statements,
#: which are built once (building them, with an IN list, costs more than running them).
_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)
_LIMIT = bindparam("limit", type_=Integer)


def _cut(column: Any) -> Any:
    """The first `limit` characters of a text column."""
    return func.substr(column, 1, _LIMIT)


def _part(model: Any, piece: int, text: Any, kind: Any = None, internal: Any = None) -> Any:
    """One table's pieces: (complaint id, kind of piece, order, text, outcome kind, internal)."""
    return select(
        model.complaint_id.label("cid"),
        literal(piece).label("piece"),
        model.id.label("seq"),
        _cut(text).label("text"),
        (null() if kind is None else kind).label("kind"),
        (null() if internal is None else internal).label("internal"),
    ).where(model.complaint_id.in_(_IDS))


def _pieces() -> Select[Any]:
    """Every text piece of the complaints, in the document's order."""
    every = union_all(
        _part(Message, _MESSAGE, Message.body, internal=Message.internal),
        _part(Outcome, _OUTCOME, Outcome.body, kind=Outcome.kind),
        _part(Attachment, _FILE, Attachment.original_name),
        _part(Rating, _RATING, Rating.comment),
    ).subquery()
    return select(every).order_by(every.c.piece, every.c.seq)


_PIECES = _pieces()
_OWN = select(
    Complaint.id,
    _cut(Complaint.description),
    _cut(Complaint.review_reason),
    Complaint.name,
    Complaint.email,
    Complaint.order_number,
).where(Complaint.id.in_(_IDS))


def load_snippet_texts(
    conn: Connection, ids: Sequence[int], limit: int
) -> dict[int, tuple[str, str]]:
    """(public text, internal text) of the complaints with these ids that exist, each good
    for its first `limit` characters (at most MAX_TEXT)."""
    if not ids:
        return {}
    params = {"ids": list(ids), "limit": min(limit, MAX_TEXT)}
    public: dict[int, list[str]] = defaultdict(list)
    internal: dict[int, list[str]] = defaultdict(list)
    for cid, piece, _seq, text, kind, is_internal in conn.execute(_PIECES, params):
        if piece == _OUTCOME:
            public[cid].append(f"{kind.replace('_', ' ')}\n{text or ''}")
        else:
            (internal if piece == _MESSAGE and is_internal else public)[cid].append(text or "")
    found: dict[int, tuple[str, str]] = {}
    for cid, description, reason, name, email, order in conn.execute(_OWN, params):
        text = public_text(description, reason, public.get(cid, []), name, email, order)
        found[cid] = (text, "\n".join(internal.get(cid, []))[:MAX_TEXT])
    return found
