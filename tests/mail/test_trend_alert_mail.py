"""`flask reports trends` (cron) then `flask mail send`, through a real SMTP server: every
active manager gets one email per run that finds new alerts, listing only those, with a link
to the reports page; a run that finds nothing new sends nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import flask_babel
import pytest
from flask import Flask

from helpdesk.extensions import db
from helpdesk.services.outcomes import give_outcome
from helpdesk.services.root_causes import RootCauseNames, add_root_cause
from helpdesk.services.submission import NewComplaint, submit_complaint
from tests.conftest import SMTPSink
from tests.services.outcomes_support import fast_staff, refund_input

BASE_URL = "https://help.shop.example"


def _billing(day: date, count: int) -> list[Any]:
    """`count` billing complaints received on `day`, in everyday words (no keyword rises)."""
    return [
        submit_complaint(
            NewComplaint(name="C", email=f"c{n}@example.com", order_number=None,
                         category="billing", description="Problem with my order, please help."),
            now=datetime(day.year, day.month, day.day, 9, tzinfo=UTC),
        )
        for n in range(count)
    ]  # fmt: skip


@pytest.fixture
def managers(app: Flask, smtp_server: SMTPSink) -> list[Any]:
    """Eight quiet weeks (one billing complaint a week), two active managers, one former
    manager and an agent; mail goes to the test's SMTP server."""
    app.config.update(SMTP_URL=smtp_server.url, BASE_URL=BASE_URL)
    for week in range(8):
        _billing(date(2026, 4, 6) + timedelta(weeks=week), 1)
    active = [fast_staff("manager"), fast_staff("manager")]
    former = fast_staff("manager")
    former.active = False
    fast_staff("agent")
    db.session.commit()
    return active


def _to_managers(sink: SMTPSink) -> list[Any]:
    """The messages the SMTP server got for the staff (the customers got their
    acknowledgements too); `mail send` has delivered everything when it returns."""
    return [m for m in sink.messages if str(m["To"]).endswith("@shop.example")]


def _run(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return str(result.output)


def test_each_new_alert_reaches_every_manager_once(
    app: Flask, smtp_server: SMTPSink, managers: list[Any]
) -> None:
    addresses = sorted(m.email for m in managers)  # (the commands end the test's session)
    _billing(date(2026, 6, 2), 6)  # the week of 1 June: 6 against 1 a week
    assert "1 new alert(s)" in _run(app, "reports", "trends", "--today", "2026-06-03")
    _run(app, "mail", "send")
    first = _to_managers(smtp_server)
    assert sorted(str(m["To"]) for m in first) == addresses
    for message in first:
        body = str(message.get_body(preferencelist=("plain",)).get_content())
        assert message["Subject"] == "Complaints rising: 1 new alert"
        assert "Category: Billing or payment" in body and "6 in the week of" in body
        assert "1 Jun" in body and f"{BASE_URL}/staff/reports" in body
    # The next day's run finds the same week again: nothing new, nothing sent.
    assert "0 new alert(s)" in _run(app, "reports", "trends", "--today", "2026-06-04")
    _run(app, "mail", "send")
    assert len(_to_managers(smtp_server)) == 2

    # The next week rises further: one more email each, naming only the new alert.
    _billing(date(2026, 6, 9), 9)
    assert "1 new alert(s)" in _run(app, "reports", "trends", "--today", "2026-06-10")
    _run(app, "mail", "send")
    later = _to_managers(smtp_server)[2:]
    assert sorted(str(m["To"]) for m in later) == addresses
    body = str(later[0].get_body(preferencelist=("plain",)).get_content())
    assert "9 in the week of" in body and "8 Jun" in body and "1 Jun" not in body
    assert len(_to_managers(smtp_server)) == 4


def test_a_root_cause_is_named_as_the_managers_named_it(
    app: Flask, smtp_server: SMTPSink, managers: list[Any]
) -> None:
    app.config["BABEL_DEFAULT_LOCALE"] = "nl"  # a Dutch shop: its managers read Dutch
    flask_babel.refresh()  # (the test's app context had chosen English already)
    add_root_cause(managers[0], RootCauseNames("Late courier", "Te late koerier"))
    agent = fast_staff("agent")
    for complaint in _billing(date(2026, 6, 1), 1) + _billing(date(2026, 6, 2), 4):
        give_outcome(complaint, agent, refund_input(root_cause="late_courier"),
                     seen=complaint.version, now=datetime(2026, 6, 9, 10, tzinfo=UTC))  # fmt: skip
    output = _run(app, "reports", "trends", "--today", "2026-06-10")
    assert "root_cause Te late koerier: 5 in the week of 2026-06-08" in output
    _run(app, "mail", "send")
    body = str(_to_managers(smtp_server)[0].get_body(preferencelist=("plain",)).get_content())
    assert "Oorzaak: Te late koerier" in body and f"{BASE_URL}/staff/reports" in body
