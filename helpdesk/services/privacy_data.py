"""What an export of a person's data holds (GDPR art. 15): data.json's content, built from
every complaint of their address and the traces tied to none, and the list of files to copy.

Internal notes are included unless the operator leaves them out. Opinions and assessments
written about a person are personal data (CJEU C-434/16 Nowak; EDPB Guidelines 01/2022 on
the right of access), and an internal note is no exception (German Federal Court of
Justice, VI ZR 576/19, 15 June 2021: "internal notes" cannot be excluded as such). Where a
note would reveal someone else's data or the shop's legal defence (GDPR art. 15(4), UAVG
art. 41), the operator decides and exports `--without-internal-notes`. Colleagues' names
and staff ids are never exported: they are the staff's personal data, not the customer's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import current_app

from ..domain.reference import format_reference
from ..files.storage import attachment_path
from ..files.uploads import safe_filename
from ..models import Complaint, OutboxEmail
from ..models.types import utcnow
from .audit_trail import stored_events
from .privacy_lookup import find_cases, hold_of, outbox_to, quarantined_from
from .raw_email import raw_email_path
from .submission import normalise_email

#: Complaint columns that say nothing about the person (form token, lock counter, staff).
_NOT_EXPORTED = frozenset({"submission_token", "version", "assignee_id"})
#: Audit details naming colleagues rather than the customer.
_STAFF_KEYS = frozenset({"from", "to", "from_id", "to_id"})
#: Audit details that repeat staff-only texts (left out with the internal notes).
_INTERNAL_KEYS = frozenset({"note", "hold_reason"})


@dataclass(frozen=True)
class Member:
    """A file to copy into the ZIP: its name there, where it is, the hash we recorded."""

    name: str
    source: Path
    recorded_sha256: str | None


@dataclass
class PersonData:
    """What an export holds: data.json's content and the files to copy."""

    email: str
    data: dict[str, Any]
    members: list[Member] = field(default_factory=list)
    complaint_ids: list[int] = field(default_factory=list)


def collect(email: str, *, internal_notes: bool = True, now: datetime | None = None) -> PersonData:
    """Everything held about this address, ready to write."""
    now = now or utcnow()
    person = PersonData(email=normalise_email(email), data={})
    cases = find_cases(email)
    outbox = outbox_to(email)
    person.complaint_ids = [c.id for c in cases]
    person.data = {
        "format": "helpdesk-personal-data/1",
        "generated_at": now.isoformat(),
        "shop": current_app.config["SHOP_NAME"],
        "email": person.email,
        "internal_notes_included": internal_notes,
        "complaints": [_case(c, outbox, person, internal_notes, now) for c in cases],
        "other_emails_to_you": [_email(e) for e in outbox if e.complaint_id is None],
        "quarantined_emails_from_you": _quarantined(person, quarantined_from(email)),
    }
    return person


def _case(
    complaint: Complaint,
    outbox: list[OutboxEmail],
    person: PersonData,
    internal_notes: bool,
    now: datetime,
) -> dict[str, Any]:
    reference = format_reference(complaint.reference)
    fields = {
        column.name: _plain(getattr(complaint, column.key))
        for column in Complaint.__table__.columns
        if column.name not in _NOT_EXPORTED
    }
    fields["reference"] = reference
    files = _files(complaint, reference, person)
    return {
        **fields,
        "messages": [_message(m, files) for m in complaint.messages if not m.internal],
        **({"internal_notes": [_message(m, files) for m in complaint.messages if m.internal]}
           if internal_notes else {}),
        "outcomes": [_outcome(o, files) for o in complaint.outcomes],
        "rating": _rating(complaint),
        "referrals": [_referral(r, internal_notes) for r in complaint.referrals],
        "files": list(files.values()),
        "original_emails": _raw_emails(complaint, reference, person),
        "emails_sent_to_you": [_email(e) for e in outbox if e.complaint_id == complaint.id],
        "history": _history(complaint, internal_notes),
        "retention": _retention(complaint, now),
    }  # fmt: skip


def _plain(value: Any) -> Any:
    """JSON-ready: dates and moments as ISO 8601."""
    return value.isoformat() if isinstance(value, date | datetime) else value


def _files(complaint: Complaint, reference: str, person: PersonData) -> dict[int, dict[str, Any]]:
    """The case's uploaded and replacement files by id, each added to the ZIP's members."""
    found: dict[int, dict[str, Any]] = {}
    for number, item in enumerate(complaint.attachments, start=1):
        name = f"files/{reference}/{number:03d}-{safe_filename(item.original_name)}"
        person.members.append(Member(name, attachment_path(item), item.sha256))
        found[item.id] = {
            "file": name,
            "original_name": item.original_name,
            "content_type": item.content_type,
            "size": item.size,
            "sha256": item.sha256,
            "uploaded_by": item.uploaded_by,
            "purpose": item.purpose,
            "created_at": _plain(item.created_at),
        }
    return found


def _message(message: Any, files: dict[int, dict[str, Any]]) -> dict[str, Any]:
    return {
        "at": _plain(message.created_at),
        "author": message.author,
        "kind": message.kind,
        "via": message.via,
        "body": message.body,
        "files": [files[a.id]["file"] for a in message.attachments if a.id in files],
    }


def _outcome(outcome: Any, files: dict[int, dict[str, Any]]) -> dict[str, Any]:
    sent = files.get(outcome.attachment_id or 0)
    return {
        "kind": outcome.kind,
        "final_response": outcome.is_final,
        "sent_at": _plain(outcome.sent_at),
        "language": outcome.language,
        "body": outcome.body,
        "details": outcome.data or {},
        "amount_cents": outcome.amount_cents,
        "file": sent["file"] if sent else None,
    }


def _rating(complaint: Complaint) -> dict[str, Any] | None:
    rating = complaint.rating
    if rating is None:
        return None
    return {"score": rating.score, "comment": rating.comment, "at": _plain(rating.created_at)}


def _referral(referral: Any, internal_notes: bool) -> dict[str, Any]:
    names = ["body", "referred_on", "body_reference", "reply_due_on", "replied_on", "decision",
             "decided_on", "complied", "complied_on", "created_at"]  # fmt: skip
    if internal_notes:
        names += ["note", "decision_note"]
    return {name: _plain(getattr(referral, name)) for name in names}


def _raw_emails(complaint: Complaint, reference: str, person: PersonData) -> list[dict[str, Any]]:
    found = []
    for number, inbound in enumerate(complaint.inbound_emails, start=1):
        name = f"emails/{reference}/{number:03d}.eml"
        person.members.append(Member(name, raw_email_path(inbound), inbound.sha256))
        found.append({"file": name, "size": inbound.size, "sha256": inbound.sha256,
                      "received_at": _plain(inbound.received_at)})  # fmt: skip
    return found


def _email(email: OutboxEmail) -> dict[str, Any]:
    names = ["kind", "to_addr", "subject", "body_text", "body_html", "language", "created_at",
             "sent_at", "failed_at"]  # fmt: skip
    return {name: _plain(getattr(email, name)) for name in names}


def _history(complaint: Complaint, internal_notes: bool) -> list[dict[str, Any]]:
    """The audit trail, without colleagues' names (and staff-only texts unless included)."""
    hidden = set(_INTERNAL_KEYS) if not internal_notes else set()
    found = []
    for event in stored_events(complaint.id):
        content = event.content
        drop = hidden | (set(_STAFF_KEYS) if content.action == "assigned" else set())
        found.append({
            "at": _plain(content.at), "actor": content.actor, "action": content.action,
            "from_status": content.from_status, "to_status": content.to_status,
            "detail": {k: v for k, v in content.detail.items() if k not in drop},
        })  # fmt: skip
    return found


def _retention(complaint: Complaint, now: datetime) -> dict[str, Any]:
    """How long the case is kept (GDPR art. 15(1)(d)), as things stand today."""
    hold = hold_of(complaint, now)
    days = current_app.config.get("RETENTION_DAYS")
    erase_after = None
    if days is not None and complaint.closed_at is not None:
        erase_after = _plain(complaint.closed_at + timedelta(days=int(days)))
    return {
        "kept_because": hold.kind if hold else None,
        "kept_at_least_until": _plain(hold.until) if hold and hold.until else None,
        "erased_after": erase_after,
    }


def _quarantined(person: PersonData, paths: list[Path]) -> list[dict[str, Any]]:
    found = []
    for number, path in enumerate(paths, start=1):
        name = f"quarantined/{number:03d}.eml"
        person.members.append(Member(name, path, None))
        found.append({"file": name, "size": path.stat().st_size})
    return found
