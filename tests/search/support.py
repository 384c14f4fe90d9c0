"""Search test helpers: complaints written straight through the ORM (one commit, so the
after-commit hook indexes them exactly as in production) and a search shortcut."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from helpdesk import search
from helpdesk.domain.inbox import InboxQuery
from helpdesk.domain.reference import generate_reference
from helpdesk.extensions import db
from helpdesk.models import Complaint, Message, Outcome, Staff

BASE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class Spec:
    """One complaint to create; `day` counts days after 2 March 2026 (received 10:00 Amsterdam)."""

    description: str
    day: int = 0
    name: str = "Jan Jansen"
    email: str = "jan@example.nl"
    order: str | None = None
    category: str = "physical"
    status: str = "received"
    messages: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    outcome: str | None = None
    assignee_id: int | None = None
    due: date | None = None
    language: str = "en"
    reference: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def add_complaints(specs: Iterable[Spec], staff: Staff | None = None) -> list[Complaint]:
    """Create the complaints (and their messages, notes, outcome) in one commit."""
    made = []
    for spec in specs:
        moment = BASE + timedelta(days=spec.day)
        complaint = Complaint(
            reference=spec.reference or generate_reference(),
            name=spec.name,
            email=spec.email,
            email_normalized=spec.email.lower(),
            order_number=spec.order,
            category=spec.category,
            description=spec.description,
            language=spec.language,
            status=spec.status,
            received_at=moment,
            ack_due_on=(moment + timedelta(days=2)).date(),
            response_due_on=(moment + timedelta(days=9)).date(),
            sla_due_on=spec.due,
            last_activity_at=moment,
            assignee_id=spec.assignee_id,
        )
        db.session.add(complaint)
        bodies = [(spec.description, False, "customer")]
        bodies += [(m, False, "staff") for m in spec.messages]
        bodies += [(n, True, "staff") for n in spec.notes]
        for body, internal, author in bodies:
            kind = "note" if internal else ("message" if author == "customer" else "reply")
            db.session.add(
                Message(
                    complaint=complaint,
                    author=author,
                    kind=kind,
                    body=body,
                    internal=internal,
                    created_at=moment,
                )
            )
        if spec.outcome:
            if staff is None:
                raise ValueError("an outcome needs a staff member")
            db.session.add(
                Outcome(
                    complaint=complaint,
                    kind="refund",
                    staff_id=staff.id,
                    language="en",
                    body=spec.outcome,
                    sent_at=moment,
                )
            )
        made.append(complaint)
    db.session.commit()
    return made


def find(text: str = "", include_internal: bool = True, **kwargs: Any) -> search.SearchPage:
    """search_inbox with an InboxQuery made of these arguments (sort defaults to relevance)."""
    kwargs.setdefault("sort", "relevance")
    return search.search_inbox(InboxQuery(text=text, **kwargs), include_internal=include_internal)


def ids_of(page: search.SearchPage) -> list[int]:
    """The complaint ids of a page, in order."""
    return list(page.complaint_ids)
