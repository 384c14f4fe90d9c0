"""Staff login, logout and access: server-side sessions, a safe `next`, and every /staff URL
refused to anonymous visitors (found by walking the URL map, so new routes are covered)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import StaffSession
from helpdesk.models.types import utcnow
from helpdesk.services import accounts
from helpdesk.web.auth import is_safe_next
from tests.conftest import STAFF_PASSWORD as PASSWORD
from tests.services.casework_support import (
    HTMX,
    find_form,
    login,
    new_complaint,
    parse_forms,
    submit,
)
from tests.web.routes_support import example_url

WRONG = "The email address or password is not correct."


def test_login_page_has_email_and_password_and_no_remember_me(client: FlaskClient) -> None:
    html = client.get("/staff/login").get_data(as_text=True)
    form = find_form(html, "Log in")
    assert form.method == "post"
    assert '<label class="label" for="email">Email</label>' in html
    assert '<label class="label" for="password">Password</label>' in html
    assert "remember" not in html.lower()


def test_login_then_inbox(client: FlaskClient, make_staff: Any) -> None:
    staff = make_staff("agent", name="Mia Jansen")
    response = login(client, staff)
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"
    page = client.get("/staff/")
    assert page.status_code == 200
    assert "Mia Jansen" in page.get_data(as_text=True)
    assert client.get_cookie("remember_token") is None
    assert db.session.scalar(select(StaffSession).where(StaffSession.staff_id == staff.id))


def test_unknown_email_wrong_password_and_inactive_look_the_same(
    client: FlaskClient, make_staff: Any
) -> None:
    staff = make_staff("agent")
    inactive = make_staff("agent")
    accounts.deactivate_staff(inactive.email)
    answers = []
    for email, password in [
        ("nobody@shop.example", "correct horse battery staple"),
        (staff.email, "a wrong password!!"),
        (inactive.email, "correct horse battery staple"),
    ]:
        html = client.get("/staff/login").get_data(as_text=True)
        response = submit(client, html, "Log in", {"Email": email, "Password": password})
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        assert WRONG in text
        assert f'value="{email}"' in text  # the typed address is kept
        # Compare the pages without the address typed and the (timestamped) CSRF token.
        answers.append(re.sub(r'"X-CSRFToken": "[^"]+"', "", text.replace(email, "EMAIL")))
    assert answers[0] == answers[1] == answers[2]
    assert client.get("/staff/").status_code == 302


def test_empty_fields_get_messages_next_to_them(client: FlaskClient) -> None:
    html = client.get("/staff/login").get_data(as_text=True)
    text = submit(client, html, "Log in", {"Email": "", "Password": ""}).get_data(as_text=True)
    assert "Please enter your email address." in text
    assert "Please enter your password." in text


@pytest.mark.parametrize(
    ("target", "safe"),
    [
        ("/staff/complaints/ABCD", True),
        ("/staff/?status=all&page=2", True),
        ("//evil.example/x", False),
        ("/\\evil.example", False),
        ("http://evil.example/", False),
        ("https:/evil.example", False),
        ("javascript:alert(1)", False),
        ("/staff/\x00x", False),
        ("/staff/\nLocation: x", False),
        (" /staff/", False),
        ("staff/", False),
        ("", False),
    ],
)
def test_safe_next(target: str, safe: bool) -> None:
    assert is_safe_next(target) is safe


@pytest.mark.parametrize("target", ["//evil.example/x", "/\\evil.example", "javascript:alert(1)"])
def test_login_ignores_an_unsafe_next(client: FlaskClient, make_staff: Any, target: str) -> None:
    staff = make_staff("agent")
    html = client.get("/staff/login", query_string={"next": target}).get_data(as_text=True)
    form = find_form(html, "Log in")
    assert form.data()["next"] == ""
    data = {**form.data(), "email": staff.email, "password": "correct horse battery staple"}
    data["next"] = target  # even when posted directly
    response = client.post("/staff/login", data=data)
    assert response.headers["Location"] == "/staff/"


def test_anonymous_visitor_comes_back_after_login(client: FlaskClient, make_staff: Any) -> None:
    staff = make_staff("agent")
    complaint = new_complaint()
    asked = client.get(f"/staff/complaints/{complaint.reference}")
    assert asked.status_code == 302
    assert asked.headers["Location"] == f"/staff/login?next=/staff/complaints/{complaint.reference}"
    html = client.get(asked.headers["Location"]).get_data(as_text=True)
    response = submit(
        client, html, "Log in", {"Email": staff.email, "Password": "correct horse battery staple"}
    )
    assert response.headers["Location"] == f"/staff/complaints/{complaint.reference}"


def test_login_starts_a_new_session(app: Flask, make_staff: Any) -> None:
    staff = make_staff("agent")
    client = app.test_client()
    html = client.get("/staff/login?lang=nl").get_data(as_text=True)  # a session exists now
    before = client.get_cookie("session")
    assert before is not None
    (form,) = [f for f in parse_forms(html)[0] if f.action == "/staff/login"]  # in Dutch
    client.post(form.action, data={**form.data(), "email": staff.email, "password": PASSWORD})
    after = client.get_cookie("session")
    assert after is not None and after.value != before.value
    # The cookie from before the login is worth nothing.
    planted = app.test_client()
    planted.set_cookie("session", before.value)
    assert planted.get("/staff/").status_code == 302
    # The language choice survives the fresh session.
    assert 'lang="nl"' in client.get("/staff/").get_data(as_text=True)


def test_logout_kills_a_copied_cookie(app: Flask, make_staff: Any) -> None:
    staff = make_staff("agent")
    mine = app.test_client()
    login(mine, staff)
    cookie = mine.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    assert thief.get("/staff/").status_code == 200  # the copy works while the session lives

    html = mine.get("/staff/").get_data(as_text=True)
    out = submit(mine, html, "Log out")
    assert out.status_code == 302 and out.headers["Location"] == "/staff/login"
    assert db.session.scalar(select(StaffSession).where(StaffSession.staff_id == staff.id)) is None
    assert mine.get("/staff/").status_code == 302
    assert thief.get("/staff/").status_code == 302


def test_logout_is_a_post(client: FlaskClient, make_staff: Any) -> None:
    login(client, make_staff("agent"))
    assert client.get("/staff/logout").status_code == 405
    assert client.get("/staff/").status_code == 200


def test_twelve_idle_hours_end_the_session(client: FlaskClient, make_staff: Any) -> None:
    staff = make_staff("agent")
    login(client, staff)
    row = db.session.scalar(select(StaffSession).where(StaffSession.staff_id == staff.id))
    row.last_seen_at = utcnow() - timedelta(hours=12, minutes=1)
    db.session.commit()
    response = client.get("/staff/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/staff/login")
    assert db.session.scalar(select(StaffSession).where(StaffSession.staff_id == staff.id)) is None


def test_deactivated_staff_are_logged_out(client: FlaskClient, make_staff: Any) -> None:
    staff = make_staff("agent")
    login(client, staff)
    assert client.get("/staff/").status_code == 200
    staff.active = False  # even if a session row were left behind
    db.session.commit()
    assert client.get("/staff/").status_code == 302


def test_logged_in_staff_skip_the_login_page(client: FlaskClient, make_staff: Any) -> None:
    login(client, make_staff("agent"))
    response = client.get("/staff/login?next=/staff/team")
    assert response.status_code == 302 and response.headers["Location"] == "/staff/team"


# --- every /staff route refuses anonymous visitors -------------------------------------------


def _staff_rules(app: Flask) -> list[Any]:
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/staff") and rule.endpoint != "staff.login"
    ]


def test_every_staff_url_refuses_anonymous_visitors(app: Flask, client: FlaskClient) -> None:
    rules = _staff_rules(app)
    endpoints = {rule.endpoint for rule in rules}
    assert {"staff.inbox", "staff.case", "staff.reply", "staff.logout", "manager.team"} <= endpoints
    for rule in rules:
        url = example_url(rule)
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(url, method=method)
            assert response.status_code == 302, (method, url, response.status_code)
            assert response.headers["Location"].startswith("/staff/login"), (method, url)
            fragment = client.open(url, method=method, headers=HTMX)
            assert fragment.status_code == 401, (method, url)
            assert fragment.headers["HX-Redirect"].startswith("/staff/login")


def test_agents_get_403_on_manager_pages(app: Flask, client: FlaskClient, make_staff: Any) -> None:
    login(client, make_staff("agent"))
    rules = [r for r in _staff_rules(app) if r.rule.startswith(("/staff/manage", "/staff/team"))]
    assert rules
    for rule in rules:
        url = example_url(rule)
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(url, method=method)
            assert response.status_code == 403, (method, url, response.status_code)
            assert "You do not have permission to do that." in response.get_data(as_text=True)


def test_managers_see_the_team(client: FlaskClient, make_staff: Any) -> None:
    manager = make_staff("manager", name="Sam Manager")
    make_staff("agent", name="Ada Agent")
    login(client, manager)
    html = client.get("/staff/team").get_data(as_text=True)
    assert "Ada Agent" in html and "Sam Manager" in html
    assert 'href="/staff/team"' in client.get("/staff/").get_data(as_text=True)


def test_staff_pages_are_never_stored_by_browsers_or_proxies(client, make_staff) -> None:
    from tests.services.outcomes_support import login

    assert "no-store" in client.get("/staff/login").headers["Cache-Control"]
    login(client, make_staff("agent"))
    for path in ("/staff/", "/staff/team", "/staff/no-such-page"):
        assert "no-store" in client.get(path).headers.get("Cache-Control", ""), path
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
