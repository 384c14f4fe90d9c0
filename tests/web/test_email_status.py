"""Staff see failed and waiting emails (issue 10: "Staff never see an email that failed or is
still waiting"): the case page's "Emails" panel, the inbox's "Email failed" mark and
"Emails failed" quick filter, and "Retry now" on a failed email.

The emails go through the real outbox drain to a real SMTP server (aiosmtpd) that refuses
nobody@… for good (550, with markup in its answer) and busy@… for now (450)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from helpdesk.extensions import db
from helpdesk.mail.sender import PERMANENT_ATTEMPTS, send_pending
from helpdesk.models import AuditEvent, OutboxEmail
from helpdesk.models.types import utcnow
from tests.conftest import RefusingSink, free_port, serving
from tests.services.outcomes_support import fast_staff, login, new_complaint

HTMX = {"HX-Request": "true"}


class Refusing(RefusingSink):
    """Refuses nobody@… permanently, with markup in the answer; busy@… for now."""

    PERMANENT = "550 5.1.1 <b>unknown</b> <script>alert(1)</script>"


@pytest.fixture
def server() -> Iterator[Refusing]:
    with serving(Refusing(free_port())) as sink:
        yield sink


@pytest.fixture
def world(app: Flask, server: Refusing) -> dict[str, Any]:
    """Three complaints whose acknowledgements were failed, waiting and sent."""
    app.config["SMTP_URL"] = server.url
    made: dict[str, Any] = {
        "failed": new_complaint(name="Fay Failed", email="nobody@example.com"),
        "waiting": new_complaint(name="Wim Waiting", email="busy@example.com"),
        "sent": new_complaint(name="Sam Sent", email="sam@example.com"),
    }
    moment = utcnow()
    for _ in range(PERMANENT_ATTEMPTS):
        send_pending(now=moment)
        moment += timedelta(hours=1)
    for key in ("failed", "waiting", "sent"):
        made[f"{key}_email"] = (
            db.session.query(OutboxEmail).filter_by(complaint_id=made[key].id).one()
        )
    assert made["failed_email"].failed_at is not None
    assert made["waiting_email"].failed_at is None and made["waiting_email"].attempts == 3
    assert made["sent_email"].sent_at is not None
    made["agent"], made["manager"] = fast_staff("agent"), fast_staff("manager")
    return made


def panel(page: str) -> str:
    start = page.index('<section class="card" id="emails"')
    return page[start : page.index("</section>", start)]


def case_page(client: FlaskClient, complaint: Any, headers: dict[str, str] | None = None) -> str:
    response = client.get(f"/staff/complaints/{complaint.reference}", headers=headers)
    assert response.status_code == 200
    return str(response.get_data(as_text=True))


def retry_url(complaint: Any, email: OutboxEmail) -> str:
    return f"/staff/complaints/{complaint.reference}/emails/{email.id}/retry"


# --- the case page ---------------------------------------------------------------------------


def test_a_failed_email_shows_its_error_as_text_and_retry_now(
    client: FlaskClient, world: dict[str, Any]
) -> None:
    login(client, world["agent"])
    emails = panel(case_page(client, world["failed"]))
    assert "Acknowledgement" in emails and "nobody@example.com" in emails
    assert '<span class="badge overdue">Failed</span>' in emails
    assert "&lt;b&gt;unknown&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;" in emails
    assert "<script>" not in emails and "<b>" not in emails
    form = re.search(r'<form method="post" action="([^"]+)"', emails)
    assert form is not None and form.group(1) == retry_url(world["failed"], world["failed_email"])
    assert 'name="csrf_token"' in emails and "Retry now" in emails


def test_a_waiting_email_shows_attempts_next_try_and_last_error(
    client: FlaskClient, world: dict[str, Any]
) -> None:
    login(client, world["agent"])
    emails = panel(case_page(client, world["waiting"]))
    assert '<span class="badge soon">Waiting</span>' in emails
    assert "3 attempts" in emails and "next try" in emails
    assert "Last error:" in emails and "450 4.2.1 Mailbox busy, try later" in emails
    assert "Retry now" not in emails


def test_a_sent_email_shows_when(client: FlaskClient, world: dict[str, Any]) -> None:
    login(client, world["agent"])
    emails = panel(case_page(client, world["sent"]))
    sent_at = world["sent_email"].sent_at
    assert '<span class="badge ok">Sent</span>' in emails
    assert f'<time datetime="{sent_at.isoformat()}">' in emails
    assert "Retry now" not in emails and "error" not in emails.lower()


def test_the_htmx_case_body_carries_the_panel(client: FlaskClient, world: dict[str, Any]) -> None:
    login(client, world["agent"])
    fragment = case_page(client, world["failed"], headers=HTMX)
    assert fragment.lstrip().startswith('<div id="case-body"') and "<html" not in fragment
    assert "Retry now" in panel(fragment)
    page = case_page(client, world["failed"])
    hidden = dict(re.findall(r'<input[^>]*name="(note-\w+)"[^>]*value="([^"]*)"', page))
    noted = client.post(
        f"/staff/complaints/{world['failed'].reference}/notes",
        data={**hidden, "note-body": "Phoned the customer for a new address."},
        headers=HTMX,
    )
    assert noted.status_code == 200
    assert "Retry now" in panel(noted.get_data(as_text=True))


# --- the inbox ---------------------------------------------------------------------------------


def _row(page: str, complaint: Any) -> str:
    start = page.index(f'<tr id="complaint-{complaint.id}"')
    return page[start : page.index("</tr>", start)]


def test_the_inbox_marks_rows_and_counts_failed_emails(
    client: FlaskClient, world: dict[str, Any]
) -> None:
    login(client, world["agent"])
    page = client.get("/staff/").get_data(as_text=True)
    mark = '<span class="badge overdue email-failed">Email failed</span>'
    assert mark in _row(page, world["failed"])
    assert mark not in _row(page, world["waiting"]) and mark not in _row(page, world["sent"])
    counted = re.search(r'data-count="email_failed">Emails failed <span class="count">(\d+)', page)
    assert counted is not None and counted.group(1) == "1"
    fragment = client.get("/staff/", headers=HTMX).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="inbox-list"') and "<html" not in fragment
    assert mark in _row(fragment, world["failed"])


def test_the_emails_failed_filter(client: FlaskClient, world: dict[str, Any]) -> None:
    login(client, world["agent"])
    page = client.get("/staff/?mail=failed").get_data(as_text=True)
    assert page.count('<tr id="complaint-') == 1 and "Fay Failed" in page
    assert (
        'name="mail" value="failed"' in page
        and 'aria-current=true data-count="email_failed"' in page
    )
    fragment = client.get("/staff/?mail=failed", headers=HTMX)
    part = fragment.get_data(as_text=True)
    assert part.lstrip().startswith('<div id="inbox-list"') and part.count("<tr id=") == 1
    assert fragment.headers["HX-Push-Url"] == "/staff/?status=all&mail=failed"
    searched = client.get("/staff/?mail=failed&q=Fay").get_data(as_text=True)
    assert searched.count('<tr id="complaint-') == 1
    assert client.get("/staff/?mail=failed&q=Sam").get_data(as_text=True).count("<tr id=") == 0


# --- Retry now ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["agent", "manager"])
def test_retry_now_queues_the_email_again_with_an_audit_event(
    client: FlaskClient, world: dict[str, Any], role: str
) -> None:
    login(client, world[role])
    complaint, email = world["failed"], world["failed_email"]
    response = client.post(retry_url(complaint, email))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/staff/complaints/{complaint.reference}#emails"
    db.session.refresh(email)
    assert email.failed_at is None and email.sent_at is None and email.attempts == 0
    assert abs(email.next_attempt_at - utcnow()) < timedelta(minutes=1)
    event = db.session.query(AuditEvent).filter_by(action="email_retried").one()
    assert event.staff_id == world[role].id and event.detail["email"] == email.id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The email to nobody@example.com will be sent again shortly." in page
    assert "Failed email queued again" in page  # the audit trail
    assert '<span class="badge soon">Waiting</span>' in panel(page)
    assert "Email failed" not in _row(
        client.get("/staff/?status=all").get_data(as_text=True), complaint
    )


def test_retry_twice_is_refused_kindly_the_second_time(
    client: FlaskClient, world: dict[str, Any]
) -> None:
    login(client, world["agent"])
    url = retry_url(world["failed"], world["failed_email"])
    client.post(url)
    again = client.post(url, follow_redirects=True)
    assert again.status_code == 200
    assert "This email is no longer marked as failed" in again.get_data(as_text=True)
    assert db.session.query(AuditEvent).filter_by(action="email_retried").count() == 1
    waiting = client.post(retry_url(world["waiting"], world["waiting_email"]))
    assert waiting.status_code == 303
    db.session.refresh(world["waiting_email"])
    assert world["waiting_email"].attempts == 3  # a waiting email is left to its backoff


def test_retry_needs_staff_and_the_email_of_that_complaint(
    app: Flask, client: FlaskClient, world: dict[str, Any]
) -> None:
    url = retry_url(world["failed"], world["failed_email"])
    anonymous = client.post(url)
    assert anonymous.status_code in (302, 303) and "/staff/login" in anonymous.headers["Location"]
    login(client, world["agent"])
    other = retry_url(world["sent"], world["failed_email"])
    assert client.post(other).status_code == 404
    assert client.post(url.replace(world["failed"].reference, "ABCDEFGHJKMN")).status_code == 404
    db.session.refresh(world["failed_email"])
    assert world["failed_email"].failed_at is not None


def test_retry_needs_the_csrf_token(app: Flask, client: FlaskClient, world: dict[str, Any]) -> None:
    login(client, world["agent"])
    app.config["WTF_CSRF_ENABLED"] = True
    url = retry_url(world["failed"], world["failed_email"])
    assert client.post(url).status_code == 400
    db.session.refresh(world["failed_email"])
    assert world["failed_email"].failed_at is not None
    emails = panel(case_page(client, world["failed"]))
    token = re.search(r'name="csrf_token" value="([^"]+)"', emails)
    assert token is not None
    assert client.post(url, data={"csrf_token": token.group(1)}).status_code == 303
    db.session.refresh(world["failed_email"])
    assert world["failed_email"].failed_at is None


def test_a_retried_email_goes_out_once_the_address_works(
    app: Flask, client: FlaskClient, world: dict[str, Any], server: Refusing
) -> None:
    login(client, world["agent"])
    email = world["failed_email"]
    client.post(retry_url(world["failed"], email))
    db.session.query(OutboxEmail).filter_by(id=email.id).update({"to_addr": "fay@example.com"})
    db.session.commit()
    assert send_pending().sent == 1
    db.session.refresh(email)
    assert email.sent_at is not None
    assert [to for _, tos, _ in server.received for to in tos].count("fay@example.com") == 1
