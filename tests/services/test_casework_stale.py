"""No lost updates: a stale form is refused when something it depends on changed, unrelated
changes are not conflicts, and the version column guards the race between read and write
(simulated with a real second connection that commits in the middle, on both databases)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from helpdesk.extensions import db
from helpdesk.models import Complaint, Message, OutboxEmail
from helpdesk.services import casework, replies
from helpdesk.services.casework import Seen, StaleEdit, check_version, seen_now
from helpdesk.services.customer import add_customer_message
from tests.services.casework_support import new_complaint

STALE = "Someone else changed this complaint while you were writing."


def count(model: Any, **where: Any) -> int:
    """Rows of `model` matching `where`."""
    return int(db.session.scalar(select(func.count()).select_from(model).filter_by(**where)))


def test_check_version(app: Flask) -> None:
    complaint = new_complaint()
    check_version(complaint, complaint.version)
    with pytest.raises(StaleEdit, match=STALE):
        check_version(complaint, complaint.version - 1)


def test_the_fingerprint_survives_the_form_and_garbage_falls_back_to_the_version(
    app: Flask,
) -> None:
    complaint = new_complaint()
    seen = seen_now(complaint)
    assert Seen.parse(seen.version, seen.encode()) == seen
    for garbage in ("", None, "a.b", "x.y.z.w", "received.-.digital.", "<script>.1.2.3"):
        assert Seen.parse(7, garbage) == 7


def test_a_reply_conflicts_with_a_new_customer_message(app: Flask, make_staff: Any) -> None:
    mia = make_staff("agent")
    complaint = new_complaint()
    seen = seen_now(complaint)
    add_customer_message(complaint, "Never mind, it works now!")
    with pytest.raises(StaleEdit):
        replies.reply(complaint, mia, "Please try another browser.", seen)
    assert count(Message, kind="reply") == 0 and count(OutboxEmail, kind="reply") == 0
    # Written again after reading the new message: accepted.
    replies.reply(complaint, mia, "Glad to hear it!", seen_now(complaint))
    assert count(Message, kind="reply") == 1


@pytest.mark.parametrize("change", ["status", "assignee", "reply"])
def test_replies_and_requests_conflict_with_status_assignee_and_thread(
    app: Flask, make_staff: Any, change: str
) -> None:
    mia, ben = make_staff("agent"), make_staff("agent")
    complaint = new_complaint()
    seen = seen_now(complaint)
    if change == "status":
        casework.acknowledge(complaint, ben, seen_now(complaint))
    elif change == "assignee":
        casework.assign(complaint, ben, ben.id, seen_now(complaint))
    else:
        replies.reply(complaint, ben, "Ben's answer.", seen_now(complaint))
    for action in (replies.reply, replies.request_information):
        with pytest.raises(StaleEdit):
            action(complaint, mia, "My answer.", seen)
    assert count(Message, staff_id=mia.id) == 0


def test_unrelated_changes_are_not_conflicts(app: Flask, make_staff: Any) -> None:
    mia, ben = make_staff("agent"), make_staff("agent")
    complaint = new_complaint()
    seen = seen_now(complaint)
    casework.change_category(complaint, ben, "billing", seen_now(complaint))
    replies.add_note(complaint, ben, "Ben's private remark.", seen_now(complaint))
    assert complaint.version != seen.version
    message = replies.reply(complaint, mia, "We are on it.", seen)
    assert message.id is not None and complaint.category == "billing"
    # A note never conflicts, whatever changed since.
    replies.add_note(complaint, mia, "Note on an old page.", seen)
    assert count(Message, kind="note") == 2


def test_assignment_and_category_conflict_only_with_their_own_change(
    app: Flask, make_staff: Any
) -> None:
    mia, ben = make_staff("agent"), make_staff("manager")
    complaint = new_complaint()
    seen = seen_now(complaint)
    casework.assign(complaint, ben, ben.id, seen_now(complaint))
    with pytest.raises(StaleEdit):
        casework.assign(complaint, mia, mia.id, seen)
    assert casework.change_category(complaint, mia, "other", seen)  # the category was untouched
    with pytest.raises(StaleEdit):
        casework.change_category(complaint, mia, "billing", seen)
    assert complaint.assignee == ben and complaint.category == "other"


def test_a_bare_version_is_compared_strictly(app: Flask, make_staff: Any) -> None:
    mia = make_staff("agent")
    complaint = new_complaint()
    old = complaint.version
    replies.add_note(complaint, mia, "First.", old)
    with pytest.raises(StaleEdit):
        replies.reply(complaint, mia, "Reply on an old version.", old)
    replies.reply(complaint, mia, "Reply on the current version.", complaint.version)


# --- the race between reading and writing ------------------------------------------------


def _meanwhile(complaint_id: int, **values: Any) -> Callable[..., None]:
    """Before our flush, another connection commits a change to the complaint row."""

    def change(session: Session, context: Any, instances: Any) -> None:
        with db.engine.connect() as other:
            other.execute(
                update(Complaint)
                .where(Complaint.id == complaint_id)
                .values(version=Complaint.version + 1, **values)
            )
            other.commit()

    return change


def test_a_relevant_change_in_the_race_is_a_conflict(any_app: Flask, make_staff: Any) -> None:
    mia = make_staff("agent")
    complaint = new_complaint()
    seen = seen_now(complaint)
    event.listen(
        db.session(), "before_flush", _meanwhile(complaint.id, status="acknowledged"), once=True
    )
    with pytest.raises(StaleEdit):
        replies.reply(complaint, mia, "We are on it.", seen)
    db.session.expire_all()
    assert count(Message, kind="reply") == 0 and count(OutboxEmail, kind="reply") == 0
    assert db.session.get(Complaint, complaint.id).status == "acknowledged"


def test_an_unrelated_change_in_the_race_is_retried(any_app: Flask, make_staff: Any) -> None:
    mia = make_staff("agent")
    complaint = new_complaint(category="digital")
    seen = seen_now(complaint)
    event.listen(
        db.session(), "before_flush", _meanwhile(complaint.id, category="billing"), once=True
    )
    message = replies.reply(complaint, mia, "We are on it.", seen)
    db.session.expire_all()
    stored = db.session.get(Complaint, complaint.id)
    assert stored.category == "billing"  # the other writer's change is kept, not overwritten
    assert stored.status == "assessing"
    assert message.id is not None
    assert count(Message, kind="reply") == 1 and count(OutboxEmail, kind="reply") == 1
