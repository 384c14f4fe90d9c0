"""Migration 0004 on a database with data from before it: the existing audit events are
chained (and verify), a referral recorded as an audit event becomes a referral row, and the
next event recorded by the application links to the migrated head."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from itertools import chain, zip_longest
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import AuditEvent, Complaint, Referral
from helpdesk.models.types import UTCDateTime
from helpdesk.services.audit_trail import chain_head, verify_all
from helpdesk.services.lifecycle import record_event
from tests.conftest import make_app
from tests.pg_databases import fresh_pg_database

RECEIVED = datetime(2026, 10, 5, 8, 15, 30, 250000, tzinfo=UTC)
REFERRAL = {"body": "De Geschillencommissie", "referred_on": "2026-11-02", "note": "By post."}

# The tables as revision 0003 has them (only the columns these rows fill in).
STAFF = sa.table(
    "staff",
    sa.column("id", sa.Integer),
    sa.column("email", sa.String),
    sa.column("name", sa.String),
    sa.column("role", sa.String),
    sa.column("password_hash", sa.String),
    sa.column("active", sa.Boolean),
    sa.column("created_at", UTCDateTime),
)
COMPLAINT = sa.table(
    "complaint",
    *(
        sa.column(name, sa.String)
        for name in (
            "reference",
            "name",
            "email",
            "email_normalized",
            "category",
            "description",
            "language",
            "channel",
            "status",
        )
    ),
    sa.column("id", sa.Integer),
    sa.column("received_at", UTCDateTime),
    sa.column("last_activity_at", UTCDateTime),
    sa.column("ack_due_on", sa.Date),
    sa.column("response_due_on", sa.Date),
    sa.column("version", sa.Integer),
)
EVENT = sa.table(
    "audit_event",
    sa.column("complaint_id", sa.Integer),
    sa.column("at", UTCDateTime),
    sa.column("actor", sa.String),
    sa.column("staff_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("from_status", sa.String),
    sa.column("to_status", sa.String),
    sa.column("detail", sa.JSON),
)


@pytest.fixture(
    params=[
        pytest.param("sqlite", marks=pytest.mark.sqlite_only("the migration on a SQLite file")),
        pytest.param("postgres", marks=pytest.mark.postgres),
    ]
)
def old_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """The app on an empty database migrated to revision 0003 only."""
    if request.param == "sqlite":
        yield from _at_0003(tmp_path, f"sqlite:///{tmp_path / 'old.sqlite3'}")
    else:
        with fresh_pg_database() as url:
            yield from _at_0003(tmp_path, url)


def _at_0003(tmp_path: Path, url: str) -> Iterator[Flask]:
    app = make_app(tmp_path, url)
    with app.app_context():
        upgrade(revision="0003")
        yield app
        db.session.remove()
        db.engine.dispose()


def _complaint(conn: sa.Connection, complaint_id: int, reference: str) -> None:
    conn.execute(
        COMPLAINT.insert(),
        {
            "id": complaint_id,
            "reference": reference,
            "name": "Anna de Boer",
            "email": "anna@example.com",
            "email_normalized": "anna@example.com",
            "category": "digital",
            "description": "The e-book will not open.",
            "language": "nl",
            "channel": "web",
            "status": "final",
            "received_at": RECEIVED,
            "last_activity_at": RECEIVED + timedelta(days=30),
            "ack_due_on": date(2026, 10, 7),
            "response_due_on": date(2026, 10, 14),
            "version": 9,
        },
    )


def _events(complaint_id: int, *, referral: bool) -> list[dict[str, object]]:
    """Four or five events of one complaint, a day apart."""
    steps = [
        ("customer", None, "submitted", None, "received", {"channel": "web"}),
        ("staff", 1, "status_changed", "received", "acknowledged", {"by": "hand"}),
        ("staff", 1, "reply_sent", None, None, {}),
        ("staff", 1, "outcome_given", "assessing", "resolved", {"kind": "refund", "cents": 1250}),
    ]
    if referral:
        steps.append(("staff", 1, "referred_to_mediation", None, None, REFERRAL))
    return [
        {
            "complaint_id": complaint_id,
            "at": RECEIVED + timedelta(days=number, microseconds=number),
            "actor": actor,
            "staff_id": staff_id,
            "action": action,
            "from_status": from_status,
            "to_status": to_status,
            "detail": detail,
        }
        for number, (actor, staff_id, action, from_status, to_status, detail) in enumerate(steps)
    ]


def _old_data() -> None:
    with db.engine.begin() as conn:
        conn.execute(
            STAFF.insert(),
            {
                "id": 1,
                "email": "mark@shop.example",
                "name": "Mark",
                "role": "manager",
                "password_hash": "x",
                "active": True,
                "created_at": RECEIVED,
            },
        )
        _complaint(conn, 1, "ABCDEFGHJKMN")
        _complaint(conn, 2, "0123456789AB")
        # One row at a time, the two complaints' events interleaved (ids 1, 3, 5, … and 2, 4, …).
        first, second = _events(1, referral=True), _events(2, referral=False)
        for row in chain.from_iterable(zip_longest(first, second)):
            if row is not None:
                conn.execute(EVENT.insert(), row)


def test_existing_events_are_chained_and_referrals_kept(old_app: Flask) -> None:
    _old_data()
    upgrade()
    report = verify_all()
    assert report.intact and report.complaints == 2 and report.events == 9
    events = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    assert all(e.content_hash and e.prev_hash and e.chain_hash for e in events)
    first = [e for e in events if e.complaint_id == 1]
    assert [e.id for e in first] == [1, 3, 5, 7, 9]
    assert first[1].prev_hash == first[0].chain_hash

    referral = db.session.scalars(select(Referral)).one()
    assert referral.complaint_id == 1 and referral.staff_id == 1
    assert referral.body == "De Geschillencommissie" and referral.note == "By post."
    assert referral.referred_on == date(2026, 11, 2)
    assert referral.reply_due_on == date(2026, 11, 30)


def test_the_next_event_links_to_the_migrated_head(old_app: Flask) -> None:
    _old_data()
    upgrade()
    complaint = db.session.scalars(select(Complaint).filter_by(reference="ABCDEFGHJKMN")).one()
    head = chain_head(complaint)
    event = record_event(complaint, "note_added", now=RECEIVED + timedelta(days=40), actor="staff")
    db.session.commit()
    assert event.prev_hash == head
    assert verify_all().intact
    result = old_app.test_cli_runner().invoke(args=["cases", "verify"])
    assert result.exit_code == 0 and result.stdout == "All 2 audit chains intact.\n"
