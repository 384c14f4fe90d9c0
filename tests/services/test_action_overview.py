"""services.action_overview: the corrective-actions page in its three parts, the actions a
complaint is linked to, and the complaints offered to tick for a root cause."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask import Flask

from helpdesk.models import Complaint
from helpdesk.services.action_overview import (
    Prefill,
    action_overview,
    actions_for_complaint,
    candidate_complaints,
    prefill_for,
)
from helpdesk.services.corrective_actions import ActionInput, mark_done, record_action, record_check
from helpdesk.services.root_causes import retire_root_cause
from tests.services.outcomes_support import fast_staff, new_complaint, resolved_on

NOW = datetime(2026, 6, 20, 10, tzinfo=UTC)
TODAY = date(2026, 6, 20)


@pytest.fixture
def people(app: Flask) -> dict[str, Any]:
    return {"manager": fast_staff("manager"), "agent": fast_staff("agent", name="Owner Olga")}


def _resolved(day: int, root_cause: str, agent: Any) -> Complaint:
    """A complaint received on `day` June 2026, its outcome (naming `root_cause`) a day later."""
    return resolved_on(date(2026, 6, day), root_cause, agent)


def _record(people: dict[str, Any], title: str, due: date, *refs: str) -> int:
    data = ActionInput(title=title, root_cause="packing", owner_id=people["agent"].id,
                       due_on=due, complaints=refs, check_after_days=14)  # fmt: skip
    return int(record_action(people["manager"], data, now=NOW).id)


def test_the_page_in_three_parts(people: dict[str, Any]) -> None:
    manager = people["manager"]
    late = _record(people, "Late one", date(2026, 6, 10))
    soon = _record(people, "Due soon", date(2026, 6, 25))
    waiting = _record(people, "Waiting for its check", date(2026, 6, 1))
    checked = _record(people, "Checked", date(2026, 5, 1))
    mark_done(manager, waiting, done_on=date(2026, 6, 1), now=NOW)
    mark_done(manager, checked, done_on=date(2026, 5, 2), now=NOW)
    record_check(manager, checked, worked=True, now=NOW)
    overview = action_overview(TODAY)
    assert [s.action.id for s in overview.open] == [late, soon]  # soonest due first
    assert [s.overdue for s in overview.open] == [True, False]
    assert [s.action.id for s in overview.awaiting_check] == [waiting]
    assert overview.awaiting_check[0].check_due_on == date(2026, 6, 15)
    assert [s.action.id for s in overview.checked] == [checked]
    assert (overview.overdue, overview.checks_due) == (1, 1)
    assert action_overview(date(2026, 6, 5)).checks_due == 0  # the 14 days not over yet


def test_the_actions_a_complaint_is_linked_to(people: dict[str, Any]) -> None:
    agent = people["agent"]
    one, two = _resolved(1, "packing", agent), _resolved(2, "packing", agent)
    first = _record(people, "Double-box glass", date(2026, 6, 30), one.reference)
    second = _record(people, "Train the packers", date(2026, 7, 30),
                     one.display_reference, two.reference.lower())  # fmt: skip
    assert [s.action.id for s in actions_for_complaint(one, TODAY)] == [first, second]
    linked = actions_for_complaint(two, TODAY)
    assert [s.action.id for s in linked] == [second]
    assert linked[0].references == [one.display_reference, two.display_reference]
    assert actions_for_complaint(_resolved(3, "other", agent), TODAY) == []


def test_the_complaints_offered_for_a_root_cause(people: dict[str, Any]) -> None:
    agent = people["agent"]
    older, _other, newer = (_resolved(1, "packing", agent), _resolved(2, "other", agent),
                            _resolved(3, "packing", agent))  # fmt: skip
    assert [c.id for c in candidate_complaints("packing")] == [newer.id, older.id]
    assert [c.id for c in candidate_complaints("packing", limit=1)] == [newer.id]
    assert candidate_complaints("carrier_damage") == []
    assert candidate_complaints("no_such_cause") == [] and candidate_complaints("") == []


def test_a_new_action_for_a_complaint_starts_from_its_root_cause(people: dict[str, Any]) -> None:
    resolved = _resolved(1, "packing", people["agent"])
    prefill = prefill_for(resolved.reference.lower())
    assert prefill is not None
    assert (prefill.reference, prefill.root_cause) == (resolved.display_reference, "packing")
    retire_root_cause(people["manager"], "packing")  # no longer offered: left to choose
    assert prefill_for(resolved.display_reference) == Prefill(prefill.reference, "")
    fresh = new_complaint(email="fresh@example.com")
    assert prefill_for(fresh.reference) == Prefill(fresh.display_reference, "")
    assert prefill_for("ZZZZ-ZZZZ-ZZZZ") is None and prefill_for("not a code") is None
