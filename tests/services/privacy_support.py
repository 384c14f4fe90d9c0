"""Helpers for the privacy tests: one customer's whole case taken through the real services
(web form with a photo, an answer by email kept as raw bytes, a reply, an internal note, a
replacement file, a review, a final response with a tracking number, a rating, a decided
referral, closing), every personal trace holding a word found nowhere else."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import text

from helpdesk.domain.lifecycle import Status
from helpdesk.domain.outcomes import OutcomeKind
from helpdesk.extensions import db
from helpdesk.files.quarantine import quarantine
from helpdesk.mail.inbound import ingest_message
from helpdesk.models import Complaint, OutboxEmail, Staff
from helpdesk.models.types import utcnow
from helpdesk.services.casework import acknowledge
from helpdesk.services.lifecycle import change_status
from helpdesk.services.mediation import record_decision, record_referral
from helpdesk.services.outcomes import OutcomeInput, give_outcome
from helpdesk.services.ratings import rate_resolution
from helpdesk.services.replies import add_note, reply, request_information
from helpdesk.services.review import request_review, send_final_response
from helpdesk.services.submission import NewComplaint, Upload, submit_complaint
from tests.mail.conftest import eml
from tests.services.outcomes_support import epub_bytes, fast_staff

NAME, EMAIL = "Zebedeus Quaxelbaum", "Zeb.Quax@Example.org"
ORDER = "ORD-QX-99173"
#: Words that appear only in this customer's data (each in a different place).
TRACES = (
    "Quaxelbaum",
    "zeb.quax",
    "Zeb.Quax",
    ORDER,
    "kumquatfiasco",  # the description
    "brambleworth",  # the answer by email
    "Zebedeus",  # staff letters ("Dear Zebedeus")
    "gloomhollow",  # the internal note
    "TRK-QX-5521",  # the final response's tracking number (an audit detail)
    "GC-2027-QX-4411",  # the dispute body's reference
    "wobblecrank",  # the review reason
    "marmalise",  # the rating comment
    "sprocketeer",  # the referral note
    "fumblecourier",  # the outcome's root-cause note
)
RECEIVED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Monday 2 March 2026
FINAL = RECEIVED + timedelta(days=16)
#: Long after everything: past the legal hold window (365 days) of the final response.
LATER = FINAL + timedelta(days=500)


@dataclass
class Case:
    """The customer's complaint and the staff who worked it."""

    complaint: Complaint
    agent: Staff
    manager: Staff


def photo(colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A small real PNG (distinct colours give distinct bytes)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(out, "PNG")
    return out.getvalue()


def whole_case(email: str = EMAIL, name: str = NAME, *, close: bool = True) -> Case:
    """The customer's case from submission to closing, through the services."""
    agent, manager = fast_staff("agent"), fast_staff("manager")
    complaint = submit_complaint(
        NewComplaint(name=name, email=email, order_number=ORDER, category="physical",
                     description="My lamp arrived as a kumquatfiasco, glass everywhere.",
                     preferred_solution="replacement_product"),
        [Upload("broken lamp.png", photo())],
        now=RECEIVED,
    )  # fmt: skip
    at = RECEIVED + timedelta(hours=1)
    acknowledge(complaint, agent, complaint.version, now=at)
    request_information(complaint, agent, "Dear Zebedeus, which lamp was it?", complaint.version,
                        now=at + timedelta(hours=1))  # fmt: skip
    answer = eml("It was the brambleworth model.", sender=f"{name} <{email}>",
                 subject=f"Re: [Ref {complaint.display_reference}]", message_id="<qx1@example.org>",
                 attachments=(("label.png", photo((10, 200, 10)), "image/png"),))  # fmt: skip
    assert ingest_message(answer, now=at + timedelta(hours=3)).action == "joined"
    reply(complaint, agent, "Thank you Zebedeus, we are on it.", complaint.version,
          now=at + timedelta(hours=4))  # fmt: skip
    add_note(complaint, agent, "Customer sounded gloomhollow on the phone.", complaint.version,
             now=at + timedelta(hours=5))  # fmt: skip
    first = OutcomeInput(kind=OutcomeKind.REPLACEMENT_FILE, body="Dear Zebedeus, the manual.",
                         file=Upload("manual.epub", epub_bytes()), root_cause="packing",
                         root_cause_note="A fumblecourier threw it.")  # fmt: skip
    give_outcome(complaint, agent, first, seen=complaint.version, now=RECEIVED + timedelta(days=2))
    rate_resolution(complaint, 2, "Not marmalise enough.", now=RECEIVED + timedelta(days=3))
    request_review(complaint, "The wobblecrank is still broken.", now=RECEIVED + timedelta(days=4))
    final = OutcomeInput(kind=OutcomeKind.REPLACEMENT_PRODUCT, body="Dear Zebedeus, a new lamp.",
                         items="1 x lamp", carrier="PostNL", root_cause="packing",
                         tracking_number="TRK-QX-5521")  # fmt: skip
    send_final_response(complaint, manager, final, seen=complaint.version, now=FINAL)
    referral = record_referral(complaint, manager, body="De Geschillencommissie",
                               referred_on=date(2026, 4, 1), body_reference="GC-2027-QX-4411",
                               note="Customer's sprocketeer argument",
                               now=FINAL + timedelta(days=14))  # fmt: skip
    record_decision(referral, manager, decision="rejected", decided_on=date(2026, 5, 1),
                    note="", now=FINAL + timedelta(days=45))  # fmt: skip
    if close:
        change_status(complaint, Status.CLOSED, now=FINAL + timedelta(days=60), actor="system")
        db.session.commit()
    return Case(complaint, agent, manager)


def other_traces(email: str = EMAIL) -> Path:
    """An email to the address tied to no case, and a quarantined email from it."""
    now = utcnow()
    db.session.add(OutboxEmail(kind="notice", to_addr=email.lower(), subject="Hello Quaxelbaum",
                               body_text="About your kumquatfiasco.", message_id="<o1@shop>",
                               created_at=now, next_attempt_at=now))  # fmt: skip
    db.session.commit()
    return quarantine(eml("kumquatfiasco again", sender=f"{NAME} <{email}>"), "test")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_under(folder: Path) -> list[Path]:
    """Every file below `folder` (none when it was never made)."""
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def database_bytes(app: Flask, *, vacuum: bool = False) -> bytes:
    """The SQLite file and its write-ahead log as they are on disk (after a VACUUM if asked):
    what someone who copies them would read. On PostgreSQL, whose files are the server's,
    every row as text."""
    if db.engine.dialect.name == "postgresql":
        return postgres_rows_text().encode()
    db.session.remove()
    if vacuum:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("VACUUM")
    db.engine.dispose()
    path = Path(str(app.config["SQLALCHEMY_DATABASE_URI"]).removeprefix("sqlite:///"))
    data = path.read_bytes()
    for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-journal")):
        if extra.exists():
            data += extra.read_bytes()
    return data


def database_dump(app: Flask) -> str:
    """Every row of the database as text (to compare before and after): SQLite's dump, or
    PostgreSQL's rows in order."""
    import sqlite3

    if db.engine.dialect.name == "postgresql":
        return postgres_rows_text()
    db.session.remove()
    path = str(app.config["SQLALCHEMY_DATABASE_URI"]).removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        return "\n".join(conn.iterdump())


def postgres_rows_text() -> str:
    """Every row of every table, as text (PostgreSQL): where a trace would still show."""
    tables = db.session.execute(
        text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
    ).scalars()
    dumped = []
    for table in tables:
        statement = text(f'SELECT t::text FROM "{table}" t ORDER BY 1')  # noqa: S608 — names from pg_tables
        rows = db.session.execute(statement).scalars()
        dumped.extend(rows)
    return "\n".join(dumped)
