"""What a manager types about a referral to a dispute body, and checking it: the referral's
details (and a correction of them), the decision and its note, the dates of the reply, the
decision and the compliance.

Returns the checked values ready to store, or raises InvalidInput with a message per form
field (all problems at once, so the form can show them together). services.mediation owns
who may change a referral, when, and the commit.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _

from ..domain.mediation import DECISIONS
from ..domain.sla import local_date
from ..models import Complaint, Referral
from ..runtime.clock import shop_timezone
from ..words.dates import short_day
from .outcome_errors import InvalidInput

BODY_MAX, REFERENCE_MAX, NOTE_MAX = 200, 100, 5000


def checked_details(
    complaint: Complaint,
    body: str,
    referred_on: date | None,
    body_reference: str,
    reply_due_on: date | None,
    note: str,
    today: date,
) -> dict[str, Any]:
    """The referral's details, trimmed; InvalidInput naming every bad field."""
    body, body_reference = body.strip(), body_reference.strip()
    note = _trimmed_note(note)
    errors: dict[str, str] = {}
    if not body or len(body) > BODY_MAX:
        errors["body"] = _("Name the dispute body (at most %(count)d characters).", count=BODY_MAX)
    received = local_date(complaint.received_at, shop_timezone())
    errors.update(day_errors("referred_on", referred_on, received, today))
    if len(body_reference) > REFERENCE_MAX:
        errors["body_reference"] = _("At most %(count)d characters.", count=REFERENCE_MAX)
    if reply_due_on is not None and referred_on is not None and reply_due_on < referred_on:
        errors["reply_due_on"] = _("The reply cannot be due before the referral.")
    if len(note) > NOTE_MAX:
        errors["note"] = _("At most %(count)d characters.", count=NOTE_MAX)
    _raise_any(errors)
    return {"body": body, "referred_on": referred_on, "body_reference": body_reference,
            "reply_due_on": reply_due_on, "note": note}  # fmt: skip


def check_correction(referral: Referral, values: dict[str, Any]) -> None:
    """InvalidInput unless corrected details (from checked_details) keep a reply deadline and
    the referral before the reply and the decision already recorded."""
    if values["reply_due_on"] is None:
        raise InvalidInput({"reply_due_on": _("Enter the date our reply is due.")})
    later = [d for d in (referral.replied_on, referral.decided_on) if d is not None]
    if later and min(later) < values["referred_on"]:
        message = _("The referral cannot be after the reply or the decision (%(date)s).",
                    date=short_day(min(later)))  # fmt: skip
        raise InvalidInput({"referred_on": message})


def checked_decision(
    decision: str | None, decided_on: date | None, note: str, earliest: date, today: date
) -> str:
    """The decision's note, trimmed; InvalidInput naming every bad field."""
    errors = day_errors("decided_on", decided_on, earliest, today)
    if decision not in DECISIONS:
        errors["decision"] = _("Choose the decision.")
    note = _trimmed_note(note)
    if len(note) > NOTE_MAX:
        errors["decision_note"] = _("At most %(count)d characters.", count=NOTE_MAX)
    _raise_any(errors)
    return note


def check_compliance(
    complied: bool | None, complied_on: date | None, decided_on: date, today: date
) -> None:
    """InvalidInput unless it is said whether the shop complied, and when (if it did)."""
    if complied is None:
        _raise_any({"complied": _("Say whether the shop carried out the decision.")})
    elif complied:
        check_day("complied_on", complied_on, decided_on, today)


def check_day(field: str, day: date | None, earliest: date, today: date) -> None:
    """InvalidInput for `field` unless `day` is given, not in the future nor before `earliest`."""
    _raise_any(day_errors(field, day, earliest, today))


def day_errors(field: str, day: date | None, earliest: date, today: date) -> dict[str, str]:
    """An error for `field` unless `day` is given, not in the future and not before `earliest`."""
    if day is None:
        return {field: _("Enter a date (YYYY-MM-DD).")}
    if day > today:
        return {field: _("The date cannot be in the future.")}
    if day < earliest:
        return {field: _("The date cannot be before %(date)s.", date=short_day(earliest))}
    return {}


def _trimmed_note(note: str) -> str:
    return note.replace("\r\n", "\n").strip()


def _raise_any(errors: dict[str, str]) -> None:
    if errors:
        raise InvalidInput(errors)
