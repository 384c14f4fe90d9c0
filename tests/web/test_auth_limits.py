"""Login rate limits per address (per account and address: test_lockout.py) and CSRF on the
staff forms, with both switched on as in production."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.services.casework_support import find_form, login, new_complaint, submit


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Rate limits and CSRF on, as in production."""
    return {"RATELIMIT_ENABLED": True, "WTF_CSRF_ENABLED": True}


def _try(client: FlaskClient, email: str, ip: str = "127.0.0.1") -> int:
    html = client.get("/staff/login").get_data(as_text=True)
    form = find_form(html, "Log in")
    data = {**form.data(), "email": email, "password": "not the password at all"}
    return client.post("/staff/login", data=data, environ_base={"REMOTE_ADDR": ip}).status_code


def test_ten_attempts_a_minute_per_address(client: FlaskClient, make_staff: Any) -> None:
    staff = make_staff("agent")
    assert [_try(client, f"guess{i}@shop.example") for i in range(10)] == [200] * 10
    assert _try(client, staff.email) == 429
    html = client.get("/staff/login").get_data(as_text=True)
    blocked = submit(client, html, "Log in", {"Email": staff.email, "Password": "x" * 12})
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.get_data(as_text=True)
    # Another address is not affected, and looking at the form is never limited.
    assert _try(client, staff.email, ip="10.1.2.3") == 200
    assert client.get("/staff/login").status_code == 200


def test_login_needs_the_csrf_token(client: FlaskClient, make_staff: Any) -> None:
    staff = make_staff("agent")
    refused = client.post(
        "/staff/login", data={"email": staff.email, "password": "correct horse battery staple"}
    )
    assert refused.status_code == 400
    assert "This form has expired" in refused.get_data(as_text=True)
    assert login(client, staff).status_code == 302


def test_case_actions_and_logout_need_the_csrf_token(client: FlaskClient, make_staff: Any) -> None:
    complaint = new_complaint()
    login(client, make_staff("agent"))
    url = f"/staff/complaints/{complaint.reference}"
    html = client.get(url).get_data(as_text=True)
    form = find_form(html, "Add internal note")
    without = {k: v for k, v in form.data().items() if not k.endswith("csrf_token")}
    assert any(k.endswith("csrf_token") for k in form.data())
    without["note-body"] = "Checked the download server."
    assert client.post(form.action, data=without).status_code == 400
    sent = submit(client, html, "Add internal note", {"Internal note": "Checked the server."})
    assert sent.status_code == 302
    # htmx sends the token from <body hx-headers> instead of a form field.
    token = html.split('"X-CSRFToken": "')[1].split('"')[0]
    fresh = client.get(url).get_data(as_text=True)
    data = {
        k: v
        for k, v in find_form(fresh, "Add internal note").data().items()
        if not k.endswith("csrf_token")
    }
    data["note-body"] = "Second note, via htmx."
    swapped = client.post(
        form.action, data=data, headers={"HX-Request": "true", "X-CSRFToken": token}
    )
    assert swapped.status_code == 200
    assert "Second note, via htmx." in swapped.get_data(as_text=True)
    assert client.post("/staff/logout").status_code == 400
    assert submit(client, fresh, "Log out").status_code == 302
