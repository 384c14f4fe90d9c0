"""Casework actions on a real database: acknowledge, assign, change category, and every refusal.
(Replies, information requests and notes: test_casework_replies.py; stale edits and races:
test_casework_stale.py.)"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from helpdesk.domain.lifecycle import Status
from helpdesk.domain.sla import ClockState
from helpdesk.extensions import db
from helpdesk.models import AuditEvent, Complaint
from helpdesk.runtime.clock import acknowledgement_clock
from helpdesk.services import casework
from helpdesk.services.casework import ActionRefused, CaseworkError
from helpdesk.services.lifecycle import advance_to
from tests.services.casework_support import MONDAY, new_complaint

LATER = MONDAY + timedelta(hours=3)


def events(complaint: Complaint, action: str) -> list[AuditEvent]:
    """The complaint's audit events of one kind, oldest first."""
    query = select(AuditEvent).where(
        AuditEvent.complaint_id == complaint.id, AuditEvent.action == action
    )
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def test_acknowledge_by_hand_meets_the_acknowledgement_clock(app: Flask, make_staff: Any) -> None:
    agent = make_staff("agent")
    complaint = new_complaint()
    assert acknowledgement_clock(complaint, LATER).state == ClockState.RUNNING
    casework.acknowledge(complaint, agent, casework.seen_now(complaint), now=LATER)
    assert complaint.status == Status.ACKNOWLEDGED
    assert complaint.acknowledged_at == LATER
    assert acknowledgement_clock(complaint, LATER).state == ClockState.MET
    (event,) = events(complaint, "status_changed")
    assert (event.from_status, event.to_status) == ("received", "acknowledged")
    assert event.staff_id == agent.id and event.actor == "staff"
    assert event.detail == {"by": "hand"}


def test_acknowledge_is_refused_once_acknowledged(app: Flask, make_staff: Any) -> None:
    agent = make_staff("agent")
    complaint = new_complaint()
    casework.acknowledge(complaint, agent, casework.seen_now(complaint), now=LATER)
    with pytest.raises(ActionRefused, match="already been acknowledged"):
        casework.acknowledge(complaint, agent, casework.seen_now(complaint), now=LATER)
    assert len(events(complaint, "status_changed")) == 1


def test_an_agent_takes_a_complaint_and_hands_it_on(app: Flask, make_staff: Any) -> None:
    mia, ben = make_staff("agent", name="Mia"), make_staff("agent", name="Ben")
    complaint = new_complaint()
    assert casework.assign(complaint, mia, mia.id, casework.seen_now(complaint), now=LATER)
    assert complaint.assignee == mia
    assert casework.assign(complaint, mia, ben.id, casework.seen_now(complaint), now=LATER)
    assert complaint.assignee == ben
    first, second = events(complaint, "assigned")
    assert first.detail == {"from_id": None, "from": None, "to_id": mia.id, "to": "Mia"}
    assert second.detail["from"] == "Mia" and second.detail["to"] == "Ben"
    assert second.staff_id == mia.id


def test_only_managers_take_a_complaint_from_a_colleague(app: Flask, make_staff: Any) -> None:
    mia, ben = make_staff("agent", name="Mia"), make_staff("agent", name="Ben")
    boss = make_staff("manager", name="Boss")
    complaint = new_complaint()
    casework.assign(complaint, mia, mia.id, casework.seen_now(complaint))
    with pytest.raises(ActionRefused, match="Only a manager"):
        casework.assign(complaint, ben, ben.id, casework.seen_now(complaint))
    with pytest.raises(ActionRefused, match="Only a manager"):
        casework.assign(complaint, ben, None, casework.seen_now(complaint))
    assert complaint.assignee == mia
    assert casework.assign(complaint, boss, ben.id, casework.seen_now(complaint))
    assert complaint.assignee == ben
    assert casework.assign(complaint, ben, None, casework.seen_now(complaint))
    assert complaint.assignee is None


def test_assign_refuses_inactive_or_unknown_people_and_ignores_no_change(
    app: Flask, make_staff: Any
) -> None:
    mia, gone = make_staff("agent"), make_staff("agent")
    gone.active = False
    db.session.commit()
    complaint = new_complaint()
    for target in (gone.id, 999_999):
        with pytest.raises(CaseworkError) as refused:
            casework.assign(complaint, mia, target, casework.seen_now(complaint))
        assert refused.value.field == "assignee"
    assert casework.assign(complaint, mia, None, casework.seen_now(complaint)) is False
    assert events(complaint, "assigned") == []


def test_change_category(app: Flask, make_staff: Any) -> None:
    mia = make_staff("agent")
    complaint = new_complaint(category="digital")
    assert casework.change_category(complaint, mia, "billing", casework.seen_now(complaint))
    assert complaint.category == "billing"
    (event,) = events(complaint, "category_changed")
    assert event.detail == {"from": "digital", "to": "billing"}
    assert (
        casework.change_category(complaint, mia, "billing", casework.seen_now(complaint)) is False
    )
    with pytest.raises(CaseworkError) as refused:
        casework.change_category(complaint, mia, "weather", casework.seen_now(complaint))
    assert refused.value.field == "category"
    assert complaint.category == "billing"


def test_closed_complaints_refuse_changes(app: Flask, make_staff: Any) -> None:
    mia = make_staff("agent")
    complaint = new_complaint()
    advance_to(complaint, Status.CLOSED, now=LATER, actor="system")
    db.session.commit()
    seen = casework.seen_now(complaint)
    with pytest.raises(ActionRefused, match="closed"):
        casework.assign(complaint, mia, mia.id, seen)
    with pytest.raises(ActionRefused, match="closed"):
        casework.change_category(complaint, mia, "other", seen)
    with pytest.raises(ActionRefused):
        casework.acknowledge(complaint, mia, seen)
    assert complaint.assignee_id is None and complaint.category == "digital"


def test_deactivated_staff_cannot_act(app: Flask, make_staff: Any) -> None:
    mia = make_staff("agent")
    complaint = new_complaint()
    mia.active = False
    db.session.commit()
    with pytest.raises(ActionRefused, match="no longer active"):
        casework.acknowledge(complaint, mia, casework.seen_now(complaint))
    with pytest.raises(ActionRefused, match="no longer active"):
        casework.assign(complaint, mia, None, casework.seen_now(complaint))
    assert complaint.status == Status.RECEIVED


def test_get_case_forgives_the_typing(app: Flask) -> None:
    complaint = new_complaint()
    typed = complaint.display_reference.lower().replace("0", "o")
    assert casework.get_case(typed) == complaint
    assert casework.get_case("nonsense") is None
    assert casework.get_case("ZZZZ-ZZZZ-ZZZZ") is None
    assert db.session.scalar(select(func.count(Complaint.id))) == 1
