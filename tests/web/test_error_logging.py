"""Every unexpected error is logged with its traceback; failed logins, refused roles, CSRF
failures and rate limits are logged as security events (one structured line each)."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from flask import Flask

from tests.services.casework_support import find_form, login, new_complaint


def _events(caplog: pytest.LogCaptureFixture, name: str) -> list[dict[str, Any]]:
    found = []
    for record in caplog.records:
        if record.name == "helpdesk.security" and record.getMessage().startswith(
            f"security {name} "
        ):
            found.append(json.loads(record.getMessage().split(" ", 2)[2]))
    return found


@pytest.mark.parametrize("app_config", [{"TESTING": False}])  # the 500 handler is on
def test_a_server_error_is_logged_with_its_traceback(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    def boom() -> str:
        raise RuntimeError("the disk is full")

    app.add_url_rule("/boom", view_func=boom)
    with caplog.at_level(logging.ERROR, logger="helpdesk.errors"):
        response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "the disk is full" not in response.get_data(as_text=True)  # never shown
    records = [r for r in caplog.records if r.name == "helpdesk.errors"]
    assert len(records) == 1
    assert records[0].getMessage() == "unexpected error on GET /boom"
    assert records[0].exc_info is not None and records[0].exc_info[0] is RuntimeError


def test_a_failed_login_is_a_security_event_without_the_password(
    client: Any, make_staff: Any, caplog: pytest.LogCaptureFixture
) -> None:
    staff = make_staff("agent")
    with caplog.at_level(logging.WARNING, logger="helpdesk.security"):
        client.post("/staff/login", data={"email": staff.email, "password": "wrong-password-x"})
    [event] = _events(caplog, "login_failed")
    assert event["email"] == staff.email and event["path"] == "/staff/login"
    assert event["ip"] == "127.0.0.1"
    assert "wrong-password-x" not in caplog.text


def test_a_refused_role_is_a_security_event(
    app: Flask, client: Any, make_staff: Any, caplog: pytest.LogCaptureFixture
) -> None:
    complaint = new_complaint()
    login(client, make_staff("agent"))
    with caplog.at_level(logging.WARNING, logger="helpdesk.security"):
        response = client.get(f"/staff/complaints/{complaint.reference}/case-file.pdf")
    assert response.status_code == 403
    [event] = _events(caplog, "forbidden")
    assert event["status"] == 403 and event["path"].endswith("/case-file.pdf")


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "WTF_CSRF_ENABLED": True}])
def test_csrf_failures_and_rate_limits_are_security_events(
    client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="helpdesk.security"):
        assert client.post("/staff/login", data={"email": "a@b.example"}).status_code == 400
        form = find_form(client.get("/staff/login").get_data(as_text=True), "Log in")
        codes = [
            client.post(
                "/staff/login",
                data={**form.data(), "email": f"g{i}@x.example", "password": "not the password"},
            ).status_code
            for i in range(11)
        ]
    assert codes[-1] == 429
    assert len(_events(caplog, "csrf_failed")) == 1
    [limited] = _events(caplog, "rate_limited")
    assert limited["status"] == 429
