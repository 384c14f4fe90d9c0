"""The one SQL matcher of the query language, for the two searches no index answers: the
database fallback while the index is missing or unreadable (`fallback_search`), and the
inbox's search among complaints in mediation or with a failed email, which the backends
cannot filter (`text_condition`, used by services.inbox_sql).

The same parsed query, filters, facets and paging, answered with LIKE over the complaint's
fields, messages and outcomes. Words match as substrings of their shortest stem (so
"refunds" still finds "refund"); typo tolerance and relevance ranking are not available:
exact reference/order hits come first, then the chosen order (newest for relevance).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, exists, false, func, not_, or_, select, true

from ..domain.inbox import InboxQuery
from ..extensions import db
from ..models import Complaint, Message, Outcome
from ..models.search import SearchEntry
from .base import Hits, day_after_start, day_start, empty_facets, like_prefix
from .language.nodes import And, Everything, Exact, Filter, Node, Not, Or, Phrase, Word
from .language.parse import parse
from .language.text import variants


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like(*words: str) -> str:
    """A LIKE pattern for the words one after the other, one character apart (a space,
    a hyphen, an @: the index splits words at any of them)."""
    return "%" + "_".join(_escape(word) for word in words) + "%"


def _contains(pattern: str, include_internal: bool) -> ColumnElement[bool]:
    """Some field, message or outcome of the complaint matches the LIKE `pattern` (any
    case)."""
    message = select(Message.id).where(
        Message.complaint_id == Complaint.id, Message.body.ilike(pattern, escape="\\")
    )
    if not include_internal:
        message = message.where(Message.internal.is_(False))
    outcome = select(Outcome.id).where(
        Outcome.complaint_id == Complaint.id, Outcome.body.ilike(pattern, escape="\\")
    )
    columns = (
        Complaint.description,
        Complaint.name,
        Complaint.email,
        Complaint.order_number,
        Complaint.reference,
        Complaint.review_reason,
    )
    return or_(*(c.ilike(pattern, escape="\\") for c in columns), exists(message), exists(outcome))


def text_condition(text: str, zone: ZoneInfo, include_internal: bool = True) -> ColumnElement[bool]:
    """What staff typed, in the query language, as a SQL condition on Complaint (the
    inbox's search among the few complaints the search backends cannot filter)."""
    return condition(parse(text).node, include_internal, zone)


def condition(node: Node, include_internal: bool, zone: ZoneInfo) -> ColumnElement[bool]:
    """The parsed query as a SQL condition on Complaint."""
    if isinstance(node, And):
        return and_(*(condition(i, include_internal, zone) for i in node.items))
    if isinstance(node, Or):
        return or_(*(condition(i, include_internal, zone) for i in node.items))
    if isinstance(node, Not):
        return not_(condition(node.item, include_internal, zone))
    if isinstance(node, Word):
        stem = node.word if node.prefix else min(variants(node.word), key=len)
        return _contains(_like(stem), include_internal)
    if isinstance(node, Phrase):
        return _contains(_like(*node.words), include_internal)
    if isinstance(node, Exact):
        return _exact(node)
    if isinstance(node, Filter):
        return _filter(node, zone)
    assert isinstance(node, Everything)
    return true()


def _exact(node: Exact) -> ColumnElement[bool]:
    parts = []
    if node.reference:
        parts.append(Complaint.reference == node.reference)
    if node.order:
        parts.append(func.upper(func.trim(Complaint.order_number)) == node.order)
    if node.email:
        parts.append(Complaint.email_normalized == node.email)
    return or_(*parts) if parts else false()


def _filter(node: Filter, zone: ZoneInfo) -> ColumnElement[bool]:
    value = node.values[0]
    if node.field == "category":
        return Complaint.category.in_(node.values)
    if node.field == "status":
        return Complaint.status.in_(node.values)
    if node.field == "ref":
        return Complaint.reference == value
    if node.field == "order":
        return func.upper(func.trim(Complaint.order_number)) == value
    if node.field == "email":
        if value.endswith("*"):
            return func.lower(Complaint.email).like(like_prefix(value[:-1]), escape="\\")
        return func.lower(Complaint.email) == value
    day = date.fromisoformat(value)
    if node.field == "before":
        return Complaint.received_at < day_start(day, zone)
    return Complaint.received_at >= day_after_start(day, zone)


def inbox_conditions(
    query: InboxQuery, table: type[Complaint] | type[SearchEntry] = Complaint
) -> list[ColumnElement[bool]]:
    """The inbox filters other than category and status, on complaint or on search_document
    (the PostgreSQL backend keeps copies of the same columns there)."""
    found: list[ColumnElement[bool]] = []
    if query.unassigned:
        found.append(table.assignee_id.is_(None))
    if query.assignee_id is not None:
        found.append(table.assignee_id == query.assignee_id)
    if query.due_on_or_before is not None:
        found.append(table.sla_due_on <= query.due_on_or_before)
    if query.due_before is not None:
        found.append(table.sla_due_on < query.due_before)
    return found


def _exact_first(node: Node) -> ColumnElement[Any] | None:
    """1 for complaints matched exactly by a typed reference code, order number or email."""
    from .language.nodes import leaves

    exacts = [leaf for leaf in leaves(node) if isinstance(leaf, Exact)]
    if not exacts:
        return None
    return or_(*(_exact(e) for e in exacts))


def fallback_search(node: Node, query: InboxQuery, include_internal: bool, zone: ZoneInfo) -> Hits:
    """Answer from the database alone (slow, but never failing for a broken index)."""
    where = [condition(node, include_internal, zone), *inbox_conditions(query)]
    by_category = Complaint.category.in_(query.categories) if query.categories else true()
    by_status = Complaint.status.in_(query.statuses) if query.statuses else true()
    facets = empty_facets()
    session = db.session
    for column, cross in ((Complaint.category, by_status), (Complaint.status, by_category)):
        rows = session.execute(
            select(column, func.count()).where(*where, cross).group_by(column)
        ).all()
        name = "category" if column is Complaint.category else "status"
        for key, n in rows:
            if key in facets[name]:
                facets[name][key] = n
    matches = [*where, by_category, by_status]
    total = session.scalar(select(func.count()).select_from(Complaint).where(*matches)) or 0
    order: list[Any] = []
    first = _exact_first(node)
    if first is not None:
        order.append(first.desc())
    if query.sort == "oldest":
        order += [Complaint.received_at.asc(), Complaint.id.asc()]
    elif query.sort == "due":
        order += [Complaint.sla_due_on.is_(None), Complaint.sla_due_on, Complaint.received_at]
    else:
        order += [Complaint.received_at.desc(), Complaint.id.desc()]
    ids = session.scalars(
        select(Complaint.id)
        .where(*matches)
        .order_by(*order)
        .offset(query.offset)
        .limit(query.per_page)
    ).all()
    return Hits(list(ids), int(total), facets)
