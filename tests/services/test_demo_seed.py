"""`flask demo seed`: every status, valid codes, clocks that agree with the real lifecycle,
the same data for the same seed, --if-empty, the printed logins, PostgreSQL."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from markupsafe import escape
from sqlalchemy import select
from werkzeug.security import check_password_hash

from helpdesk import create_app
from helpdesk.demo.seeding import DEMO_STAFF, allocate, seed_demo
from helpdesk.domain.lifecycle import Status
from helpdesk.domain.reference import normalise_reference
from helpdesk.domain.sla import ACK_DAYS, RESPONSE_DAYS, due_date, local_date
from helpdesk.extensions import db
from helpdesk.models import (
    Attachment,
    AuditEvent,
    Complaint,
    Message,
    Outcome,
    Rating,
    Staff,
)
from helpdesk.runtime.clock import business_calendar, shop_timezone
from helpdesk.services.lifecycle import change_status, refresh_sla_due
from tests.conftest import dispose

#: The day after King's Day 2026, so the spread-out dates cross Easter and King's Day.
NOW = datetime(2026, 4, 28, 9, 30, tzinfo=UTC)


@pytest.fixture
def seeded(app: Flask) -> Flask:
    """The app with 60 demo complaints placed before NOW."""
    seed_demo(60, now=NOW, reindex=False)
    return app


def complaints() -> list[Complaint]:
    """Every complaint, oldest id first."""
    return list(db.session.scalars(select(Complaint).order_by(Complaint.id)))


def test_sixty_complaints_make_a_lively_inbox(seeded: Flask) -> None:
    rows = complaints()
    assert len(rows) == 60
    assert {c.status for c in rows} == {status.value for status in Status}
    today = local_date(NOW, shop_timezone())
    next_day = business_calendar().add_business_days(today, 1)
    assert sum(1 for c in rows if c.sla_due_on and c.sla_due_on < today) >= 2  # overdue
    assert sum(1 for c in rows if c.sla_due_on and today <= c.sla_due_on <= next_day) >= 2
    paused = [c for c in rows if c.status == Status.AWAITING_CUSTOMER]
    assert paused and all(c.paused_since and c.sla_due_on is None for c in paused)
    assert all(c.received_at < NOW and c.last_activity_at <= NOW for c in rows)
    assert {c.language for c in rows} == {"en", "nl"}
    assert {c.channel for c in rows} == {"web", "email"}
    assert len({c.category for c in rows}) >= 5
    kinds = Counter(db.session.scalars(select(Message.kind)))
    assert {
        "message",
        "reply",
        "info_request",
        "note",
        "outcome",
        "review_request",
        "final_response",
    } <= set(kinds)
    notes = db.session.scalars(select(Message).where(Message.kind == "note")).all()
    assert all(note.internal and note.author == "staff" for note in notes)
    assert db.session.scalar(select(Rating.id).limit(1)) is not None
    finals = db.session.scalars(select(Outcome).where(Outcome.is_final.is_(True))).all()
    assert finals
    for final in finals:  # four eyes: the final response never by who gave the first outcome
        first = db.session.scalar(
            select(Outcome).where(
                Outcome.complaint_id == final.complaint_id, Outcome.is_final.is_(False)
            )
        )
        assert first is not None and first.staff_id != final.staff_id
        assert db.session.get(Staff, final.staff_id).role == "manager"


def test_references_are_valid_and_unique(seeded: Flask) -> None:
    references = [c.reference for c in complaints()]
    assert len(set(references)) == len(references)
    assert all(normalise_reference(code) == code for code in references)


def test_texts_read_like_complaints_in_both_languages(seeded: Flask) -> None:
    rows = complaints()
    for complaint in rows:
        first = complaint.messages[0]
        assert first.body == complaint.description and first.author == "customer"
        assert "{" not in complaint.description  # every placeholder was filled
        if complaint.order_number:
            assert re.fullmatch(r"NL-20\d\d-\d{6}", complaint.order_number)
    dutch = " ".join(c.description for c in rows if c.language == "nl")
    english = " ".join(c.description for c in rows if c.language == "en")
    assert " ik " in dutch and " jullie " in dutch
    assert " I " in english and " ik " not in english
    for outcome in db.session.scalars(select(Outcome)):
        assert outcome.body and "{" not in outcome.body
        if outcome.kind == "refund":
            assert outcome.amount_cents and outcome.amount_cents > 0
        if outcome.kind == "replacement_product":
            assert set(outcome.data) == {"items", "carrier", "tracking_number"}


def test_clocks_agree_with_refresh_sla_due(seeded: Flask) -> None:
    cal, tz = business_calendar(), shop_timezone()
    for complaint in complaints():
        assert complaint.ack_due_on == due_date(complaint.received_at, ACK_DAYS, cal, tz)
        stored = complaint.sla_due_on
        refresh_sla_due(complaint)
        assert complaint.sla_due_on == stored, complaint.status
    db.session.rollback()


def _replayed(complaint: Complaint) -> Complaint:
    """A fresh complaint taken through the stored status events by the real lifecycle."""
    cal, tz = business_calendar(), shop_timezone()
    copy = Complaint(
        status="received",
        received_at=complaint.received_at,
        ack_due_on=due_date(complaint.received_at, ACK_DAYS, cal, tz),
        response_due_on=due_date(complaint.received_at, RESPONSE_DAYS, cal, tz),
    )
    refresh_sla_due(copy)  # as submit_complaint does
    for event in complaint.events:
        if event.action == "status_changed":
            assert event.from_status == copy.status
            change_status(copy, Status(event.to_status), now=event.at, actor=event.actor)
    return copy


CLOCK_COLUMNS = (
    "status",
    "response_due_on",
    "sla_due_on",
    "acknowledged_at",
    "paused_since",
    "responded_at",
    "review_requested_at",
    "final_at",
    "closed_at",
)


def test_audit_trail_replays_to_the_stored_clocks(seeded: Flask) -> None:
    stored = {c.id: {col: getattr(c, col) for col in CLOCK_COLUMNS} for c in complaints()}
    histories = {c.id: c for c in complaints()}
    with db.session.no_autoflush:
        for complaint_id, columns in stored.items():
            complaint = histories[complaint_id]
            times = [event.at for event in complaint.events]
            assert times == sorted(times)
            assert complaint.events[0].action == "submitted"
            assert complaint.last_activity_at == times[-1]
            copy = _replayed(complaint)
            assert {col: getattr(copy, col) for col in CLOCK_COLUMNS} == columns
            customer = [m.created_at for m in complaint.messages if m.author == "customer"]
            assert complaint.last_customer_message_at == max(customer)
    db.session.rollback()


def test_attachment_files_exist_with_their_hashes(seeded: Flask) -> None:
    attachments = db.session.scalars(select(Attachment)).all()
    assert {a.purpose for a in attachments} == {"evidence", "replacement"}
    upload_dir = Path(seeded.config["UPLOAD_DIR"])
    for attachment in attachments:
        data = (upload_dir / attachment.stored_name).read_bytes()
        assert len(data) == attachment.size
        assert hashlib.sha256(data).hexdigest() == attachment.sha256
    for outcome in db.session.scalars(select(Outcome).where(Outcome.kind == "replacement_file")):
        assert outcome.attachment is not None and outcome.attachment.purpose == "replacement"


def snapshot() -> list[Any]:
    """Everything seeded, minus the one random part (reference codes come from `secrets`)
    and the audit-chain hashes, which cover the reference code."""

    def rows(model: Any, skip: tuple[str, ...] = ()) -> list[tuple[Any, ...]]:
        columns = [c for c in model.__table__.columns if c.name not in skip]
        return [
            tuple(row)
            for row in db.session.execute(select(*columns).order_by(model.__table__.c.id))
        ]

    return [
        rows(Complaint, ("reference",)),
        rows(Message),
        rows(AuditEvent, ("content_hash", "prev_hash", "chain_hash")),
        rows(Outcome),
        rows(Rating),
        rows(Attachment),
        rows(Staff, ("password_hash", "created_at")),
    ]


def other_app(tmp_path: Path, database_url: str, name: str) -> Flask:
    """A second app on its own copy of the migrated database."""
    folder = tmp_path / name
    folder.mkdir()
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x" * 32,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "DATA_DIR": str(folder / "data"),
            "UPLOAD_DIR": str(folder / "up"),
            "SEARCH_INDEX_DIR": str(folder / "index"),
        }
    )


def test_same_seed_gives_the_same_data(
    seeded: Flask, tmp_path: Path, make_database: Callable[[], str]
) -> None:
    first = snapshot()
    for name, seed, same in (("again", 42, True), ("other", 7, False)):
        second = other_app(tmp_path, make_database(), name)
        try:
            with second.app_context():
                seed_demo(60, seed=seed, now=NOW, reindex=False)
                assert (snapshot()[:6] == first[:6]) is same
        finally:
            # The session's connection first: an engine disposed under a checked-out
            # connection left it open (a ResourceWarning on PostgreSQL, in a later test).
            dispose(second)


def test_allocate_keeps_the_total_and_every_status() -> None:
    from helpdesk.demo.seeding import ARCHIVE, LIVELY

    for count, weights in ((60, LIVELY), (9, ARCHIVE), (100_000, ARCHIVE), (3, LIVELY)):
        shares = allocate(count, weights)
        assert sum(shares.values()) == count
        if count >= len(weights):
            assert min(shares.values()) >= 1


def test_seed_command_if_empty_and_logins(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=[
            "demo",
            "seed",
            "--if-empty",
            "--complaints",
            "12",
            "--now",
            "2026-04-28T09:30:00",
            "--no-reindex",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Added 12 complaints" in result.output
    for login in DEMO_STAFF:
        assert login.email in result.output and login.password in result.output
        assert len(login.password) >= 12
        staff = db.session.scalar(select(Staff).where(Staff.email == login.email))
        assert staff is not None and staff.role == login.role
        assert check_password_hash(staff.password_hash, login.password)
    assert {s.role for s in db.session.scalars(select(Staff))} == {"agent", "manager"}

    again = runner.invoke(args=["demo", "seed", "--if-empty", "--no-reindex"])
    assert again.exit_code == 0, again.output
    assert "nothing was added" in again.output
    assert all(login.email in again.output for login in DEMO_STAFF)
    assert db.session.query(Complaint).count() == 12
    assert db.session.query(Staff).count() == 3


def test_seed_command_refuses_a_bad_now(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["demo", "seed", "--now", "yesterday"])
    assert result.exit_code == 2 and "ISO" in result.output
    assert db.session.query(Complaint).count() == 0


@pytest.mark.postgres
def test_seed_on_postgresql_moves_the_sequences_on(pg_app: Flask) -> None:
    report = seed_demo(25, now=NOW, reindex=False)
    assert report.complaints == 25
    assert db.session.query(Complaint).count() == 25
    assert db.session.query(Message).count() == report.messages
    complaint = db.session.scalars(select(Complaint).order_by(Complaint.id.desc())).first()
    assert complaint is not None
    # Rows made the normal way after seeding get fresh ids (the sequences were moved on).
    extra = Complaint(
        reference="ZZZZZZZZZZZZ",
        name="N",
        email="n@example.com",
        email_normalized="n@example.com",
        category="other",
        description="x",
        received_at=NOW,
        ack_due_on=NOW.date(),
        response_due_on=NOW.date(),
    )
    db.session.add(extra)
    db.session.add(Message(complaint=complaint, author="staff", kind="note", body="x"))
    db.session.add(
        Attachment(
            complaint=complaint,
            original_name="a",
            stored_name="zz.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
            uploaded_by="staff",
        )
    )
    db.session.commit()
    assert extra.id == 26


def test_seeding_rebuilds_the_search_index(app: Flask) -> None:
    from helpdesk import search

    if not hasattr(search, "reindex_all") or not hasattr(search, "search_inbox"):
        pytest.skip("the search package has no reindex_all/search_inbox yet")
    from helpdesk.domain.inbox import InboxQuery

    report = seed_demo(20, now=NOW)
    assert report.reindexed
    complaint = db.session.scalars(select(Complaint).order_by(Complaint.id)).first()
    assert complaint is not None and complaint.order_number
    page = search.search_inbox(InboxQuery(text=complaint.order_number, statuses=()))
    assert complaint.id in page.complaint_ids


def _one_per_kind(rows: list[Complaint]) -> list[Complaint]:
    """A complaint of every status, category and outcome kind (fewer pages to load)."""
    chosen: dict[str, Complaint] = {}
    for complaint in rows:
        keys = [complaint.status, complaint.category, complaint.channel]
        keys += [outcome.kind for outcome in complaint.outcomes]
        for key in keys:
            chosen.setdefault(key, complaint)
    return list({c.id: c for c in chosen.values()}.values())


def test_demo_cases_open_for_staff_and_customers(seeded: Flask) -> None:
    if "staff.case" not in seeded.view_functions or "public.track" not in seeded.view_functions:
        pytest.skip("the staff case page or the tracking page does not exist yet")
    manager = DEMO_STAFF[1]
    staff = seeded.test_client()
    login = staff.post("/staff/login", data={"email": manager.email, "password": manager.password})
    assert login.status_code == 302, "the printed demo login must work"
    assert staff.get("/staff/").status_code == 200
    for complaint in _one_per_kind(complaints()):
        page = staff.get(f"/staff/complaints/{complaint.reference}")
        assert page.status_code == 200, complaint.status
        assert str(escape(complaint.name)) in page.get_data(as_text=True)
        customer = seeded.test_client()
        opened = customer.post(
            "/track", data={"reference": complaint.reference, "email": complaint.email}
        )
        assert opened.status_code in (302, 303), complaint.status
        case = customer.get(opened.headers["Location"])
        assert case.status_code == 200, complaint.status
        assert complaint.display_reference in case.get_data(as_text=True)


def test_demo_web_complaints_name_a_preferred_solution_and_some_cases_are_in_mediation(
    seeded: Flask,
) -> None:
    from helpdesk.domain.outcomes import PREFERRED_SOLUTIONS
    from helpdesk.models import Referral
    from helpdesk.services.audit_trail import verify_all

    rows = complaints()
    wishes = [c.preferred_solution for c in rows if c.channel == "web"]
    assert any(wishes) and None in wishes
    assert {w for w in wishes if w} <= set(PREFERRED_SOLUTIONS)
    assert all(c.preferred_solution is None for c in rows if c.channel == "email")
    referrals = list(db.session.scalars(select(Referral)))
    finals = [c for c in rows if c.status == Status.FINAL.value]
    assert len(referrals) == min(3, len(finals)) > 0
    assert {r.complaint_id for r in referrals} <= {c.id for c in finals}
    assert all(r.reply_due_on > r.referred_on for r in referrals)
    assert verify_all().intact  # recorded through the services: their events chain too
