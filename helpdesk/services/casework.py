"""Casework on one complaint: loading the case, stale-edit protection, and the small actions
(acknowledge by hand, assign, change the category). Replies, information requests and internal
notes live in services.replies; both use `run_action` so every action is one commit.

Stale edits. Every action form carries the version the page was shown with and a `Seen`
fingerprint (status, assignee, category, newest message id). An equal version means
nothing changed. A different version is only a conflict when something the action depends
on changed: a reply or an information request conflicts when the status, the assignee or
the visible thread changed (the writer may be answering something already answered, or a
case a colleague took over), an assignment when the assignee changed, a category change
when the category changed. Background changes that do not touch that — the acknowledgement
email being delivered, a colleague's internal note, a category fix while someone writes a
reply — are not conflicts: refusing them would make people retype for nothing. The
version_id_col on Complaint still guards the moment between our read and our write: a
concurrent commit raises StaleDataError, and the check runs once more on the new state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, TypeVar

from flask_babel import gettext as _
from sqlalchemy import func, inspect, select
from sqlalchemy.orm.exc import StaleDataError

from ..domain.lifecycle import Status
from ..extensions import db
from ..models import Complaint, Message, Staff
from ..models.types import utcnow
from ..words import labels
from .case_loading import get_case as get_case  # re-exported: the views load cases here
from .lifecycle import change_status, record_event

T = TypeVar("T")
Aspect = Literal["status", "assignee", "category", "messages"]


class CaseworkError(Exception):
    """A refused action; `message` is meant for people, `field` names the form field if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ActionRefused(CaseworkError):
    """The action is not allowed: wrong status, wrong role, an inactive account."""


class StaleEdit(CaseworkError):
    """The complaint changed since the form was shown (the writer keeps the draft)."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or _(
                "Someone else changed this complaint while you were writing. Your text is "
                "kept below; check the latest changes and send again."
            )
        )


def check_version(complaint: Complaint, version_seen: int) -> None:
    """Raise StaleEdit unless the complaint still has the version the form was shown with."""
    if complaint.version != version_seen:
        raise StaleEdit()


@dataclass(frozen=True)
class Seen:
    """What the writer saw: the version plus the facts conflicts are judged on."""

    version: int
    status: str = ""
    assignee_id: int | None = None
    category: str = ""
    last_message_id: int = 0

    def encode(self) -> str:
        """The form's hidden `seen` value (the version travels separately)."""
        assignee = "-" if self.assignee_id is None else str(self.assignee_id)
        return f"{self.status}.{assignee}.{self.category}.{self.last_message_id}"

    @classmethod
    def parse(cls, version: int, text: str | None) -> Seen | int:
        """Back from the form; a missing or garbled fingerprint means: compare versions only."""
        parts = (text or "").split(".")
        if len(parts) != 4 or not parts[3].isdigit():
            return version
        status, assignee, category, last = parts
        if status not in labels.STATUSES or category not in labels.CATEGORIES:
            return version
        if assignee != "-" and not assignee.isdigit():
            return version
        return cls(version, status, None if assignee == "-" else int(assignee), category, int(last))


def last_message_id(complaint: Complaint) -> int:
    """The newest message id of the complaint (0 when none)."""
    value = db.session.scalar(
        select(func.max(Message.id)).where(Message.complaint_id == complaint.id)
    )
    return int(value or 0)


def seen_now(complaint: Complaint, *, just_loaded: bool = False) -> Seen:
    """The fingerprint of the complaint as it is now (what a freshly shown form carries).

    `just_loaded`: the complaint and its messages were just read for this page and nothing
    was written since, so the newest message is taken from them instead of asked again."""
    if just_loaded and "messages" in inspect(complaint).dict:
        newest = max((m.id for m in complaint.messages), default=0)
    else:
        newest = last_message_id(complaint)
    return Seen(
        complaint.version,
        complaint.status,
        complaint.assignee_id,
        complaint.category,
        newest,
    )


def check_fresh(complaint: Complaint, seen: Seen | int, aspects: Iterable[Aspect]) -> None:
    """Raise StaleEdit when something this action depends on changed since `seen`."""
    if isinstance(seen, int):
        check_version(complaint, seen)
        return
    if complaint.version == seen.version:
        return
    for aspect in aspects:
        if aspect == "status" and complaint.status != seen.status:
            raise StaleEdit()
        if aspect == "assignee" and complaint.assignee_id != seen.assignee_id:
            raise StaleEdit()
        if aspect == "category" and complaint.category != seen.category:
            raise StaleEdit()
        if aspect == "messages" and _visible_since(complaint, seen.last_message_id):
            raise StaleEdit()


def _visible_since(complaint: Complaint, message_id: int) -> bool:
    """True when a message the customer can see was added after `message_id`."""
    newer = select(Message.id).where(
        Message.complaint_id == complaint.id,
        Message.id > message_id,
        Message.internal.is_(False),
    )
    return db.session.scalar(newer.limit(1)) is not None


def run_action(
    complaint: Complaint,
    seen: Seen | int,
    aspects: Iterable[Aspect],
    apply: Callable[[Complaint], T],
) -> T:
    """Check freshness, apply, commit; on a concurrent write, check again once and retry."""
    complaint_id = complaint.id
    wanted = tuple(aspects)
    for _attempt in range(2):
        try:
            current = db.session.get(Complaint, complaint_id, populate_existing=True)
            if current is None:
                raise ActionRefused(_("This complaint no longer exists."))
            check_fresh(current, seen, wanted)
            result = apply(current)
            db.session.commit()
            return result
        except StaleDataError:
            # Another commit won the race; the next round judges the change like any other.
            db.session.rollback()
        except Exception:
            db.session.rollback()
            raise
    raise StaleEdit()


def require_active(staff: Staff) -> None:
    """Deactivated accounts do nothing."""
    if not staff.active:
        raise ActionRefused(_("This account is no longer active."))


def refuse_if_closed(complaint: Complaint) -> None:
    """Closed complaints are history: no more changes except internal notes."""
    if complaint.status == Status.CLOSED:
        raise ActionRefused(_("This complaint is closed."))


def acknowledge(
    complaint: Complaint, staff: Staff, seen: Seen | int, *, now: datetime | None = None
) -> None:
    """Acknowledge by hand: received → acknowledged, which meets the acknowledgement clock."""
    moment = now or utcnow()

    def apply(current: Complaint) -> None:
        require_active(staff)
        if current.status != Status.RECEIVED:
            raise ActionRefused(_("This complaint has already been acknowledged."))
        change_status(
            current,
            Status.ACKNOWLEDGED,
            now=moment,
            actor="staff",
            staff=staff,
            detail={"by": "hand"},
        )

    run_action(complaint, seen, ("status",), apply)


def assign(
    complaint: Complaint,
    staff: Staff,
    assignee_id: int | None,
    seen: Seen | int,
    *,
    now: datetime | None = None,
) -> bool:
    """Assign to someone (or nobody). Returns False when nothing changed.

    Anyone may take an unassigned complaint or hand on their own; taking a complaint away
    from a colleague is a manager's decision.
    """
    moment = now or utcnow()
    target = db.session.get(Staff, assignee_id) if assignee_id is not None else None
    if assignee_id is not None and (target is None or not target.active):
        raise CaseworkError(_("Please choose an active member of staff."), field="assignee")

    def apply(current: Complaint) -> bool:
        require_active(staff)
        refuse_if_closed(current)
        if current.assignee_id == assignee_id:
            return False
        owner = current.assignee_id
        if owner not in (None, staff.id) and not staff.is_manager:
            raise ActionRefused(
                _("Only a manager can reassign a complaint that belongs to someone else.")
            )
        previous = current.assignee
        current.assignee = target
        record_event(
            current,
            "assigned",
            now=moment,
            actor="staff",
            staff=staff,
            detail={
                "from_id": owner,
                "from": previous.name if previous else None,
                "to_id": assignee_id,
                "to": target.name if target else None,
            },
        )
        return True

    return run_action(complaint, seen, ("assignee",), apply)


def change_category(
    complaint: Complaint,
    staff: Staff,
    category: str,
    seen: Seen | int,
    *,
    now: datetime | None = None,
) -> bool:
    """Change category to one of the six keys. Returns False when nothing changed."""
    moment = now or utcnow()
    if category not in labels.CATEGORIES:
        raise CaseworkError(_("Please choose one of the categories."), field="category")

    def apply(current: Complaint) -> bool:
        require_active(staff)
        refuse_if_closed(current)
        if current.category == category:
            return False
        record_event(
            current,
            "category_changed",
            now=moment,
            actor="staff",
            staff=staff,
            detail={"from": current.category, "to": category},
        )
        current.category = category
        return True

    return run_action(complaint, seen, ("category",), apply)
