"""services.report_counts: the counts kept per month are used only while the month's change
counter stands still, and the counter (raised by the database's triggers, migration 0013)
moves with every change that can move a figure, whoever writes it. On SQLite and
PostgreSQL, over the fixed data set of reports_support."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask, current_app
from sqlalchemy import delete, select, update

from helpdesk.domain.outcomes import OutcomeKind
from helpdesk.domain.reports import Period, custom_period
from helpdesk.extensions import db
from helpdesk.models import Complaint, OutboxEmail, Rating, ReportMonth
from helpdesk.services import report_counts
from helpdesk.services.mediation import record_referral
from helpdesk.services.outcomes import give_outcome
from helpdesk.services.ratings import rate_resolution
from helpdesk.services.reports import Report, ReportFilters, get_report
from tests.services.reports_support import (
    MAY,
    TODAY,
    DataSet,
    _complaint,
    _outcome,
    build,
    local,
)

ALL = ReportFilters()


@pytest.fixture
def data(any_app: Flask) -> DataSet:
    return build()


def changes() -> dict[str, int]:
    return dict(db.session.execute(select(ReportMonth.month, ReportMonth.changes)).all())


def fresh(period: Period = MAY, today: date = TODAY) -> Report:
    """The report counted again from nothing (no kept pieces)."""
    current_app.extensions.pop("report_counts", None)
    return get_report(period, ALL, today=today)


def figures(report: Report) -> tuple[Any, ...]:
    """Every counted figure of a report (not the comments, which are read each time)."""
    return (report.complaints, report.per_week, report.acknowledgement, report.response,
            report.outcomes, report.refunds, report.refund_cents, report.review_requested,
            report.final_responses, report.review_changed, report.referred, report.decisions,
            report.remedies, report.resolution_scores, report.handling_scores,
            report.root_causes)  # fmt: skip


def counting(monkeypatch: pytest.MonkeyPatch) -> list[Period]:
    """The pieces counted in SQL from now on."""
    counted: list[Period] = []
    real = report_counts.count

    def spy(period: Period, filters: ReportFilters) -> report_counts.Counts:
        counted.append(period)
        return real(period, filters)

    monkeypatch.setattr(report_counts, "count", spy)
    return counted


def test_a_period_is_cut_at_the_months() -> None:
    pieces = report_counts.month_pieces(custom_period(date(2025, 12, 20), date(2026, 2, 3)))
    assert pieces == [
        Period(date(2025, 12, 20), date(2025, 12, 31)),
        Period(date(2026, 1, 1), date(2026, 1, 31)),
        Period(date(2026, 2, 1), date(2026, 2, 3)),
    ]
    assert report_counts.month_pieces(MAY) == [MAY]


def test_kept_counts_are_used_until_their_month_changes(
    data: DataSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = fresh()
    counted = counting(monkeypatch)
    april_may = custom_period(date(2026, 4, 1), date(2026, 5, 31))
    assert figures(get_report(MAY, ALL, today=TODAY)) == figures(first)
    assert counted == []  # May was kept
    get_report(april_may, ALL, today=TODAY)
    assert counted == [Period(date(2026, 4, 1), date(2026, 4, 30))]  # April was not
    counted.clear()
    c5 = data.complaints["C5"]
    help_ = _outcome(OutcomeKind.TECHNICAL_ASSISTANCE, "customer_error")
    give_outcome(c5, data.agent, help_, seen=c5.version, now=local(2, month=6))
    changed = get_report(april_may, ALL, today=TODAY)
    assert counted == [MAY]  # only the month that changed is counted again
    assert changed.outcomes["technical_assistance"] == 2
    assert figures(get_report(MAY, ALL, today=TODAY)) == figures(fresh())


def test_what_depends_on_today_is_judged_when_asked(data: DataSet) -> None:
    fresh()
    # C5's response is due on Monday 1 June; C6's acknowledgement on 2 June and its response
    # on 9 June; C7's clock is paused. The same kept counts, judged on two days:
    on_31_may = get_report(MAY, ALL, today=date(2026, 5, 31))
    assert on_31_may.acknowledgement.compliance.open_overdue == 0
    assert on_31_may.response.compliance.open_overdue == 0
    on_10_june = get_report(MAY, ALL, today=TODAY)
    assert on_10_june.acknowledgement.compliance.open_overdue == 1
    assert on_10_june.response.compliance.open_overdue == 2
    assert figures(on_31_may) == figures(fresh(today=date(2026, 5, 31)))
    assert figures(on_10_june) == figures(fresh())


def test_every_kind_of_change_moves_its_months_counter(data: DataSet) -> None:
    c1, c4 = data.complaints["C1"], data.complaints["C4"]

    def moved(statement: Any) -> set[str]:
        """The months whose counter moved when `statement` was committed."""
        before = changes()
        db.session.execute(statement)
        db.session.commit()
        after = changes()
        return {month for month, n in after.items() if n != before.get(month, 0)}

    # A column no report reads: nothing moves (the inbox's last activity, the name).
    assert moved(update(Complaint).where(Complaint.id == c1.id).values(name="Someone")) == set()
    # A report column, written by hand (no service): it moves all the same.
    assert moved(update(Complaint).where(Complaint.id == c1.id).values(category="other")) == {
        "2026-05"
    }
    # Moving a complaint to another month moves both.
    to_april = update(Complaint).where(Complaint.id == c1.id).values(received_on=date(2026, 4, 29))
    assert moved(to_april) == {"2026-04", "2026-05"}
    # A rating changed or deleted: its complaint's month.
    assert moved(update(Rating).where(Rating.complaint_id == c4.id).values(score=1)) == {"2026-05"}
    assert moved(delete(Rating).where(Rating.complaint_id == c4.id)) == {"2026-05"}
    # A referral recorded, through the service.
    before = changes()
    record_referral(c4, data.manager, body="De Geschillencommissie",
                    referred_on=date(2026, 6, 5), now=local(5, month=6))  # fmt: skip
    assert changes()["2026-05"] > before["2026-05"]
    # A new complaint, in a month never counted before; and a complaint deleted.
    assert "2026-07" not in changes()
    july = _complaint(local(3, month=7), "billing", "web", "en", None)
    assert changes()["2026-07"] >= 1
    before = changes()
    db.session.execute(delete(OutboxEmail).where(OutboxEmail.complaint_id == july.id))
    db.session.delete(july)  # with its messages and audit trail
    db.session.commit()
    assert changes()["2026-07"] > before["2026-07"]
    assert figures(get_report(MAY, ALL, today=TODAY)) == figures(fresh())


def test_a_piece_whose_month_changed_while_it_was_counted_is_not_kept(
    data: DataSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    current_app.extensions.pop("report_counts", None)
    real = report_counts.q.month_changes
    calls = iter(range(100))

    def moving(first: str, last: str) -> dict[str, int]:
        return {month: n + next(calls) for month, n in real(first, last).items()}

    monkeypatch.setattr(report_counts.q, "month_changes", moving)
    counted = counting(monkeypatch)
    get_report(MAY, ALL, today=TODAY)
    get_report(MAY, ALL, today=TODAY)
    assert counted == [MAY, MAY]


def test_ratings_on_another_months_complaint_and_deletes(data: DataSet) -> None:
    fresh()
    c2 = data.complaints["C2"]
    rate_resolution(c2, 3, "Fine in the end.", handling_score=2, now=local(1, month=6))
    report = get_report(MAY, ALL, today=TODAY)
    assert report.resolution_scores.counts[3] == 1 and report.handling_scores.counts[2] == 1
    assert figures(report) == figures(fresh())


def test_the_newest_comments_of_several_months(data: DataSet) -> None:
    c8 = data.complaints["C8"]  # received 30 April
    refund = _outcome(OutcomeKind.REFUND, "packing", amount="5,00", refund_type="partial")
    give_outcome(c8, data.agent, refund, seen=c8.version, now=local(1, month=6))
    rate_resolution(c8, 4, "Fine, thanks.", now=local(2, month=6))  # between C1's and C3's
    april_may = custom_period(date(2026, 4, 1), date(2026, 5, 31))
    comments = [c.comment for c in get_report(april_may, ALL, today=TODAY).comments]
    assert comments == ["Took too long.", "Fine, thanks.", "Quick and fair."]
    assert [c.comment for c in fresh(april_may).comments] == comments
