"""services.ratings: a 1-5 rating once an outcome was sent; changeable for 24 hours."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.models import AuditEvent, Rating
from helpdesk.services.outcome_errors import InvalidInput, WrongStatus
from helpdesk.services.ratings import AlreadyRated, can_rate, rate_resolution
from tests.services.outcomes_support import ANSWERED, fast_staff, give_refund, new_complaint


@pytest.fixture
def resolved(app: Flask) -> Any:
    complaint = new_complaint()
    give_refund(complaint, fast_staff("agent"))
    return complaint


def test_a_rating_is_stored_with_an_audit_event(resolved: Any) -> None:
    rating = rate_resolution(resolved, 5, "  Very quick, thank you!  ", now=ANSWERED)
    assert (rating.score, rating.comment, rating.created_at) == (
        5,
        "Very quick, thank you!",
        ANSWERED,
    )
    event = db.session.scalars(select(AuditEvent).filter_by(action="rated")).one()
    assert event.actor == "customer"
    assert event.detail == {"score": 5, "replaced": False, "with_comment": True}


def test_the_rating_can_be_changed_within_a_day(resolved: Any) -> None:
    rate_resolution(resolved, 2, "", now=ANSWERED)
    rate_resolution(resolved, 4, "Better after your call.", now=ANSWERED + timedelta(hours=23))
    rating = db.session.scalars(select(Rating)).one()
    assert (rating.score, rating.comment) == (4, "Better after your call.")
    with pytest.raises(AlreadyRated, match="within 24 hours"):
        rate_resolution(resolved, 1, "", now=ANSWERED + timedelta(hours=25))
    assert db.session.scalars(select(Rating)).one().score == 4


@pytest.mark.parametrize("score", [None, 0, 6, -1])
def test_a_score_from_1_to_5(resolved: Any, score: int | None) -> None:
    with pytest.raises(InvalidInput) as refused:
        rate_resolution(resolved, score, "", now=ANSWERED)
    assert "score" in refused.value.errors
    assert db.session.scalar(select(func.count()).select_from(Rating)) == 0


def test_a_long_comment_is_refused(resolved: Any) -> None:
    with pytest.raises(InvalidInput) as refused:
        rate_resolution(resolved, 3, "x" * 2001, now=ANSWERED)
    assert "comment" in refused.value.errors


def test_no_rating_before_an_outcome(app: Flask) -> None:
    complaint = new_complaint()
    assert not can_rate(complaint)
    with pytest.raises(WrongStatus):
        rate_resolution(complaint, 5, "", now=ANSWERED)


def test_ratings_are_possible_after_final_and_closed(app: Flask, resolved: Any) -> None:
    from helpdesk.domain.lifecycle import Status
    from helpdesk.services.lifecycle import change_status

    change_status(resolved, Status.CLOSED, now=ANSWERED, actor="system")
    db.session.commit()
    assert can_rate(resolved)
    rate_resolution(resolved, 3, "", now=ANSWERED)
