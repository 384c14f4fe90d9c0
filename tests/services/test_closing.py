"""Closing quiet cases: the rule, the service and `flask cases close-idle`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import AuditEvent, Complaint
from helpdesk.models.types import utcnow
from helpdesk.services.closing import close_idle, closing_rule, find_idle
from helpdesk.services.review import request_review, send_final_response
from tests.services.outcomes_support import fast_staff, give_refund, new_complaint, refund_input


def _days_ago(days: float) -> Any:
    return utcnow() - timedelta(days=days)


@pytest.fixture
def cases(app: Flask) -> dict[str, Complaint]:
    """One complaint in each situation that matters, with real dates relative to now."""
    agent, manager = fast_staff("agent"), fast_staff("manager")
    made: dict[str, Complaint] = {}
    # Resolved 40 days ago, quiet since: review period (30) over and idle (14) → closes.
    made["old_resolved"] = new_complaint(now=_days_ago(45))
    give_refund(made["old_resolved"], agent, now=_days_ago(40))
    # Resolved 20 days ago: idle, but the customer may still ask for a review → stays.
    made["review_possible"] = new_complaint(now=_days_ago(25))
    give_refund(made["review_possible"], agent, now=_days_ago(20))
    # Final response 15 days ago → closes.
    made["old_final"] = new_complaint(now=_days_ago(30))
    give_refund(made["old_final"], agent, now=_days_ago(25))
    request_review(made["old_final"], "The amount is not right at all.", now=_days_ago(20))
    send_final_response(
        made["old_final"],
        manager,
        refund_input(),
        seen=made["old_final"].version,
        now=_days_ago(15),
    )
    # Final response 5 days ago → stays.
    made["recent_final"] = new_complaint(now=_days_ago(12))
    give_refund(made["recent_final"], agent, now=_days_ago(10))
    request_review(made["recent_final"], "The amount is not right at all.", now=_days_ago(8))
    send_final_response(
        made["recent_final"],
        manager,
        refund_input(),
        seen=made["recent_final"].version,
        now=_days_ago(5),
    )
    # Open for 60 days: not ours to close (no outcome yet).
    made["open"] = new_complaint(now=_days_ago(60))
    return made


def test_the_rule_picks_only_quiet_resolved_and_final_cases(cases: dict[str, Complaint]) -> None:
    ids = find_idle(closing_rule(), utcnow())
    assert set(ids) == {cases["old_resolved"].id, cases["old_final"].id}


def test_days_can_be_given(cases: dict[str, Complaint]) -> None:
    ids = set(find_idle(closing_rule(days=3), utcnow()))
    # The final one from 5 days ago closes with 3 days; the resolved one from 20 days ago
    # still may be reviewed, so it stays whatever the idle days.
    assert cases["recent_final"].id in ids and cases["review_possible"].id not in ids


def test_closing_goes_through_the_lifecycle(cases: dict[str, Complaint]) -> None:
    rule = closing_rule()
    now = utcnow()
    results = dict(close_idle(find_idle(rule, now), rule, now))
    assert all(results.values())
    for key in ("old_resolved", "old_final"):
        complaint = db.session.get(Complaint, cases[key].id)
        assert complaint is not None and complaint.status == "closed" and complaint.closed_at == now
        event = complaint.events[-1]
        assert (event.action, event.to_status, event.actor) == (
            "status_changed",
            "closed",
            "system",
        )
        assert event.detail["reason"] == "idle"
    assert db.session.get(Complaint, cases["review_possible"].id).status == "resolved"


def test_a_case_that_woke_up_is_skipped(cases: dict[str, Complaint]) -> None:
    from helpdesk.services.ratings import rate_resolution

    rule = closing_rule()
    ids = find_idle(rule, utcnow())
    rate_resolution(cases["old_final"], 4, "")  # activity after the list was made
    results = dict(close_idle(ids, rule, utcnow()))
    assert results[cases["old_final"].id] is None
    assert db.session.get(Complaint, cases["old_final"].id).status == "final"


def test_the_command_dry_run_changes_nothing(
    cases: dict[str, Complaint], runner: FlaskCliRunner
) -> None:
    result = runner.invoke(args=["cases", "close-idle", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"would close {cases['old_resolved'].display_reference} (resolved)" in result.output
    assert "2 complaint(s) would be closed (dry run, nothing changed)." in result.output
    assert db.session.scalar(select(Complaint).filter_by(status="closed")) is None


def test_the_command_closes_and_prints_what_it_closed(
    cases: dict[str, Complaint], runner: FlaskCliRunner
) -> None:
    result = runner.invoke(args=["cases", "close-idle"])
    assert result.exit_code == 0, result.output
    assert f"closed {cases['old_resolved'].display_reference}" in result.output
    assert f"closed {cases['old_final'].display_reference}" in result.output
    assert "2 complaint(s) closed." in result.output
    assert "Closing" in result.stderr  # the progress bar
    again = runner.invoke(args=["cases", "close-idle"])
    assert "0 complaint(s) closed." in again.output
    closes = db.session.scalars(select(AuditEvent).filter_by(to_status="closed")).all()
    assert len(closes) == 2


def test_the_command_takes_days(cases: dict[str, Complaint], runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["cases", "close-idle", "--days", "3"])
    assert "3 complaint(s) closed." in result.output
    bad = runner.invoke(args=["cases", "close-idle", "--days", "-1"])
    assert bad.exit_code != 0


def test_a_case_in_mediation_stays_open_until_decided(
    cases: dict[str, Complaint], runner: FlaskCliRunner
) -> None:
    from helpdesk.services.mediation import record_decision, record_referral, shop_today

    manager = fast_staff("manager")
    final = cases["old_final"]  # final response 15 days ago
    rule = closing_rule()
    listed = find_idle(rule, utcnow())
    referred = _days_ago(14.9)
    referral = record_referral(final, manager, body="De Geschillencommissie",
                               referred_on=shop_today(referred), now=referred)  # fmt: skip
    # Quiet for longer than CLOSE_AFTER_DAYS (14), but the body has not decided.
    assert set(find_idle(rule, utcnow())) == {cases["old_resolved"].id}
    # Listed before the referral was recorded: checked again, and left open.
    assert final.id in listed
    assert dict(close_idle([final.id], rule, utcnow())) == {final.id: None}
    result = runner.invoke(args=["cases", "close-idle"])
    assert "1 complaint(s) closed." in result.output
    assert db.session.get(Complaint, final.id).status == "final"
    decided = _days_ago(14.5)
    record_decision(referral, manager, decision="rejected", decided_on=shop_today(decided),
                    now=decided)  # fmt: skip
    result = runner.invoke(args=["cases", "close-idle"])
    assert f"closed {final.display_reference}" in result.output
    assert db.session.get(Complaint, final.id).status == "closed"
