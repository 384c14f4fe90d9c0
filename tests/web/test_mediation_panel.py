"""The mediation panel on the staff case page: a manager records a referral and its reply,
decision and compliance through the forms (with and without htmx); agents read it only and
get 403 on every POST; bad input keeps the typed text; another complaint's referral is 404."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from helpdesk.domain.mediation import reply_deadline
from helpdesk.extensions import db
from helpdesk.models import AuditEvent, Referral
from helpdesk.runtime.clock import business_calendar
from helpdesk.services.mediation import record_referral, shop_today
from tests.services.outcomes_support import fast_staff, give_refund, login, new_complaint

HTMX = {"HX-Request": "true"}


@pytest.fixture
def people(app: Flask) -> dict[str, Any]:
    return {"agent": fast_staff("agent", name="Agent Anouk"),
            "manager": fast_staff("manager", name="Manager Mila")}  # fmt: skip


@pytest.fixture
def answered(people: dict[str, Any]) -> Any:
    """A complaint answered with a refund (2 and 4 March 2026)."""
    complaint = new_complaint()
    give_refund(complaint, people["agent"])
    return complaint


@pytest.fixture
def referred(people: dict[str, Any], answered: Any) -> Referral:
    """A referral of 18 March 2026: its reply was due on 15 April, long ago."""
    return record_referral(answered, people["manager"], body="De Geschillencommissie",
                           referred_on=date(2026, 3, 18), body_reference="GC-77")  # fmt: skip


def _case(client: FlaskClient, complaint: Any) -> str:
    return client.get(f"/staff/complaints/{complaint.reference}").get_data(as_text=True)


def _base(complaint: Any) -> str:
    return f"/staff/manage/complaints/{complaint.reference}/mediation"


def test_a_manager_records_a_referral_and_sees_the_countdown(
    client: FlaskClient, people: dict[str, Any], answered: Any
) -> None:
    login(client, people["manager"])
    html = _case(client, answered)
    assert "Record a referral to a mediator" in html and 'name="mediation-reply_due_on"' in html
    today = shop_today()
    response = client.post(_base(answered), data={
        "mediation-body": "De Geschillencommissie",
        "mediation-referred_on": today.isoformat(),
        "mediation-body_reference": "GC-2026-0042",
        "mediation-note": "Their letter <of today>.",
    })  # fmt: skip
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/staff/complaints/{answered.reference}")
    referral = db.session.scalars(select(Referral)).one()
    due = reply_deadline(today, 28, business_calendar())
    assert referral.reply_due_on == due and referral.body_reference == "GC-2026-0042"
    html = _case(client, answered)
    assert "The referral to De Geschillencommissie is recorded." in html
    assert f"Reply due in {(due - today).days} days" in html
    assert "their reference GC-2026-0042" in html and "recorded by Manager Mila" in html
    assert "Their letter &lt;of today&gt;." in html
    assert "Waiting for the decision of the dispute body." in html
    assert "Record our reply" in html and "Record the decision" in html


def test_an_overdue_reply_then_the_reply_decision_and_compliance(
    client: FlaskClient, people: dict[str, Any], answered: Any, referred: Referral
) -> None:
    login(client, people["manager"])
    html = _case(client, answered)
    late = (shop_today() - date(2026, 4, 15)).days
    assert f"Reply overdue by {late} days" in html and 'class="badge overdue"' in html
    url = f"{_base(answered)}/{referred.id}"
    prefix = f"referral-{referred.id}"
    version = str(referred.version)
    reply = client.post(f"{url}/reply", data={f"{prefix}-reply-replied_on": "14-04-2026",
                                              f"{prefix}-reply-version": version})  # fmt: skip
    assert reply.status_code == 303
    html = _case(client, answered)
    assert "Our reply to the dispute body is recorded." in html
    assert "Replied on 14 Apr 2026" in html and "Reply overdue" not in html
    decided = client.post(f"{url}/decision", headers=HTMX, data={
        f"{prefix}-decision-decision": "upheld",
        f"{prefix}-decision-decided_on": "2026-05-20",
        f"{prefix}-decision-decision_note": "Refund the shipping costs.",
    })  # fmt: skip
    assert decided.status_code == 204
    assert decided.headers["HX-Redirect"].endswith(f"/staff/complaints/{answered.reference}")
    html = _case(client, answered)
    assert "Complaint upheld" in html and "decided on 20 May 2026" in html
    assert "Not yet known whether the shop carried it out" in html
    complied = client.post(f"{url}/compliance", data={
        f"{prefix}-compliance-complied": "yes",
        f"{prefix}-compliance-complied_on": "2026-05-22",
    })  # fmt: skip
    assert complied.status_code == 303
    assert "Carried out on 22 May 2026" in _case(client, answered)
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-3:] == [
        "referral_reply_recorded",
        "referral_decision_recorded",
        "referral_compliance_recorded",
    ]


def test_bad_input_keeps_the_typed_text(
    client: FlaskClient, people: dict[str, Any], answered: Any
) -> None:
    login(client, people["manager"])
    data = {
        "mediation-body": "Geschillencommissie <Webshop>",
        "mediation-referred_on": "yesterday",
        "mediation-body_reference": "GC-1",
        "mediation-note": "Keep this note.",
    }
    page = client.post(_base(answered), data=data)
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "<html" in html
    assert re.search(r'id="mediation-referred_on-error">Enter a date \(YYYY-MM-DD\)\.</p>', html)
    assert 'value="yesterday"' in html and 'value="Geschillencommissie &lt;Webshop&gt;"' in html
    assert "Keep this note.</textarea>" in html and 'aria-invalid="true"' in html
    bad_due = client.post(_base(answered), headers=HTMX,
                          data=data | {"mediation-referred_on": "2026-03-18",
                                       "mediation-reply_due_on": "soon"})  # fmt: skip
    fragment = bad_due.get_data(as_text=True)
    assert bad_due.status_code == 200 and "<html" not in fragment
    assert fragment.startswith('<div id="mediation"') or 'id="mediation"' in fragment[:200]
    assert re.search(r'id="mediation-reply_due_on-error">Enter a date', fragment)
    assert 'value="soon"' in fragment
    future = client.post(_base(answered), data=data | {
        "mediation-referred_on": (shop_today() + timedelta(days=1)).isoformat()})  # fmt: skip
    assert "The date cannot be in the future." in future.get_data(as_text=True)
    assert db.session.scalars(select(Referral)).first() is None


def test_a_bad_decision_shows_its_form_open(
    client: FlaskClient, people: dict[str, Any], answered: Any, referred: Referral
) -> None:
    login(client, people["manager"])
    prefix = f"referral-{referred.id}-decision"
    page = client.post(f"{_base(answered)}/{referred.id}/decision",
                       data={f"{prefix}-decided_on": "2026-03-01"})  # fmt: skip
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "Choose the decision." in html and "The date cannot be before 18 Mar 2026." in html
    assert re.search(r"<details open>\s*<summary>Record the decision", html)


def test_a_stale_form_is_refused_with_the_text_kept(
    client: FlaskClient, people: dict[str, Any], answered: Any, referred: Referral
) -> None:
    login(client, people["manager"])
    prefix = f"referral-{referred.id}-edit"
    data = {f"{prefix}-body": "De Geschillencommissie", f"{prefix}-referred_on": "2026-03-18",
            f"{prefix}-body_reference": "GC-78", f"{prefix}-reply_due_on": "2026-04-20",
            f"{prefix}-version": str(referred.version)}  # fmt: skip
    url = f"{_base(answered)}/{referred.id}/edit"
    assert client.post(url, data=data).status_code == 303
    assert referred.body_reference == "GC-78"
    again = client.post(url, data=data | {f"{prefix}-body_reference": "GC-79"})
    html = again.get_data(as_text=True)
    assert again.status_code == 409 and "Someone else changed this referral" in html
    assert 'value="GC-79"' in html
    assert f'name="{prefix}-version" type="hidden" value="{referred.version}"' in html


def test_agents_read_only_and_403_on_every_post(
    client: FlaskClient, people: dict[str, Any], answered: Any, referred: Referral
) -> None:
    login(client, people["agent"])
    html = _case(client, answered)
    panel = html[html.index('id="mediation"') :]
    assert "De Geschillencommissie" in panel and "Reply overdue by" in panel
    assert "<form" not in panel[: panel.index("</section>")]
    assert "Record a referral to a mediator" not in html and "Record our reply" not in html
    assert client.post(_base(answered), data={"mediation-body": "X"}).status_code == 403
    for action in ("reply", "decision", "compliance", "edit"):
        response = client.post(f"{_base(answered)}/{referred.id}/{action}", data={})
        assert response.status_code == 403, action
    assert referred.replied_on is None and referred.decision is None


def test_another_complaints_referral_is_404(
    client: FlaskClient, people: dict[str, Any], answered: Any, referred: Referral
) -> None:
    other = new_complaint(email="bert@example.com")
    give_refund(other, people["agent"])
    login(client, people["manager"])
    url = f"{_base(other)}/{referred.id}/reply"
    assert client.post(url, data={}).status_code == 404
    assert client.post(f"{_base(answered)}/{referred.id}/unknown", data={}).status_code == 404
    assert client.post(f"{_base(answered)}/{referred.id + 99}/reply", data={}).status_code == 404


def test_no_form_before_our_response(client: FlaskClient, people: dict[str, Any]) -> None:
    complaint = new_complaint()
    login(client, people["manager"])
    assert "Record a referral to a mediator" not in _case(client, complaint)
    data = {"mediation-body": "X", "mediation-referred_on": "2026-03-03"}
    response = client.post(_base(complaint), data=data)
    assert response.status_code == 422
    assert "once the customer has had our response" in response.get_data(as_text=True)


def test_the_panel_in_dutch(
    client: FlaskClient, people: dict[str, Any], answered: Any, referred: Referral
) -> None:
    login(client, people["manager"])
    html = client.get(f"/staff/complaints/{answered.reference}?lang=nl").get_data(as_text=True)
    late = (shop_today() - date(2026, 4, 15)).days
    assert f"Reactie {late} dagen te laat" in html and "hun kenmerk GC-77" in html
    assert "Onze reactie vastleggen" in html and "De uitspraak vastleggen" in html
    assert "Klacht gedeeltelijk gegrond" in html  # a choice of the decision form
    inbox = client.get("/staff/?mediation=open").get_data(as_text=True)
    assert "In bemiddeling" in inbox and "Reactie te laat" in inbox


def test_every_form_carries_csrf(
    app: Flask, client: FlaskClient, people: dict[str, Any], answered: Any, referred: Referral
) -> None:
    login(client, people["manager"])
    app.config["WTF_CSRF_ENABLED"] = True
    html = _case(client, answered)
    panel = html[html.index('<div id="mediation"') :]
    panel = panel[: panel.index("</section>")]
    forms = re.findall(r"<form method=\"post\".*?</form>", panel, re.S)
    assert len(forms) == 4  # reply, decision, correct, record a new one
    assert all("csrf_token" in form for form in forms)
    token = re.search(r'name="mediation-csrf_token" type="hidden" value="([^"]+)"', panel)
    assert token is not None
    data = {"mediation-body": "X", "mediation-referred_on": "2026-03-20"}
    assert client.post(_base(answered), data=data).status_code == 400
    good = client.post(_base(answered), data=data | {"mediation-csrf_token": token.group(1)})
    assert good.status_code == 303
