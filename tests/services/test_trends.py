"""services.trends and `flask reports trends`: a category, a product keyword and a root cause
that rise well above their usual level are alerted once, by email to every active manager;
a category that rises only a little is not; a second run sends nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import OutboxEmail, TrendAlert
from helpdesk.services import trends
from helpdesk.services.outcomes import give_outcome
from helpdesk.services.submission import NewComplaint, submit_complaint
from helpdesk.services.trend_alerts import alert_new_trends
from helpdesk.services.trends import find_trends, keywords
from tests.services.outcomes_support import fast_staff, refund_input

TODAY = date(2026, 6, 10)  # a Wednesday: the weeks checked start on 1 and 8 June
NOW = datetime(2026, 6, 10, 12, tzinfo=UTC)
LAST_WEEK = date(2026, 6, 1)


def _complaint(day: date, category: str, text: str) -> Any:
    when = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
    return submit_complaint(
        NewComplaint(name="C", email=f"{category}@example.com", order_number=None,
                     category=category, description=text),
        now=when,
    )  # fmt: skip


@pytest.fixture
def rising(any_app: Flask) -> dict[str, Any]:
    """Eight quiet weeks (billing 1 a week, digital 2), then billing 6 and digital 4 in the
    week of 1 June, five of them naming a new lamp; five payment-provider outcomes this week."""
    plain = "Problem with my order, please help."
    for week in range(8):
        monday = date(2026, 4, 6) + timedelta(weeks=week)
        _complaint(monday, "billing", plain)
        _complaint(monday, "digital", plain)
        _complaint(monday + timedelta(days=2), "digital", plain)
    spike = [_complaint(LAST_WEEK + timedelta(days=n % 5), "billing",
                        "Problem with my order, the Zeppelinlamp, please help." if n < 5 else plain)
             for n in range(6)]  # fmt: skip
    for n in range(4):
        _complaint(LAST_WEEK + timedelta(days=n), "digital", plain)
    agent = fast_staff("agent")
    for n, complaint in enumerate(spike[:5]):
        sent = datetime(2026, 6, 8 + n % 2, 10, tzinfo=UTC)
        give_outcome(complaint, agent, refund_input(root_cause="payment_provider"),
                     seen=complaint.version, now=sent)  # fmt: skip
    managers = [fast_staff("manager"), fast_staff("manager")]
    gone = fast_staff("manager")
    gone.active = False
    db.session.commit()
    return {"managers": managers}


def test_keywords_are_the_customers_own_words() -> None:
    words = keywords("The ZEPPELINLAMP arrived broken; de lamp is kapot. Order 12345 x2")
    assert words == {"zeppelinlamp", "arrived", "broken", "lamp", "kapot", "order"}


def test_what_rises_and_what_does_not(rising: dict[str, Any]) -> None:
    found = {(t.dimension, t.key, t.week): t.check for t in find_trends(TODAY)}
    assert set(found) == {
        ("category", "billing", LAST_WEEK),
        ("keyword", "zeppelinlamp", LAST_WEEK),
        ("root_cause", "payment_provider", date(2026, 6, 8)),
    }
    billing = found[("category", "billing", LAST_WEEK)]
    assert (billing.count, billing.mean, billing.threshold) == (6, 1.0, 4.0)
    # digital: 4 against a steady 2 a week is no alert (threshold 2 + 3 * sqrt 2 = 6.2);
    # "problem" and "order" are in every complaint: everyday words, never keywords.


def test_each_new_alert_is_emailed_to_the_active_managers_once(rising: dict[str, Any]) -> None:
    alerts = alert_new_trends(today=TODAY, now=NOW)
    assert sorted((a.dimension, a.key) for a in alerts) == [
        ("category", "billing"), ("keyword", "zeppelinlamp"), ("root_cause", "payment_provider")
    ]  # fmt: skip
    emails = list(db.session.scalars(select(OutboxEmail).filter_by(kind="trend_alert")))
    assert sorted(e.to_addr for e in emails) == sorted(m.email for m in rising["managers"])
    body = emails[0].body_text
    assert emails[0].subject == "Complaints rising: 3 new alerts"
    assert "Category: Billing or payment" in body
    assert "6 in the week of 1 Jun 2026; usually 1.0 a week, alert above 4.0." in body
    assert "Keyword: zeppelinlamp" in body and "Root cause: Payment provider" in body
    assert "/staff/reports" in body
    assert body.startswith("Hello, managers,")
    assert "more than 3 standard deviations above the mean of the 8 weeks before" in body
    assert alert_new_trends(today=TODAY, now=NOW + timedelta(hours=24)) == []
    assert db.session.query(TrendAlert).count() == 3
    assert len(list(db.session.scalars(select(OutboxEmail).filter_by(kind="trend_alert")))) == 2


def test_a_dutch_shop_greets_its_managers_not_a_customer(
    any_app: Flask, rising: dict[str, Any]
) -> None:
    any_app.config["BABEL_DEFAULT_LOCALE"] = "nl"
    alert_new_trends(today=TODAY, now=NOW)
    body = db.session.scalars(select(OutboxEmail).filter_by(kind="trend_alert")).first().body_text
    assert body.startswith("Beste managers,") and "klant" not in body.split("\n")[0]
    assert "meer dan 3 standaardafwijkingen" in body


def test_a_new_helpdesk_has_no_usual_level_yet(any_app: Flask) -> None:
    for n in range(8):
        _complaint(LAST_WEEK + timedelta(days=n % 5), "billing", "Help.")
    assert find_trends(TODAY) == []  # three weeks of history would not be enough either


def test_the_command_for_cron(any_app: Flask, rising: dict[str, Any]) -> None:
    runner = any_app.test_cli_runner()
    dry = runner.invoke(args=["reports", "trends", "--today", "2026-06-10", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "category billing: 6 in the week of 2026-06-01" in dry.output
    assert "3 rising trend(s) (dry run: nothing stored or sent)." in dry.output
    assert db.session.query(TrendAlert).count() == 0
    result = runner.invoke(args=["reports", "trends", "--today", "2026-06-10"])
    assert result.exit_code == 0, result.output
    assert "root_cause Payment provider: 5 in the week of 2026-06-08" in result.output
    assert "3 new alert(s); the managers were emailed." in result.output
    again = runner.invoke(args=["reports", "trends", "--today", "2026-06-10"])
    assert "0 new alert(s)" in again.output


@pytest.mark.parametrize(
    ("value", "message"),
    [("10-06-2026", "--today wants a date as YYYY-MM-DD, not '10-06-2026'."),
     ("2999-01-01", "--today 2999-01-01 is in the future.")],
)  # fmt: skip
def test_bad_input_is_one_line(app: Flask, value: str, message: str) -> None:
    result = app.test_cli_runner().invoke(args=["reports", "trends", "--today", value])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"Error: {message}"]


def test_a_keyword_rises_only_when_its_share_does(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """All complaints five times as many in the week of 1 June, "lamp" in one in five as
    always: the category rises, the word does not (on raw counts 5 would pass 1 + 3 * 1)."""
    monkeypatch.setattr(trends, "KEYWORD_MAX_SHARE", 0.2)
    for week in range(8):
        monday = date(2026, 4, 6) + timedelta(weeks=week)
        for n in range(5):
            _complaint(monday, "physical", "My lamp is broken." if n == 0 else "It is broken.")
    for n in range(25):
        text = "My lamp is broken." if n % 5 == 0 else "It is broken."
        _complaint(LAST_WEEK + timedelta(days=n % 5), "physical", text)
    found = {(t.dimension, t.key) for t in find_trends(TODAY)}
    assert found == {("category", "physical")}
