"""Corrective actions (policy clause 7; ISO 10002's "act" and "check"): a manager records what
will change so a root cause recurs less, who does it and by when, and the complaints it
answers; marks it done; and after the chosen interval records whether it worked, with the
root cause's rate before and after (domain.improvement.effect_windows) beside it.

Only managers change actions, one commit per use case. Each linked complaint's audit trail
gets a line when the action is recorded, done and checked ("corrective_action_…"), so the
case file shows what was learnt from it; the action keeps who did each step and when.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from ..domain.improvement import RateChange, effect_windows
from ..domain.reference import format_reference, normalise_reference
from ..extensions import db
from ..models import Complaint, CorrectiveAction, Staff
from ..models.types import utcnow
from . import report_counts
from .lifecycle import record_event
from .outcome_errors import InvalidInput, WrongStatus, require_manager
from .reports import shop_today
from .root_causes import find_root_cause

OPEN, DONE = "open", "done"
WORKED, DID_NOT_WORK = "worked", "did_not_work"
MAX_TITLE = 200
MAX_TEXT = 5000
DEFAULT_CHECK_DAYS = 60
MAX_CHECK_DAYS = 730
MAX_COMPLAINTS = 500


class ActionChanged(WrongStatus):
    """Someone else changed the action at the same moment."""

    default = _l("Someone else changed this corrective action just now. Reload it and try again.")


@dataclass(frozen=True)
class ActionInput:
    """What a manager fills in for a new corrective action, as typed."""

    title: str
    root_cause: str  # a root cause's key
    owner_id: int | None
    due_on: date | None
    details: str = ""
    complaints: Sequence[str] = ()  # reference codes, in any of the forms people type
    check_after_days: int | None = DEFAULT_CHECK_DAYS


def record_action(
    staff: Staff, data: ActionInput, *, now: datetime | None = None
) -> CorrectiveAction:
    """A manager records an action; raises NotAllowed or InvalidInput (per field)."""
    require_manager(staff)
    now = now or utcnow()
    errors: dict[str, str] = {}
    title, details = _text(data.title), _text(data.details)
    if not title:
        errors["title"] = _("Say what will be done.")
    elif len(title) > MAX_TITLE:
        errors["title"] = _("At most %(count)d characters.", count=MAX_TITLE)
    if len(details) > MAX_TEXT:
        errors["details"] = _("At most %(count)d characters.", count=MAX_TEXT)
    cause = find_root_cause(data.root_cause) if data.root_cause else None
    if cause is None:
        errors["root_cause"] = _("Choose the root cause this action answers.")
    owner = db.session.get(Staff, data.owner_id) if data.owner_id is not None else None
    if owner is None or not owner.active:
        errors["owner"] = _("Choose who carries the action out.")
    if data.due_on is None:
        errors["due_on"] = _("Enter the date it is due, as YYYY-MM-DD.")
    interval = data.check_after_days
    if interval is None or not 1 <= interval <= MAX_CHECK_DAYS:
        errors["check_after_days"] = _("Check after 1 to %(count)d days.", count=MAX_CHECK_DAYS)
    complaints = _complaints(data.complaints, errors)
    if errors:
        raise InvalidInput(errors)
    assert cause is not None and owner is not None and data.due_on is not None
    assert interval is not None
    action = CorrectiveAction(
        title=title, details=details, root_cause=cause, owner=owner, due_on=data.due_on,
        status=OPEN, check_after_days=interval, result_note="", created_by_id=staff.id,
        created_at=now, complaints=complaints,
    )  # fmt: skip
    db.session.add(action)
    db.session.flush()
    detail = {"action_id": action.id, "title": title, "root_cause": cause.key}
    _audit(action, "corrective_action_recorded", staff, now, detail)
    _commit()
    return action


def _text(value: str) -> str:
    """Typed text with Windows line ends and outer spaces gone."""
    return (value or "").replace("\r\n", "\n").strip()


def _complaints(typed: Sequence[str], errors: dict[str, str]) -> list[Complaint]:
    """The complaints the references name (each once); unknown ones go into `errors`."""
    codes: dict[str, str] = {}
    bad = []
    for text in typed:
        if not text.strip():
            continue
        code = normalise_reference(text)
        if code is None:
            bad.append(text.strip())
        else:
            codes.setdefault(code, text.strip())
    found = list(
        db.session.scalars(
            select(Complaint).where(Complaint.reference.in_(codes)).order_by(Complaint.id)
        )
    ) if codes else []  # fmt: skip
    known = {complaint.reference for complaint in found}
    bad += [codes[code] for code in codes if code not in known]
    if bad:
        errors["complaints"] = _(
            "No complaint has this reference code: %(codes)s.", codes=", ".join(bad)
        )
    elif len(found) > MAX_COMPLAINTS:
        errors["complaints"] = _("Link at most %(count)d complaints.", count=MAX_COMPLAINTS)
    return found


def mark_done(
    staff: Staff, action_id: int, *, done_on: date | None = None, now: datetime | None = None
) -> CorrectiveAction:
    """The action was carried out (on `done_on`, today by default); raises NotAllowed,
    LookupError, WrongStatus or InvalidInput."""
    require_manager(staff)
    now = now or utcnow()
    action = get_action(action_id)
    if action.status != OPEN:
        raise WrongStatus(_("This corrective action is done already."))
    day = done_on or shop_today(now)
    if day > shop_today(now):  # recording one done before it was written down is fine
        raise InvalidInput({"done_on": _("Enter today or a day before it.")})
    action.status, action.done_on, action.done_by_id = DONE, day, staff.id
    detail = {"action_id": action.id, "done_on": day.isoformat()}
    _audit(action, "corrective_action_done", staff, now, detail)
    _commit()
    return action


def record_check(
    staff: Staff,
    action_id: int,
    *,
    worked: bool,
    note: str = "",
    checked_on: date | None = None,
    now: datetime | None = None,
) -> CorrectiveAction:
    """Whether a done action worked, with a note; raises NotAllowed, LookupError,
    WrongStatus or InvalidInput."""
    require_manager(staff)
    now = now or utcnow()
    action = get_action(action_id)
    if action.status != DONE or action.done_on is None:
        raise WrongStatus(_("Mark the action as done before you record whether it worked."))
    text = _text(note)
    day = checked_on or shop_today(now)
    errors = {}
    if len(text) > MAX_TEXT:
        errors["note"] = _("At most %(count)d characters.", count=MAX_TEXT)
    if not action.done_on <= day <= shop_today(now):
        errors["checked_on"] = _("Enter a day from when the action was done until today.")
    if errors:
        raise InvalidInput(errors)
    action.result = WORKED if worked else DID_NOT_WORK
    action.result_note, action.checked_on, action.checked_by_id = text, day, staff.id
    detail = {"action_id": action.id, "result": action.result, "checked_on": day.isoformat()}
    _audit(action, "corrective_action_checked", staff, now, detail)
    _commit()
    return action


def _audit(
    action: CorrectiveAction, what: str, staff: Staff, now: datetime, detail: dict[str, object]
) -> None:
    """One audit line on every complaint the action answers."""
    for complaint in action.complaints:
        record_event(complaint, what, now=now, actor="staff", staff=staff, detail=dict(detail))


def _commit() -> None:
    """Commit, or ActionChanged when another change to the action (or a linked complaint)
    came first."""
    try:
        db.session.commit()
    except (StaleDataError, IntegrityError, OperationalError) as exc:
        db.session.rollback()
        raise ActionChanged from exc


# --- reading ------------------------------------------------------------------------------


def get_action(action_id: int) -> CorrectiveAction:
    """The action, else LookupError."""
    action = db.session.get(CorrectiveAction, action_id)
    if action is None:
        raise LookupError(action_id)
    return action


@dataclass(frozen=True)
class ActionSummary:
    """An action as a list shows it: whether it is overdue and when its check is due."""

    action: CorrectiveAction
    overdue: bool
    check_due_on: date | None
    check_due: bool
    references: list[str]


def summarise(action: CorrectiveAction, today: date) -> ActionSummary:
    """The list line of one action as of `today`."""
    check_due_on = None
    if action.done_on is not None:
        check_due_on = action.done_on + timedelta(days=action.check_after_days)
    return ActionSummary(
        action=action,
        overdue=action.status == OPEN and action.due_on < today,
        check_due_on=check_due_on,
        check_due=check_due_on is not None and action.result is None and check_due_on <= today,
        references=[format_reference(c.reference) for c in action.complaints],
    )


def list_actions(*, today: date | None = None, include_checked: bool = True) -> list[ActionSummary]:
    """Every action, open ones first (the soonest due first), then done ones newest first."""
    today = today or shop_today()
    query = select(CorrectiveAction).options(
        selectinload(CorrectiveAction.complaints),
        selectinload(CorrectiveAction.owner),
        selectinload(CorrectiveAction.root_cause),
    )
    actions = list(db.session.scalars(query))
    if not include_checked:
        actions = [a for a in actions if a.result is None]
    opened = sorted((a for a in actions if a.status == OPEN), key=lambda a: (a.due_on, a.id))
    done = sorted(
        (a for a in actions if a.status != OPEN),
        key=lambda a: (a.done_on or date.min, a.id),
        reverse=True,
    )
    return [summarise(action, today) for action in [*opened, *done]]


def list_open_actions(today: date | None = None) -> list[ActionSummary]:
    """The actions not done yet, the soonest due first."""
    return [s for s in list_actions(today=today) if s.action.status == OPEN]


def list_overdue_actions(today: date | None = None) -> list[ActionSummary]:
    """The open actions past their due date."""
    return [s for s in list_open_actions(today) if s.overdue]


def list_checks_due(today: date | None = None) -> list[ActionSummary]:
    """The done actions whose effectiveness check is due and not recorded yet."""
    return [s for s in list_actions(today=today, include_checked=False) if s.check_due]


def action_effect(action: CorrectiveAction, today: date | None = None) -> RateChange | None:
    """The root cause's share of the complaints given a root cause, in the interval before
    the action was done and since (None while it is not done)."""
    if action.done_on is None:
        return None
    today = today or shop_today()
    before, after = effect_windows(action.done_on, action.check_after_days, today)
    before_count, before_total = report_counts.root_cause_share(before, action.root_cause_id)
    after_count, after_total = report_counts.root_cause_share(after, action.root_cause_id)
    return RateChange(before, after, before_count, before_total, after_count, after_total)
