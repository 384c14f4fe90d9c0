"""Privacy rules (GDPR): what of a case is personal, and when a case must be kept anyway.

Pure: no Flask, no SQLAlchemy; the moment and the settings are passed in.

Personal data is decided by *allow-lists* of what may stay after an erasure, so a field or
an audit detail added later is erased unless someone decides it is not personal. What stays
is what the statistics need (category, dates, status, outcome kind and amount, SLA figures,
the rating's score) and nothing that names, describes or reaches the customer.

A case is kept (a *hold*) while it is still being handled, while a dispute body has it (an
open referral), while a manager's legal hold is on it, and for LEGAL_HOLD_DAYS after the
shop's last word (the final response, else the outcome, or a dispute body's later
decision): the customer may still take the case to a dispute body (De Geschillencommissie
takes it up to 12 months after the customer complained to the shop, so a year after our
last answer covers it) and the shop must then be able to show what happened
(GDPR art. 17(3)(e): erasure does not apply to data needed for legal claims).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from .lifecycle import DONE, Status

#: The sensible default for HELPDESK_LEGAL_HOLD_DAYS: a year after the shop's last word.
DEFAULT_LEGAL_HOLD_DAYS = 365

#: Audit-detail keys that are not personal (codes, counts, dates, ids, staff assignments):
#: they stay on an erased case's events. Any other key (a tracking number, a dispute body's
#: reference, a note, a hold's reason, whatever is added later) is removed.
KEEP_DETAIL: frozenset[str] = frozenset(
    {
        # submission, acknowledgement, status changes, closing
        "channel", "reason", "by", "via", "files", "idle_days", "quiet_since", "outcome",
        # assignment (staff, not the customer) and category
        "from_id", "from", "to_id", "to",
        # outcomes and the review
        "outcome_id", "kind", "amount_cents", "full", "carrier", "file_sha256", "kept_kind",
        "first_response_due_on", "review_due_on", "root_cause",
        # ratings
        "score", "handling_score", "replaced", "with_comment",
        # referrals (the body's name is public; its reference for the case is not kept)
        "referral_id", "body", "referred_on", "reply_due_on", "replied_on", "decision",
        "decided_on", "complied", "complied_on",
        # the privacy events themselves
        "trigger", "removed", "redacted_events", "emails", "internal_notes",
    }
)  # fmt: skip

#: Outcome facts that stay (the rest, e.g. the items sent and the tracking number, go).
KEEP_OUTCOME_DATA: frozenset[str] = frozenset({"full", "carrier"})

#: The rows of a case (by table) and the text columns that stay on them after an erasure:
#: keys and codes. Every other text column of these rows is emptied, and so is every text
#: column of a table that points at a complaint and is named nowhere here.
KEEP_TEXT: Mapping[str, frozenset[str]] = {
    "complaint": frozenset({"reference", "category", "preferred_solution", "language",
                            "channel", "status", "outcome_kind"}),
    "message": frozenset({"author", "kind", "via"}),
    "outcome": frozenset({"kind", "language"}),
    "rating": frozenset(),
    "referral": frozenset({"body", "decision"}),
    "corrective_action_complaint": frozenset(),  # a link, no text
}  # fmt: skip
#: JSON columns of a case's rows reduced to their non-personal keys (others are emptied).
KEEP_JSON: Mapping[tuple[str, str], frozenset[str]] = {("outcome", "data"): KEEP_OUTCOME_DATA}
#: A case's rows that an erasure deletes, with their files: they are the person's data.
DELETE_ROWS: frozenset[str] = frozenset({"attachment", "inbound_email", "outbox_email"})
#: A case's rows left to other code: the audit trail is redacted event by event (above),
#: the search tables are rewritten by the search index's own hooks.
OTHER_ROWS: frozenset[str] = frozenset({"audit_event", "search_document", "search_queue"})

#: Why a case is kept: still being handled, in mediation, a manager's hold, or the window.
OPEN, MEDIATION, MANUAL, WINDOW = "open", "mediation", "manual", "window"


@dataclass(frozen=True)
class CaseFacts:
    """What the hold decision reads of a case."""

    status: str
    responded_at: datetime | None
    final_at: datetime | None
    legal_hold: str | None = None
    #: The dispute bodies of the case's referrals that have no decision yet.
    open_referrals: tuple[str, ...] = ()
    #: The latest day a dispute body decided on the case, if any.
    last_decided_on: date | None = None


@dataclass(frozen=True)
class Hold:
    """Why a case may not be erased now: `kind` (OPEN, MEDIATION, MANUAL, WINDOW), what it
    is about (the status, the bodies, the manager's reason) and, for WINDOW, until when."""

    kind: str
    about: str
    until: date | None = None


def last_word(facts: CaseFacts) -> datetime | None:
    """The moment the window runs from: the latest of the final response, the outcome and a
    dispute body's decision (None when the shop has not answered yet)."""
    moments = [m for m in (facts.final_at, facts.responded_at) if m is not None]
    if facts.last_decided_on is not None:
        moments.append(datetime.combine(facts.last_decided_on, time(0), tzinfo=UTC))
    return max(moments) if moments else None


def hold_for(facts: CaseFacts, now: datetime, hold_days: int) -> Hold | None:
    """Why the case must be kept now, or None when it may be erased."""
    if Status(facts.status) not in DONE:
        return Hold(OPEN, facts.status)
    if facts.open_referrals:
        return Hold(MEDIATION, ", ".join(facts.open_referrals))
    if facts.legal_hold:
        return Hold(MANUAL, facts.legal_hold)
    anchor = last_word(facts)
    if anchor is None:
        return None
    until = anchor + timedelta(days=max(hold_days, 0))
    if now < until:
        return Hold(WINDOW, anchor.date().isoformat(), until.date())
    return None


def closed_before(now: datetime, older_than_days: int) -> datetime:
    """Cases closed before this moment are due for the retention purge."""
    return now - timedelta(days=older_than_days)


def kept_detail(detail: Mapping[str, Any], keep: Collection[str] = KEEP_DETAIL) -> dict[str, Any]:
    """The part of an audit detail (or outcome data) that is not personal."""
    return {key: value for key, value in detail.items() if key in keep}


def looks_like_email(text: str) -> bool:
    """True for something that can be an address (local@domain.tld, no spaces): enough to
    refuse a typo before looking anyone up, not a full RFC 5322 check."""
    address = text.strip()
    local, at, domain = address.rpartition("@")
    if not (at and local) or any(c.isspace() for c in address):
        return False
    return "." in domain.strip(".")
