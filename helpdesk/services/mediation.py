"""Referrals to a dispute body (policy clause 6): record one, correct it, record the shop's
reply, the body's decision and whether the shop carried it out; list them; the inbox's
"in mediation" condition and badges.

Managers only. Each use case is one commit with its audit event. A form carries the
referral's version: another manager's change in between is a StaleEdit, and the
version_id_col on Referral guards the moment between our read and our write. What makes
the typed values valid lives in services.mediation_checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Integer, bindparam, exists, func, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from ..domain.mediation import reply_deadline
from ..domain.sla import local_date
from ..extensions import db
from ..models import Complaint, Referral, Staff
from ..models.types import utcnow
from ..runtime.clock import business_calendar, shop_timezone
from .casework import StaleEdit
from .lifecycle import record_event
from .mediation_checks import (
    check_compliance,
    check_correction,
    check_day,
    checked_decision,
    checked_details,
)
from .outcome_errors import WrongStatus, require_manager

#: Decisions the shop may have to carry out (the others leave nothing to do).
TO_CARRY_OUT = ("upheld", "partly_upheld", "settled")


def reply_days() -> int:
    """REFERRAL_REPLY_DAYS from the settings."""
    return int(current_app.config["REFERRAL_REPLY_DAYS"])


def default_reply_due(referred_on: date) -> date:
    """The shop's reply deadline for a referral on `referred_on` (the setting, Dutch rules)."""
    return reply_deadline(referred_on, reply_days(), business_calendar())


def shop_today(now: datetime | None = None) -> date:
    """Today in the shop's time zone."""
    return local_date(now or utcnow(), shop_timezone())


def record_referral(
    complaint: Complaint,
    staff: Staff,
    *,
    body: str,
    referred_on: date | None,
    body_reference: str = "",
    reply_due_on: date | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Referral:
    """A manager records that the case went to a dispute body; the reply deadline defaults
    to REFERRAL_REPLY_DAYS after the referral. Raises NotAllowed, WrongStatus, InvalidInput."""
    require_manager(staff)
    now = now or utcnow()
    if complaint.responded_at is None:
        raise WrongStatus(_("A referral can be recorded once the customer has had our response."))
    values = checked_details(
        complaint, body, referred_on, body_reference, reply_due_on, note, shop_today(now)
    )
    if values["reply_due_on"] is None:
        values["reply_due_on"] = default_reply_due(values["referred_on"])
    referral = Referral(complaint=complaint, staff_id=staff.id, created_at=now, **values)
    with _committing():
        db.session.add(referral)
        db.session.flush()  # the referral's id, for the audit event
        record_event(complaint, "referred_to_mediation", now=now, actor="staff", staff=staff,
                     detail=_detail(referral, values))  # fmt: skip
    return referral


def update_referral(
    referral: Referral,
    staff: Staff,
    *,
    body: str,
    referred_on: date | None,
    body_reference: str,
    reply_due_on: date | None,
    note: str,
    version: int | None = None,
    now: datetime | None = None,
) -> None:
    """Correct a referral's details (the body's reference arrives later; an old referral's
    deadline was guessed). Raises NotAllowed, StaleEdit, InvalidInput."""
    now = _start_change(referral, staff, version, now)
    values = checked_details(
        referral.complaint, body, referred_on, body_reference, reply_due_on, note, shop_today(now)
    )
    check_correction(referral, values)
    for name, value in values.items():
        setattr(referral, name, value)
    _event(referral, staff, "referral_updated", now, _detail(referral, values))


def record_reply(
    referral: Referral,
    staff: Staff,
    *,
    replied_on: date | None,
    version: int | None = None,
    now: datetime | None = None,
) -> None:
    """The shop sent its reply (its defence) to the body on `replied_on`: the clock stops."""
    now = _start_change(referral, staff, version, now)
    check_day("replied_on", replied_on, referral.referred_on, shop_today(now))
    referral.replied_on = replied_on
    detail = {"replied_on": _iso(replied_on), "reply_due_on": referral.reply_due_on.isoformat()}
    _event(referral, staff, "referral_reply_recorded", now, detail)


def record_decision(
    referral: Referral,
    staff: Staff,
    *,
    decision: str | None,
    decided_on: date | None,
    note: str = "",
    version: int | None = None,
    now: datetime | None = None,
) -> None:
    """The body's decision: the referral is closed (the case leaves "in mediation")."""
    now = _start_change(referral, staff, version, now)
    note = checked_decision(decision, decided_on, note, referral.referred_on, shop_today(now))
    referral.decision, referral.decided_on, referral.decision_note = decision, decided_on, note
    if decision not in TO_CARRY_OUT:
        referral.complied, referral.complied_on = None, None
    detail = {"decision": decision, "decided_on": _iso(decided_on), "note": note}
    _event(referral, staff, "referral_decision_recorded", now, detail)


def record_compliance(
    referral: Referral,
    staff: Staff,
    *,
    complied: bool | None,
    complied_on: date | None,
    version: int | None = None,
    now: datetime | None = None,
) -> None:
    """Whether the shop carried out the decision, and when (a date only when it did)."""
    now = _start_change(referral, staff, version, now)
    if referral.decision not in TO_CARRY_OUT or referral.decided_on is None:
        raise WrongStatus(_("There is no decision for the shop to carry out."))
    check_compliance(complied, complied_on, referral.decided_on, shop_today(now))
    referral.complied = complied
    referral.complied_on = complied_on if complied else None
    detail = {"complied": complied, "complied_on": _iso(referral.complied_on)}
    _event(referral, staff, "referral_compliance_recorded", now, detail)


#: The case page's referrals, built once (the complaint's id is the parameter).
_REFERRALS = (
    select(Referral)
    .where(Referral.complaint_id == bindparam("complaint_id", type_=Integer))
    .options(joinedload(Referral.staff))
    .order_by(Referral.referred_on, Referral.id)
)


def list_referrals(complaint: Complaint) -> list[Referral]:
    """The referrals of a complaint, oldest first, with who recorded them."""
    return list(db.session.scalars(_REFERRALS, {"complaint_id": complaint.id}))


def get_referral(complaint: Complaint, referral_id: int) -> Referral | None:
    """The complaint's referral with this id (None for another complaint's)."""
    referral = db.session.get(Referral, referral_id)
    if referral is None or referral.complaint_id != complaint.id:
        return None
    return referral


#: SQL: a referral the dispute body has not decided yet ("in mediation").
OPEN_REFERRAL = Referral.decision.is_(None)


def has_open_referral() -> ColumnElement[bool]:
    """SQL: the complaint (correlated) has a referral without a decision."""
    return exists().where(Referral.complaint_id == Complaint.id, OPEN_REFERRAL)


def count_in_mediation() -> Any:
    """SQL (a scalar subquery): how many complaints are in mediation, counted from the
    referrals (ix_referral_decision), never by reading every complaint."""
    distinct = func.count(func.distinct(Referral.complaint_id))
    return select(distinct).where(OPEN_REFERRAL).scalar_subquery()


#: The inbox's question for a page of rows, built once: which have an open referral, and
#: its reply dates (the ids are the parameter).
_FLAGS = select(Referral.complaint_id, Referral.reply_due_on, Referral.replied_on).where(
    Referral.complaint_id.in_(bindparam("ids", expanding=True)), OPEN_REFERRAL
)


def mediation_flags(complaint_ids: Iterable[int], today: date) -> dict[int, bool]:
    """For the complaints with an open referral: True when a reply is overdue (one query)."""
    ids = list(complaint_ids)
    if not ids:
        return {}
    flags: dict[int, bool] = {}
    for complaint_id, due, replied in db.session.execute(_FLAGS, {"ids": ids}):
        overdue = replied is None and due < today
        flags[complaint_id] = flags.get(complaint_id, False) or overdue
    return flags


# --- versions and commits --------------------------------------------------------------------


def _start_change(
    referral: Referral, staff: Staff, version: int | None, now: datetime | None
) -> datetime:
    """The checks before any change to a referral (a manager, the version the form showed);
    the moment of the change."""
    require_manager(staff)
    now = now or utcnow()
    _check_version(referral, version)
    return now


def _check_version(referral: Referral, version: int | None) -> None:
    """StaleEdit when the form was shown with another version of the referral."""
    if version is not None and version != referral.version:
        raise StaleEdit(_stale_message())


def _stale_message() -> str:
    return str(
        _(
            "Someone else changed this referral while you were editing. What you typed is kept "
            "below; check the referral and save again."
        )
    )


def _detail(referral: Referral, values: dict[str, Any]) -> dict[str, Any]:
    """The audit detail of a referral's details (dates as ISO text)."""
    return {"referral_id": referral.id, **{k: _iso(v) if isinstance(v, date) else v
                                           for k, v in values.items()}}  # fmt: skip


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _event(
    referral: Referral, staff: Staff, action: str, now: datetime, detail: dict[str, Any]
) -> None:
    """The audit event of a change to `referral`, then the commit."""
    detail = {"referral_id": referral.id, **detail}
    with _committing():
        record_event(referral.complaint, action, now=now, actor="staff", staff=staff, detail=detail)


@contextmanager
def _committing() -> Iterator[None]:
    """Run the block (which may flush) and commit; a concurrent change of the referral or the
    complaint is a StaleEdit, with nothing saved."""
    try:
        yield
        db.session.commit()
    except StaleDataError as exc:
        db.session.rollback()
        raise StaleEdit(_stale_message()) from exc
