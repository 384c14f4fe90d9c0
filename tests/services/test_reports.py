"""services.reports over the fixed data set of reports_support, on SQLite and PostgreSQL:
every figure against the value worked out by hand in that module's docstring. (The data set
takes a few seconds to make, so each test checks a group of figures.)"""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select

from helpdesk.domain.reports import Compliance, custom_period
from helpdesk.extensions import db
from helpdesk.models import Complaint, Outcome, RootCause
from helpdesk.services import report_queries
from helpdesk.services.reports import (
    NO_OUTCOME,
    NOT_STATED,
    Report,
    ReportFilters,
    ReportInputError,
    check_filters,
    get_report,
)
from tests.services.reports_support import MAY, TODAY, DataSet, build


@pytest.fixture
def data(any_app: Flask) -> DataSet:
    return build()


@pytest.fixture
def may(data: DataSet) -> Report:
    return get_report(MAY, ReportFilters(), today=TODAY)


def reference(data: DataSet, name: str) -> str:
    return data.complaints[name].reference


def test_the_figures_kept_on_each_complaint(data: DataSet) -> None:
    figures = {
        name: (c.received_on, c.days_to_acknowledge, c.acknowledged_on_time, c.days_to_respond,
               c.responded_on_time)
        for name, c in data.complaints.items()
    }  # fmt: skip
    assert figures == {
        "C1": (date(2026, 5, 12), 1, True, 3, True),
        "C2": (date(2026, 5, 13), 1, True, 5, True),  # over Ascension, Whit Monday, a pause
        "C3": (date(2026, 5, 18), 3, False, 8, False),
        "C4": (date(2026, 5, 19), 0, True, 3, True),
        "C5": (date(2026, 5, 20), 0, True, None, None),
        "C6": (date(2026, 5, 29), None, None, None, None),
        "C7": (date(2026, 5, 28), 0, True, None, None),
        "C8": (date(2026, 4, 30), 0, True, None, None),
    }
    # The outcome each complaint ended with, as its outcome rows say.
    for complaint in db.session.scalars(select(Complaint)):
        outcomes = list(db.session.scalars(select(Outcome).filter_by(complaint_id=complaint.id)))
        first = next((o for o in outcomes if not o.is_final), None)
        final = next((o for o in outcomes if o.is_final), None)
        ended = final or first
        assert complaint.outcome_kind == (ended.kind if ended else None)
        assert complaint.outcome_refund_cents == (ended.amount_cents if ended else None)
        assert complaint.outcome_root_cause_id == (ended.root_cause_id if ended else None)
        changed = None
        if first is not None and final is not None:
            changed = (final.kind, final.amount_cents) != (first.kind, first.amount_cents)
        assert complaint.review_changed == changed
    keys = dict(db.session.execute(select(RootCause.id, RootCause.key)).all())
    causes = sorted(keys[o.root_cause_id] for o in db.session.scalars(select(Outcome)))
    assert causes == ["carrier_damage", "download_server", "packing", "packing",
                      "payment_provider", "payment_provider"]  # fmt: skip


def test_where_complaints_come_from_and_how_fast_they_were_handled(may: Report) -> None:
    assert may.complaints == 7
    assert may.per_week.weeks == [date(2026, 4, 27), date(2026, 5, 4), date(2026, 5, 11),
                                  date(2026, 5, 18), date(2026, 5, 25)]  # fmt: skip
    assert may.per_week.counts == {
        (date(2026, 5, 11), "physical"): 1,
        (date(2026, 5, 11), "digital"): 1,
        (date(2026, 5, 18), "billing"): 1,
        (date(2026, 5, 18), "physical"): 1,
        (date(2026, 5, 18), "account"): 1,
        (date(2026, 5, 25), "website"): 1,
        (date(2026, 5, 25), "physical"): 1,
    }
    assert may.per_week.by_category() == {"physical": 3, "digital": 1, "billing": 1,
                                          "account": 1, "website": 1}  # fmt: skip
    ack, response = may.acknowledgement, may.response
    assert ack.compliance == Compliance(met=5, missed=1, open_overdue=1)
    assert ack.compliance.rate == pytest.approx(5 / 7)
    assert response.compliance == Compliance(met=3, missed=1, open_overdue=2, open_in_time=1)
    assert response.compliance.rate == pytest.approx(0.5)
    # 0, 0, 0, 1, 1, 3: the median is the 3rd value, the 90th percentile the 6th.
    assert ack.days == {0: 3, 1: 2, 3: 1}
    assert (ack.median_days, ack.p90_days) == (0, 3)
    # 3, 3, 5, 8: the median is the 2nd value, the 90th percentile the 4th.
    assert response.days == {3: 2, 5: 1, 8: 1}
    assert (response.median_days, response.p90_days) == (3, 8)


def test_what_customers_asked_for_and_got(may: Report) -> None:
    assert may.outcomes == {"refund": 2, "technical_assistance": 1, "replacement_product": 1,
                            NO_OUTCOME: 3}  # fmt: skip
    assert may.with_outcome == 4
    assert (may.refunds, may.refund_cents) == (2, 2000 + 3100)  # C3 ended with the €31.00
    assert (may.review_requested, may.final_responses, may.review_changed) == (2, 2, 1)
    assert may.review_rate == pytest.approx(2 / 4)
    assert may.review_change_rate == pytest.approx(1 / 2)
    assert may.referred == 1 and may.mediation_rate == pytest.approx(1 / 7)
    assert may.decisions == {"settled": 1}
    assert may.remedies == {
        ("refund", "refund"): 2,
        (NOT_STATED, "technical_assistance"): 1,
        ("replacement_product", "replacement_product"): 1,
        ("not_sure", NO_OUTCOME): 1,
        ("technical_assistance", NO_OUTCOME): 1,
        (NOT_STATED, NO_OUTCOME): 1,
    }


def test_satisfaction_and_root_causes(
    data: DataSet, may: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert may.resolution_scores.counts == {5: 1, 2: 1, 4: 1}
    assert may.resolution_scores.average == pytest.approx(11 / 3)
    assert may.handling_scores.counts == {4: 1, 5: 1}  # C3 skipped the second question
    assert (may.handling_scores.answers, may.handling_scores.average) == (2, 4.5)
    comments = [(c.reference, c.comment, c.score, c.handling_score) for c in may.comments]
    assert comments == [
        (reference(data, "C3"), "Took too long.", 2, None),
        (reference(data, "C1"), "Quick and fair.", 5, 4),
    ]
    newest = report_queries.latest_comments(MAY, ReportFilters(), 1)
    assert [c.comment for c in newest] == ["Took too long."]
    monkeypatch.setattr(report_queries, "NEWEST_RATINGS", 1)  # C3's rating only: not on 12 May
    c1_day = custom_period(date(2026, 5, 12), date(2026, 5, 12))
    older = report_queries.latest_comments(c1_day, ReportFilters(), 1)
    assert [c.comment for c in older] == ["Quick and fair."]
    assert may.root_causes == {"carrier_damage": 1, "download_server": 1, "payment_provider": 1,
                               "packing": 1}  # fmt: skip
    assert may.root_cause_names["packing"] is None  # the seeded words, translated


def test_filters_the_period_before_and_an_empty_period(data: DataSet) -> None:
    filtered = [
        (ReportFilters(category="physical"), 3, Compliance(met=2, open_in_time=1)),
        (ReportFilters(channel="email"), 2, Compliance(met=1, open_in_time=1)),
        (ReportFilters(language="nl"), 3, Compliance(met=2, open_in_time=1)),
        (ReportFilters(category="billing", language="nl"), 0, Compliance()),
    ]
    for filters, complaints, response in filtered:
        report = get_report(MAY, filters, today=TODAY)
        assert (report.complaints, report.response.compliance) == (complaints, response), filters
    assert MAY.previous() == custom_period(date(2026, 3, 31), date(2026, 4, 30))
    before = get_report(MAY.previous(), ReportFilters(), today=TODAY)
    assert before.complaints == 1 and before.acknowledgement.median_days == 0
    empty = get_report(custom_period(date(2025, 1, 1), date(2025, 1, 31)), ReportFilters())
    assert empty.complaints == 0 and empty.response.median_days is None
    assert empty.review_rate is None and empty.mediation_rate is None
    assert empty.resolution_scores.average is None and empty.comments == []


def test_unknown_filters_are_one_clear_message(app: Flask) -> None:
    assert check_filters("", None, "nl") == ReportFilters(language="nl")
    with pytest.raises(ReportInputError, match="Unknown category 'toys'; one of: digital"):
        check_filters("toys", None, None)
    with pytest.raises(ReportInputError, match="Unknown channel 'fax'"):
        check_filters(None, "fax", None)
