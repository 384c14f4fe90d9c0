"""The demo's learning-from-complaints data: a root cause on every outcome (by category), the
outcome each complaint ended with on its row, handling ratings, two corrective actions; the
same for the same seed; and the report adds up over it."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import select

from helpdesk.demo.improvement import CAUSES
from helpdesk.demo.seeding import seed_demo
from helpdesk.domain.reports import custom_period
from helpdesk.extensions import db
from helpdesk.models import AuditEvent, Complaint, CorrectiveAction, Outcome, Rating, RootCause
from helpdesk.services.reports import ReportFilters, get_report
from tests.services.test_demo_seed import NOW

LATER = datetime(2026, 4, 28, 9, 30, tzinfo=UTC)


def _snapshot() -> list[tuple[object, ...]]:
    rows = db.session.execute(
        select(Outcome.complaint_id, Outcome.is_final, RootCause.key, Outcome.root_cause_note)
        .join(RootCause, RootCause.id == Outcome.root_cause_id)
        .order_by(Outcome.id)
    )
    ratings = db.session.execute(select(Rating.complaint_id, Rating.handling_score))
    return [tuple(row) for row in rows] + [tuple(row) for row in ratings]


def test_root_causes_ratings_and_actions(app: Flask) -> None:
    report = seed_demo(200, now=NOW, reindex=False)
    keys = dict(db.session.execute(select(RootCause.id, RootCause.key)).all())
    outcomes = list(db.session.scalars(select(Outcome)))
    assert outcomes and all(o.root_cause_id is not None for o in outcomes)
    complaints = {c.id: c for c in db.session.scalars(select(Complaint))}
    for outcome in outcomes:  # a cause that fits the category
        category = complaints[outcome.complaint_id].category
        assert keys[outcome.root_cause_id] in CAUSES[category]
    for complaint in complaints.values():
        mine = [o for o in outcomes if o.complaint_id == complaint.id]
        first = next((o for o in mine if not o.is_final), None)
        final = next((o for o in mine if o.is_final), None)
        ended = final or first
        assert complaint.outcome_kind == (ended.kind if ended else None)
        assert complaint.outcome_refund_cents == (ended.amount_cents if ended else None)
        assert complaint.outcome_root_cause_id == (ended.root_cause_id if ended else None)
        if final is not None and first is not None:
            changed = (final.kind, final.amount_cents) != (first.kind, first.amount_cents)
            assert complaint.review_changed is changed
        else:
            assert complaint.review_changed is None
    by_id = {o.id: keys[o.root_cause_id] for o in outcomes}  # the audit lines name it too
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.in_(("outcome_sent", "final_response_sent")))
    )
    assert all(e.detail["root_cause"] == by_id[e.detail["outcome_id"]] for e in events)
    handling = Counter(r.handling_score is None for r in db.session.scalars(select(Rating)))
    assert handling[False] > handling[True] > 0  # most answer the second question
    actions = list(db.session.scalars(select(CorrectiveAction).order_by(CorrectiveAction.id)))
    assert report.corrective_actions == len(actions) == 2
    checked, running = actions
    assert (checked.status, checked.result) == ("done", "worked")
    assert checked.root_cause.key == "download_server"
    assert (running.status, running.root_cause.key) == ("open", "carrier_damage")
    assert checked.complaints and running.complaints
    everything = get_report(custom_period(NOW.date().replace(year=2025), NOW.date()),
                            ReportFilters(), today=NOW.date())  # fmt: skip
    assert everything.complaints == 200
    assert sum(everything.root_causes.values()) == everything.with_outcome
    assert everything.resolution_scores.answers == db.session.query(Rating).count()


def test_the_same_seed_gives_the_same_causes(new_app: object) -> None:
    found = []
    for _ in range(2):
        application = new_app()  # type: ignore[operator]
        with application.app_context():
            seed_demo(40, now=LATER, reindex=False)
            found.append(_snapshot())
            db.session.remove()
    assert found[0] == found[1] and found[0]
