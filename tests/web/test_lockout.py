"""Login throttling that strangers cannot turn into a lockout (issue 10: about 40 wrong
passwords from rotating addresses locked the real staff member out for 21 minutes).

Failures are counted per (account, address) in the database: five are free, then each
further attempt from that address waits 2, 4, 8 … seconds; an address that never failed
is not refused. Everything through the real form with CSRF and the limits switched on.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from helpdesk.domain import login_delay
from helpdesk.extensions import db, limiter
from helpdesk.models import LoginFailure
from helpdesk.models.types import utcnow
from helpdesk.services import login_throttle
from tests.conftest import STAFF_PASSWORD, dispose, make_app
from tests.services.casework_support import find_form

WRONG = "not the password at all"


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Rate limits and CSRF on, as in production."""
    return {"RATELIMIT_ENABLED": True, "WTF_CSRF_ENABLED": True}


def _post(
    client: FlaskClient,
    email: str,
    password: str,
    ip: str,
    button: str = "Log in",
    *,
    at_once: bool = False,
) -> TestResponse:
    """Fill in and send the login form; `at_once`: as if right after the last failure."""
    html = client.get("/staff/login").get_data(as_text=True)
    data = {**find_form(html, button).data(), "email": email, "password": password}
    if at_once:
        _last_failure_just_now()
    return client.post("/staff/login", data=data, environ_base={"REMOTE_ADDR": ip})


def _last_failure_just_now() -> None:
    """Every recorded failure moved to this instant, so that the time a busy test machine
    takes between two requests never eats into the wait being checked."""
    moment = utcnow()
    for failure in db.session.scalars(select(LoginFailure)):
        failure.failed_at = moment
    db.session.commit()


def _events(caplog: pytest.LogCaptureFixture, name: str) -> list[dict[str, Any]]:
    prefix = f"security {name} "
    return [
        json.loads(r.getMessage()[len(prefix) :])
        for r in caplog.records
        if r.name == "helpdesk.security" and r.getMessage().startswith(prefix)
    ]


def _wait_passes(seconds: int) -> None:
    """As if `seconds` went by: every recorded failure moves that far into the past."""
    for failure in db.session.scalars(select(LoginFailure)):
        failure.failed_at -= timedelta(seconds=seconds)
    db.session.commit()


def test_forty_wrong_passwords_from_rotating_addresses_do_not_lock_out_the_owner(
    client: FlaskClient, make_staff: Any
) -> None:
    staff = make_staff("agent")
    codes = [_post(client, staff.email, WRONG, f"198.51.{i}.7").status_code for i in range(40)]
    assert codes == [200] * 40
    # The real staff member, from an address that never failed, gets in at once.
    assert _post(client, staff.email, STAFF_PASSWORD, "203.0.113.50").status_code == 302


def test_failures_from_one_address_get_a_growing_retry_after(
    client: FlaskClient, make_staff: Any, caplog: pytest.LogCaptureFixture
) -> None:
    staff = make_staff("agent")
    ip = "192.0.2.10"
    with caplog.at_level(logging.WARNING, logger="helpdesk.security"):
        assert [_post(client, staff.email, WRONG, ip).status_code for _ in range(5)] == [200] * 5
        waits = []
        for _ in range(4):
            limiter.reset()  # the per-address limit (10 a minute) has tests of its own
            refused = _post(client, staff.email, STAFF_PASSWORD, ip, at_once=True)
            assert refused.status_code == 429
            waits.append(int(refused.headers["Retry-After"]))
            _wait_passes(waits[-1])
            assert _post(client, staff.email, WRONG, ip).status_code == 200
    assert waits == [2, 4, 8, 16]
    assert [e["wait"] for e in _events(caplog, "login_failed")] == [0, 0, 0, 0, 2, 4, 8, 16, 32]
    page = refused.get_data(as_text=True)
    assert "Too many failed logins for this account from your address." in page
    assert "Please wait 16 seconds and try again." in page
    assert f'value="{staff.email}"' in page  # what was typed is kept
    throttled = _events(caplog, "login_throttled")
    assert [e["retry_after"] for e in throttled] == [2, 4, 8, 16]
    assert {e["ip"] for e in throttled} == {ip}
    assert all(e["email"] == staff.email for e in throttled)
    assert all("password" not in json.dumps(e) for e in throttled)


def test_the_message_is_in_the_users_language(client: FlaskClient, make_staff: Any) -> None:
    staff = make_staff("agent")
    client.get("/staff/login?lang=nl")
    for _ in range(5):
        _post(client, staff.email, WRONG, "192.0.2.11", "Inloggen")
    refused = _post(client, staff.email, WRONG, "192.0.2.11", "Inloggen", at_once=True)
    assert refused.status_code == 429
    assert "2 seconden" in refused.get_data(as_text=True)


def test_the_right_password_after_waiting_works(client: FlaskClient, make_staff: Any) -> None:
    staff = make_staff("agent")
    ip = "192.0.2.20"
    for _ in range(5):
        assert _post(client, staff.email, WRONG, ip).status_code == 200
    refused = _post(client, staff.email, STAFF_PASSWORD, ip, at_once=True)
    assert refused.status_code == 429
    time.sleep(int(refused.headers["Retry-After"]) + 0.05)  # a real wait, no clock tricks
    assert _post(client, staff.email, STAFF_PASSWORD, ip).status_code == 302
    # A success forgets that address's failures for the account.
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 0


def test_a_throttled_address_does_not_block_the_owner_elsewhere(
    client: FlaskClient, make_staff: Any
) -> None:
    staff = make_staff("agent")
    for _ in range(6):
        _post(client, staff.email, WRONG, "192.0.2.30")
    assert _post(client, staff.email, WRONG, "192.0.2.30", at_once=True).status_code == 429
    assert _post(client, staff.email, STAFF_PASSWORD, "192.0.2.31").status_code == 302


def test_an_account_under_distributed_attack_gives_each_address_one_try(
    client: FlaskClient, make_staff: Any
) -> None:
    staff = make_staff("agent")
    for i in range(login_delay.ACCOUNT_FAILURES_PER_HOUR):
        login_throttle.record_failure(staff.email, f"10.66.{i // 250}.{i % 250}")
    assert _post(client, staff.email, WRONG, "198.51.100.1").status_code == 200
    refused = _post(client, staff.email, WRONG, "198.51.100.1")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) == login_delay.MAX_WAIT_SECONDS
    # Never a hard lock: the right password from an address that has not failed works.
    assert _post(client, staff.email, STAFF_PASSWORD, "198.51.100.2").status_code == 302


def test_the_delay_holds_in_another_app_on_the_same_database(
    app: Flask, client: FlaskClient, make_staff: Any, tmp_path: Any
) -> None:
    """Two app instances (as two workers are) share the failures through the database."""
    email = make_staff("agent").email  # read here: in the other app it would load through it
    for _ in range(5):
        _post(client, email, WRONG, "192.0.2.40")
    other = make_app(
        tmp_path / "other",
        app.config["SQLALCHEMY_DATABASE_URI"],
        RATELIMIT_ENABLED=True,
        WTF_CSRF_ENABLED=True,
    )
    _last_failure_just_now()
    try:
        with other.app_context():
            refused = _post(other.test_client(), email, STAFF_PASSWORD, "192.0.2.40")
    finally:
        dispose(other)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "2"
