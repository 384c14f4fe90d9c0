"""services.corrective_actions: record, mark done, record whether it worked; open, overdue and
due checks; the root cause's rate before and after; audit lines on the linked complaints."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from helpdesk.domain.reports import Period
from helpdesk.extensions import db
from helpdesk.models import AuditEvent, CorrectiveAction
from helpdesk.services.audit_trail import verify_complaint
from helpdesk.services.casefile import load_case_file
from helpdesk.services.corrective_actions import (
    ActionInput,
    action_effect,
    list_checks_due,
    list_open_actions,
    list_overdue_actions,
    mark_done,
    record_action,
    record_check,
)
from helpdesk.services.outcome_errors import InvalidInput, NotAllowed, WrongStatus
from tests.services.outcomes_support import fast_staff, resolved_on

NOW = datetime(2026, 6, 20, 10, tzinfo=UTC)
TODAY = date(2026, 6, 20)


@pytest.fixture
def people(any_app: Flask) -> dict[str, Any]:
    return {"manager": fast_staff("manager"), "agent": fast_staff("agent", name="Owner Olga")}


def _action(people: dict[str, Any], **changes: Any) -> ActionInput:
    values: dict[str, Any] = {
        "title": "Double-box fragile items",
        "root_cause": "packing",
        "owner_id": people["agent"].id,
        "due_on": date(2026, 6, 30),
        "details": "Glass and ceramics go in two boxes.",
        "complaints": (),
        "check_after_days": 14,
    }
    values.update(changes)
    return ActionInput(**values)


def test_the_lifecycle_of_an_action(people: dict[str, Any]) -> None:
    manager, agent = people["manager"], people["agent"]
    one = resolved_on(date(2026, 6, 1), "packing", agent)
    two = resolved_on(date(2026, 6, 2), "packing", agent)
    typed = [one.reference.lower(), f" {two.display_reference} ", one.display_reference]
    action = record_action(manager, _action(people, complaints=typed), now=NOW)
    assert (action.status, action.owner.name, action.root_cause.key) == ("open", "Owner Olga",
                                                                         "packing")  # fmt: skip
    assert [c.id for c in action.complaints] == [one.id, two.id]  # each once
    assert [s.action.id for s in list_open_actions(TODAY)] == [action.id]
    assert list_overdue_actions(TODAY) == []
    assert [s.action.id for s in list_overdue_actions(date(2026, 7, 1))] == [action.id]
    summary = list_open_actions(TODAY)[0]
    assert summary.references == [one.display_reference, two.display_reference]

    with pytest.raises(WrongStatus, match="Mark the action as done"):
        record_check(manager, action.id, worked=True, now=NOW)
    mark_done(manager, action.id, done_on=date(2026, 6, 19), now=NOW)
    assert (action.status, action.done_on, action.done_by_id) == ("done", date(2026, 6, 19),
                                                                  manager.id)  # fmt: skip
    with pytest.raises(WrongStatus, match="done already"):
        mark_done(manager, action.id, now=NOW)
    assert list_open_actions(TODAY) == [] and list_checks_due(TODAY) == []
    due = list_checks_due(date(2026, 7, 3))  # 19 June + 14 days
    assert [s.action.id for s in due] == [action.id] and due[0].check_due_on == date(2026, 7, 3)

    later = datetime(2026, 7, 3, 9, tzinfo=UTC)
    record_check(manager, action.id, worked=False, note="  Still broken glass.\r\n", now=later)
    assert (action.result, action.result_note, action.checked_on) == (
        "did_not_work", "Still broken glass.", date(2026, 7, 3))  # fmt: skip
    assert list_checks_due(date(2026, 7, 10)) == []

    for complaint in (one, two):
        actions = list(db.session.scalars(
            select(AuditEvent.action).filter_by(complaint_id=complaint.id)
            .where(AuditEvent.action.like("corrective_action_%")).order_by(AuditEvent.id)
        ))  # fmt: skip
        assert actions == ["corrective_action_recorded", "corrective_action_done",
                           "corrective_action_checked"]  # fmt: skip
        assert verify_complaint(complaint) == []  # the chain stays intact
    # The customer's case file (the deadlock notice's attachment) leaves them out.
    internal = load_case_file(one.reference, internal=True)
    customer = load_case_file(one.reference, internal=False)
    assert internal is not None and customer is not None
    assert sum(e.action.startswith("corrective_action") for e in internal.events) == 3
    assert not any(e.action.startswith("corrective_action") for e in customer.events)


def test_bad_input_names_each_field_and_stores_nothing(people: dict[str, Any]) -> None:
    manager = people["manager"]
    bad = _action(people, title=" ", root_cause="weather", owner_id=None, due_on=None,
                  complaints=["ZZZZ-ZZZZ-ZZZZ", "not a code"], check_after_days=0,
                  details="x" * 5001)  # fmt: skip
    with pytest.raises(InvalidInput) as refused:
        record_action(manager, bad, now=NOW)
    assert refused.value.errors == {
        "title": "Say what will be done.",
        "details": "At most 5000 characters.",
        "root_cause": "Choose the root cause this action answers.",
        "owner": "Choose who carries the action out.",
        "due_on": "Enter the date it is due, as YYYY-MM-DD.",
        "check_after_days": "Check after 1 to 730 days.",
        "complaints": "No complaint has this reference code: not a code, ZZZZ-ZZZZ-ZZZZ.",
    }
    assert db.session.scalars(select(CorrectiveAction)).first() is None
    with pytest.raises(NotAllowed):
        record_action(people["agent"], _action(people), now=NOW)
    action = record_action(manager, _action(people), now=NOW)
    with pytest.raises(InvalidInput, match="Please correct"):
        mark_done(manager, action.id, done_on=date(2026, 6, 21), now=NOW)  # tomorrow
    with pytest.raises(NotAllowed):
        mark_done(people["agent"], action.id, now=NOW)
    with pytest.raises(LookupError):
        mark_done(manager, action.id + 1, now=NOW)


def test_the_root_cause_rate_before_and_after(people: dict[str, Any]) -> None:
    agent, manager = people["agent"], people["manager"]
    # Before (18-31 May): packing, packing, other. After (1-14 June): packing, other x3.
    for day, cause in ((18, "packing"), (25, "packing"), (29, "other")):
        resolved_on(date(2026, 5, day), cause, agent)
    for day, cause in ((2, "packing"), (3, "other"), (8, "other"), (12, "other")):
        resolved_on(date(2026, 6, day), cause, agent)
    resolved_on(date(2026, 6, 15), "packing", agent)  # after the window: not counted
    action = record_action(manager, _action(people), now=NOW)
    assert action_effect(action, TODAY) is None  # not done yet
    mark_done(manager, action.id, done_on=date(2026, 6, 1), now=NOW)
    effect = action_effect(action, TODAY)
    assert effect is not None
    assert effect.before == Period(date(2026, 5, 18), date(2026, 5, 31))
    assert effect.after == Period(date(2026, 6, 1), date(2026, 6, 14))
    assert (effect.before_count, effect.before_total) == (2, 3)
    assert (effect.after_count, effect.after_total) == (1, 4)
    assert effect.change == pytest.approx(1 / 4 - 2 / 3)
