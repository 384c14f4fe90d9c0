"""Staff accounts: creating, refusing, passwords (scrypt), sessions that end, and `flask staff`."""

from __future__ import annotations

import hashlib
import time
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select, update

from helpdesk.extensions import db
from helpdesk.models import Staff, StaffSession
from helpdesk.models.types import utcnow
from helpdesk.services import accounts
from helpdesk.services.accounts import AccountError

PASSWORD = "a long enough password"


def test_create_stores_an_scrypt_hash_and_a_lowercase_email(app: Flask) -> None:
    staff = accounts.create_staff("  Mia@Shop.Example ", "Mia Jansen", "agent", PASSWORD)
    assert staff.email == "mia@shop.example"
    assert staff.password_hash.startswith("scrypt:")
    assert PASSWORD not in staff.password_hash
    assert staff.active and not staff.is_manager


@pytest.mark.parametrize(
    ("email", "name", "role", "password", "words"),
    [
        ("mia@shop.example", "Mia", "agent", "short", "at least 12 characters"),
        ("mia@shop.example", "Mia", "agent", "x" * 11, "at least 12 characters"),
        ("mia@shop.example", "Mia", "boss", PASSWORD, "agent or manager"),
        ("not-an-address", "Mia", "agent", PASSWORD, "not a valid email"),
        ("mia@shop.example", "  ", "agent", PASSWORD, "name"),
    ],
)
def test_create_refuses_bad_input(
    app: Flask, email: str, name: str, role: str, password: str, words: str
) -> None:
    with pytest.raises(AccountError, match=words):
        accounts.create_staff(email, name, role, password)
    assert db.session.scalar(select(func.count(Staff.id))) == 0


def test_create_refuses_an_existing_email_whatever_its_case(app: Flask) -> None:
    accounts.create_staff("mia@shop.example", "Mia", "agent", PASSWORD)
    with pytest.raises(AccountError, match="already an account"):
        accounts.create_staff("MIA@shop.example", "Other Mia", "manager", PASSWORD)
    assert db.session.scalar(select(func.count(Staff.id))) == 1


def test_authenticate(app: Flask) -> None:
    staff = accounts.create_staff("mia@shop.example", "Mia", "agent", PASSWORD)
    assert accounts.authenticate("MIA@shop.example", PASSWORD) == staff
    assert accounts.authenticate("mia@shop.example", PASSWORD + "!") is None
    assert accounts.authenticate("nobody@shop.example", PASSWORD) is None
    assert accounts.authenticate("mia@shop.example", "x" * 5000) is None
    accounts.deactivate_staff("mia@shop.example")
    assert accounts.authenticate("mia@shop.example", PASSWORD) is None


def test_an_unknown_email_costs_a_hash_check_too(app: Flask) -> None:
    accounts.create_staff("mia@shop.example", "Mia", "agent", PASSWORD)
    accounts.authenticate("nobody@shop.example", PASSWORD)  # the dummy hash is made once

    def fastest(email: str) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            accounts.authenticate(email, "wrong password here")
            times.append(time.perf_counter() - start)
        return min(times)

    known, unknown = fastest("mia@shop.example"), fastest("nobody@shop.example")
    # scrypt takes tens of milliseconds; a skipped check would be a thousand times faster.
    assert unknown > known * 0.3


def test_sessions_start_load_and_end(app: Flask) -> None:
    staff = accounts.create_staff("mia@shop.example", "Mia", "agent", PASSWORD)
    token = accounts.start_session(staff)
    assert len(token) >= 40
    assert staff.last_login_at is not None
    assert accounts.load_session(token) == staff
    accounts.end_session(token)
    assert accounts.load_session(token) is None
    assert accounts.load_session("") is None
    assert accounts.load_session("x" * 500) is None


def test_a_session_ends_after_twelve_idle_hours(app: Flask) -> None:
    staff = accounts.create_staff("mia@shop.example", "Mia", "agent", PASSWORD)
    start = utcnow()
    token = accounts.start_session(staff, now=start)
    # Seen again after 11 h: still valid, and the idle time starts again from there.
    assert accounts.load_session(token, now=start + timedelta(hours=11)) == staff
    assert accounts.load_session(token, now=start + timedelta(hours=22)) == staff
    # Then 12 h and a minute of silence: over, and the row is gone.
    assert accounts.load_session(token, now=start + timedelta(hours=34, minutes=1)) is None
    assert db.session.get(StaffSession, accounts.token_digest(token)) is None


def test_last_seen_is_written_at_most_every_few_minutes(app: Flask) -> None:
    staff = accounts.create_staff("mia@shop.example", "Mia", "agent", PASSWORD)
    start = utcnow()
    token = accounts.start_session(staff, now=start)
    accounts.load_session(token, now=start + timedelta(minutes=1))
    assert db.session.get(StaffSession, accounts.token_digest(token)).last_seen_at == start
    accounts.load_session(token, now=start + timedelta(minutes=6))
    assert db.session.get(
        StaffSession, accounts.token_digest(token)
    ).last_seen_at == start + timedelta(minutes=6)


def test_a_session_check_reads_who_without_loading_the_account(app: Flask) -> None:
    """find_session_staff gives the account's id, name and role from one statement; an
    account made inactive behind the services' back (its sessions left) is refused and its
    session ended."""
    staff = accounts.create_staff("mia@shop.example", "Mia", "manager", PASSWORD)
    token, staff_id = accounts.start_session(staff), staff.id
    db.session.expunge_all()
    who = accounts.find_session_staff(token)
    assert who == accounts.SessionStaff(staff_id, "Mia", "manager", True)
    assert who is not None and who.is_manager
    assert not db.session.identity_map  # no ORM object loaded
    assert accounts.load_session(token) == db.session.get(Staff, staff_id)
    db.session.execute(update(Staff).where(Staff.id == staff_id).values(active=False))
    db.session.commit()
    assert accounts.find_session_staff(token) is None
    assert db.session.get(StaffSession, accounts.token_digest(token)) is None


def test_deactivating_and_new_passwords_end_every_session(app: Flask) -> None:
    staff = accounts.create_staff("mia@shop.example", "Mia", "agent", PASSWORD)
    first, second = accounts.start_session(staff), accounts.start_session(staff)
    accounts.set_password("mia@shop.example", "another long password")
    assert accounts.load_session(first) is None and accounts.load_session(second) is None
    assert accounts.authenticate("mia@shop.example", "another long password") == staff
    token = accounts.start_session(staff)
    accounts.deactivate_staff("MIA@shop.example")
    assert accounts.load_session(token) is None
    with pytest.raises(AccountError, match="at least 12"):
        accounts.set_password("mia@shop.example", "short")
    with pytest.raises(AccountError, match="no account"):
        accounts.deactivate_staff("ghost@shop.example")


# --- the command line ------------------------------------------------------------------


def test_cli_create_with_password_on_stdin(runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=[
            "staff",
            "create",
            "mia@shop.example",
            "--name",
            "Mia Jansen",
            "--role",
            "manager",
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created manager Mia Jansen <mia@shop.example>" in result.output
    assert accounts.authenticate("mia@shop.example", PASSWORD).role == "manager"


def test_cli_create_prompts_twice_and_hides_the_password(runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["staff", "create", "mia@shop.example", "--name", "Mia", "--role", "agent"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Repeat the password" in result.output
    assert PASSWORD not in result.output
    assert accounts.authenticate("mia@shop.example", PASSWORD) is not None


def test_cli_create_refuses_short_passwords_and_existing_emails(runner: FlaskCliRunner) -> None:
    args = [
        "staff",
        "create",
        "mia@shop.example",
        "--name",
        "Mia",
        "--role",
        "agent",
        "--password-stdin",
    ]
    short = runner.invoke(args=args, input="too short\n")
    assert short.exit_code == 1
    assert "at least 12 characters" in short.output
    assert runner.invoke(args=args, input=PASSWORD + "\n").exit_code == 0
    again = runner.invoke(args=[*args[:2], "MIA@shop.example", *args[3:]], input=PASSWORD + "\n")
    assert again.exit_code == 1
    assert "already an account for mia@shop.example" in again.output
    bad_role = runner.invoke(
        args=[
            "staff",
            "create",
            "x@shop.example",
            "--name",
            "X",
            "--role",
            "boss",
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
    )
    assert bad_role.exit_code != 0


def test_cli_list_deactivate_and_set_password(runner: FlaskCliRunner) -> None:
    assert "No staff accounts yet" in runner.invoke(args=["staff", "list"]).output
    accounts.create_staff("mia@shop.example", "Mia Jansen", "agent", PASSWORD)
    listed = runner.invoke(args=["staff", "list"]).output
    assert "mia@shop.example\tMia Jansen\tagent\tactive" in listed

    changed = runner.invoke(
        args=["staff", "set-password", "mia@shop.example", "--password-stdin"],
        input="a brand new password\n",
    )
    assert changed.exit_code == 0, changed.output
    assert accounts.authenticate("mia@shop.example", "a brand new password") is not None
    short = runner.invoke(
        args=["staff", "set-password", "mia@shop.example", "--password-stdin"], input="short\n"
    )
    assert short.exit_code == 1 and "at least 12" in short.output

    gone = runner.invoke(args=["staff", "deactivate", "mia@shop.example"])
    assert gone.exit_code == 0 and "Deactivated Mia Jansen" in gone.output
    assert "deactivated" in runner.invoke(args=["staff", "list"]).output
    unknown = runner.invoke(args=["staff", "deactivate", "ghost@shop.example"])
    assert unknown.exit_code == 1 and "no account for ghost@shop.example" in unknown.output
    unknown = runner.invoke(
        args=["staff", "set-password", "ghost@shop.example", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert unknown.exit_code == 1


def test_a_busy_session_still_ends_a_day_after_the_login(app: Flask) -> None:
    """Idle time alone let a session live for ever (a 60-day-old one still worked)."""
    staff = accounts.create_staff("mia@shop.example", "Mia", "agent", PASSWORD)
    start = utcnow()
    token = accounts.start_session(staff, now=start)
    for hours in range(1, 24):  # used every hour, never idle
        assert accounts.load_session(token, now=start + timedelta(hours=hours)) == staff
    assert accounts.load_session(token, now=start + timedelta(hours=24, minutes=1)) is None
    app.config["STAFF_SESSION_HOURS"] = 48
    later = accounts.start_session(staff, now=start)
    for hours in (10, 20, 30):  # never 12 h idle, and within the 48 h now allowed
        assert accounts.load_session(later, now=start + timedelta(hours=hours)) == staff


def test_the_database_keeps_only_the_tokens_hash(app: Flask) -> None:
    """A copy of the session table (a backup, a leak) must hold no cookie that logs in."""
    staff = accounts.create_staff("mia@shop.example", "Mia", "agent", PASSWORD)
    token = accounts.start_session(staff)
    stored = db.session.scalars(select(StaffSession.token)).all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    assert accounts.load_session(stored[0]) is None  # the stored value is no key
    assert accounts.load_session(token) == staff
