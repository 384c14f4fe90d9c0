"""The inbox's "In mediation" quick filter (open referrals, whatever the status) and the row
badges "In mediation" and "Reply overdue"; the default listing is untouched."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from helpdesk.services.mediation import record_decision, record_referral, record_reply, shop_today
from tests.services.outcomes_support import fast_staff, give_refund, login, new_complaint

HTMX = {"HX-Request": "true"}


def _row(html: str, complaint: Any) -> str:
    start = html.index(f'<tr id="complaint-{complaint.id}"')
    return html[start : html.index("</tr>", start)]


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    """Overdue: referred 18 March 2026, reply due 15 April, none recorded. Replied: the same,
    with our reply. Decided: the body decided. Open: a new complaint, never referred."""
    agent, manager = fast_staff("agent"), fast_staff("manager")
    made: dict[str, Any] = {"agent": agent}
    for key, name in (("overdue", "Olga Overdue"), ("replied", "Rita Replied"),
                      ("decided", "Dirk Decided")):  # fmt: skip
        complaint = new_complaint(name=name, email=f"{key}@example.com")
        give_refund(complaint, agent)
        referral = record_referral(complaint, manager, body="De Geschillencommissie",
                                   referred_on=date(2026, 3, 18))  # fmt: skip
        if key == "replied":
            record_reply(referral, manager, replied_on=date(2026, 4, 10))
        if key == "decided":
            record_decision(referral, manager, decision="settled", decided_on=date(2026, 5, 1))
        made[key] = complaint
    made["open"] = new_complaint(name="Otto Open", email="otto@example.com")
    return made


def test_the_filter_lists_open_referrals_whatever_the_status(
    client: FlaskClient, world: dict[str, Any]
) -> None:
    login(client, world["agent"])
    html = client.get("/staff/?mediation=open").get_data(as_text=True)
    assert html.count('<tr id="complaint-') == 2
    assert "Olga Overdue" in html and "Rita Replied" in html
    assert "Dirk Decided" not in html and "Otto Open" not in html
    assert 'data-count="mediation"' in html and 'name="mediation" value="open"' in html
    overdue, replied = _row(html, world["overdue"]), _row(html, world["replied"])
    assert '<span class="badge mediation">In mediation</span>' in overdue
    assert '<span class="badge overdue">Reply overdue</span>' in overdue
    assert "In mediation" in replied and "Reply overdue" not in replied
    fragment = client.get("/staff/?mediation=open", headers=HTMX)
    part = fragment.get_data(as_text=True)
    assert part.lstrip().startswith('<div id="inbox-list"') and "<html" not in part
    assert part.count('<tr id="complaint-') == 2
    assert fragment.headers["HX-Push-Url"] == "/staff/?status=all&mediation=open"


def test_the_filter_with_text_and_with_a_status(client: FlaskClient, world: dict[str, Any]) -> None:
    login(client, world["agent"])
    html = client.get("/staff/?mediation=open&status=all&q=Olga").get_data(as_text=True)
    assert html.count('<tr id="complaint-') == 1 and "Olga Overdue" in html
    resolved = client.get("/staff/?mediation=open&status=resolved").get_data(as_text=True)
    assert resolved.count('<tr id="complaint-') == 2
    assert (
        client.get("/staff/?mediation=open&status=received")
        .get_data(as_text=True)
        .count('<tr id="complaint-')
        == 0
    )


def test_the_default_inbox_shows_badges_only(client: FlaskClient, world: dict[str, Any]) -> None:
    login(client, world["agent"])
    html = client.get("/staff/?status=all").get_data(as_text=True)
    assert html.count('<tr id="complaint-') == 4
    assert "Reply overdue" in _row(html, world["overdue"])
    assert "In mediation" not in _row(html, world["decided"])
    assert "In mediation" not in _row(html, world["open"])
    # The open inbox lists only the new complaint; "In mediation" is a quick filter there.
    opened = client.get("/staff/").get_data(as_text=True)
    assert (
        opened.count('<tr id="complaint-') == 1
        and 'href="/staff/?status=all&amp;mediation=open"' in opened
    )
    assert shop_today() > date(2026, 4, 15)


def test_the_quick_filter_counts_complaints_in_mediation(
    client: FlaskClient, world: dict[str, Any]
) -> None:
    login(client, world["agent"])
    html = client.get("/staff/").get_data(as_text=True)
    start = html.index('data-count="mediation"')
    pill = html[start : html.index("</a>", start)]
    assert '<span class="count">2</span>' in pill  # overdue and replied; not the decided one
    searching = client.get("/staff/?q=Olga").get_data(as_text=True)
    start = searching.index('data-count="mediation"')
    # The pills keep their counts while searching (issue 14).
    assert '<span class="count">2</span>' in searching[start : searching.index("</a>", start)]
