"""`privacy erase`: every trace of the person leaves the database (bytes of the file after
VACUUM), the upload and raw-email folders, the outbox, the quarantine and the search index;
the case stays, anonymised, with its statistics and a verifiable audit chain; a dry run
changes nothing and a second run finds nothing."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import event, func, select

from helpdesk import search
from helpdesk.domain.audit_chain import ERASURE_ACTION, REDACTED
from helpdesk.domain.inbox import InboxQuery
from helpdesk.extensions import db
from helpdesk.models import (
    Attachment,
    AuditEvent,
    Complaint,
    InboundEmail,
    Message,
    OutboxEmail,
    Outcome,
)
from helpdesk.services.audit_trail import verify_complaint
from helpdesk.services.privacy import erase_person
from tests.services.audit_support import new_complaint
from tests.services.outcomes_support import fast_staff, give_refund, login
from tests.services.privacy_support import (
    EMAIL,
    LATER,
    TRACES,
    database_bytes,
    database_dump,
    files_under,
    other_traces,
    postgres_rows_text,
    whole_case,
)


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Apply the search queue right after each commit, as the background indexer would."""
    return {"SEARCH_INDEX_INLINE": True}


def found(word: str) -> list[int]:
    """The complaints a staff search for `word` finds (internal notes included)."""
    return search.search_inbox(InboxQuery(text=word)).complaint_ids


def snapshot() -> dict[str, object]:
    """The figures the statistics read, to compare before and after."""
    complaint = db.session.scalars(select(Complaint).order_by(Complaint.id)).first()
    assert complaint is not None
    return {
        "category": complaint.category,
        "status": complaint.status,
        "received_at": complaint.received_at,
        "acknowledged_at": complaint.acknowledged_at,
        "responded_at": complaint.responded_at,
        "final_at": complaint.final_at,
        "closed_at": complaint.closed_at,
        "response_due_on": complaint.response_due_on,
        "preferred_solution": complaint.preferred_solution,
        "outcomes": [(o.kind, o.is_final, o.amount_cents) for o in complaint.outcomes],
        "score": complaint.rating.score if complaint.rating else None,
        "messages": len(complaint.messages),
        "events": [e.action for e in complaint.events],
    }


def test_erase_removes_every_trace_and_keeps_the_statistics(app: Flask) -> None:
    case = whole_case()
    kept = new_complaint(name="Bram Baksteen")
    quarantined = other_traces()
    uploads, raw = Path(app.config["UPLOAD_DIR"]), Path(app.config["RAW_EMAIL_DIR"])
    theirs = [p.name for p in files_under(uploads)]
    assert len(theirs) == 3 and len(files_under(raw)) == 1  # photo, email photo, manual
    assert found("Quaxelbaum") == [case.complaint.id] and found("gloomhollow")
    before = snapshot()

    report = erase_person(EMAIL, now=LATER)

    assert [r.reference for r in report.erased] == [case.complaint.display_reference]
    assert not report.kept and not report.skipped
    assert report.other.outbox == 1 and report.other.quarantined == 1
    after = snapshot()
    events = before.pop("events")
    assert isinstance(events, list) and after.pop("events") == [*events, ERASURE_ACTION]
    assert after == before
    assert files_under(uploads) == [] and files_under(raw) == [] and not quarantined.exists()
    assert db.session.scalar(select(func.count()).select_from(OutboxEmail)) == 1  # Bram's ack
    assert db.session.scalar(select(func.count()).select_from(InboundEmail)) == 0
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
    for word in ("Quaxelbaum", "kumquatfiasco", "gloomhollow", "brambleworth", "wobblecrank"):
        assert found(word) == [], word
    assert found("Baksteen") == [kept.id]
    index = b"".join(
        p.read_bytes() for p in files_under(Path(app.config["SEARCH_INDEX_DIR"]).parent)
    )
    assert [w for w in TRACES if w.lower().encode() in index] == []  # not even in deleted docs
    assert b"baksteen" in index
    assert verify_complaint(case.complaint) == []
    data = database_bytes(app, vacuum=True)
    for word in TRACES:
        assert word.encode() not in data, word
    assert b"Baksteen" in data  # the check can see a name that is still there


@pytest.mark.sqlite_only("SQLite's secure_delete pragma and the bytes of its file")
def test_no_trace_stays_in_the_file_or_its_log_without_vacuum(app: Flask) -> None:
    # SQLite with secure_delete on (Debian's build default, the README's advice elsewhere):
    # freed text is zeroed, and erase empties the write-ahead log after it.
    event.listen(db.engine, "connect", lambda conn, _record: conn.execute(
        "PRAGMA secure_delete = ON"))  # fmt: skip
    db.engine.dispose()
    whole_case()
    erase_person(EMAIL, now=LATER)
    data = database_bytes(app)
    assert [word for word in TRACES if word.encode() in data] == []


def test_the_erased_case_is_empty_where_people_wrote(app: Flask) -> None:
    case = whole_case()
    erase_person(EMAIL, now=LATER)
    complaint = db.session.get(Complaint, case.complaint.id)
    assert complaint is not None
    assert (complaint.name, complaint.email, complaint.email_normalized) == ("", "", "")
    assert complaint.order_number is None and complaint.description == ""
    assert complaint.review_reason is None and complaint.erased_at == LATER
    assert {m.body for m in db.session.scalars(select(Message))} == {""}
    outcomes = list(db.session.scalars(select(Outcome).order_by(Outcome.id)))
    assert [o.body for o in outcomes] == ["", ""]
    assert outcomes[1].data == {"carrier": "PostNL"}  # items and tracking number gone
    assert complaint.rating is not None and complaint.rating.comment == ""
    [referral] = complaint.referrals
    assert (referral.body, referral.body_reference, referral.note) == (
        "De Geschillencommissie",
        "",
        "",
    )
    assert referral.decision == "rejected"


def test_audit_events_keep_their_hashes_and_lose_their_personal_detail(app: Flask) -> None:
    case = whole_case()
    events = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    hashes = [(e.content_hash, e.prev_hash, e.chain_hash) for e in events]
    erase_person(EMAIL, now=LATER)
    db.session.expire_all()
    after = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    assert [(e.content_hash, e.prev_hash, e.chain_hash) for e in after[:-1]] == hashes
    redacted = [e for e in after if REDACTED in e.detail]
    assert {e.action for e in redacted} == {
        "final_response_sent",  # tracking_number
        "referred_to_mediation",  # body_reference and note
        "referral_decision_recorded",  # note
    }
    final = next(e for e in redacted if e.action == "final_response_sent")
    assert "tracking_number" not in final.detail and final.detail["carrier"] == "PostNL"
    assert final.detail[REDACTED] == ["tracking_number"]
    erasure = after[-1]
    assert erasure.action == ERASURE_ACTION
    assert {entry["event_id"] for entry in erasure.detail["redacted_events"]} == {
        e.id for e in redacted
    }
    assert verify_complaint(case.complaint) == []


def test_a_dry_run_changes_nothing(app: Flask) -> None:
    complaint_id = whole_case().complaint.id
    other_traces()
    uploads = files_under(Path(app.config["UPLOAD_DIR"]))
    before = database_dump(app)
    report = erase_person(EMAIL, dry_run=True, now=LATER)
    [planned] = report.erased
    assert planned.removed is not None
    assert (planned.removed.files, planned.removed.raw_emails, planned.removed.events) == (3, 1, 3)
    assert report.other.outbox == 1 and report.other.quarantined == 1
    assert database_dump(app) == before
    assert files_under(Path(app.config["UPLOAD_DIR"])) == uploads
    assert found("Quaxelbaum") == [complaint_id]


def test_a_second_run_finds_nothing(app: Flask) -> None:
    whole_case()
    other_traces()
    assert erase_person(EMAIL, now=LATER).found_anything
    again = erase_person(EMAIL, now=LATER)
    assert not again.found_anything
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == ERASURE_ACTION)) == 1  # fmt: skip


def test_erase_on_postgresql_too(pg_app: Flask) -> None:
    case = whole_case()
    new_complaint(name="Bram Baksteen")
    report = erase_person(EMAIL, now=LATER)
    assert len(report.erased) == 1
    assert verify_complaint(case.complaint) == []
    assert found("Quaxelbaum") == [] and found("Baksteen") != []
    rows = postgres_rows_text()
    for word in TRACES:
        assert word not in rows, word
    assert "Baksteen" in rows


@pytest.mark.parametrize("email", [EMAIL, "  zeb.quax@EXAMPLE.org "])
def test_the_address_is_matched_as_the_app_matches_it(app: Flask, email: str) -> None:
    whole_case()
    assert len(erase_person(email, now=LATER).erased) == 1


def test_staff_pages_and_case_files_of_an_erased_case_work_and_name_nobody(app: Flask) -> None:
    case = whole_case()
    reference = case.complaint.display_reference
    erase_person(EMAIL, now=LATER)
    client = app.test_client()
    login(client, case.manager)
    base = f"/staff/complaints/{reference}"
    page = client.get(base)
    pdf = client.get(f"{base}/case-file.pdf?internal=1")
    bundle = client.get(f"{base}/evidence-bundle.zip")
    assert (page.status_code, pdf.status_code, bundle.status_code) == (200, 200, 200)
    texts = [page.get_data(as_text=True)]
    texts += [p.extract_text() for p in PdfReader(io.BytesIO(pdf.get_data())).pages]
    with zipfile.ZipFile(io.BytesIO(bundle.get_data())) as archive:
        names = archive.namelist()
        texts.append(archive.read("manifest.json").decode())
    assert "Personal data erased" in texts[0] and reference in texts[1]
    assert [n for n in names if n.startswith(("attachments/", "emails/"))] == []
    for text in texts:
        assert [w for w in TRACES if w in text] == []


def index_bytes(app: Flask) -> bytes:
    """Every file of the search index, every version of it."""
    return b"".join(
        p.read_bytes() for p in files_under(Path(app.config["SEARCH_INDEX_DIR"]).parent)
    )


def test_an_index_version_a_rebuild_left_behind_loses_the_words_too(app: Flask) -> None:
    whole_case()
    search.reindex_all(progress=False)  # the version before it stays, for open searchers
    versions = Path(str(app.config["SEARCH_INDEX_DIR"]) + ".d")
    assert len(list(versions.iterdir())) == 2 and b"quaxelbaum" in index_bytes(app)
    report = erase_person(EMAIL, now=LATER)
    assert report.index_files_clean
    assert [w for w in TRACES if w.lower().encode() in index_bytes(app)] == []
    assert len(list(versions.iterdir())) == 1


def test_a_busy_index_is_said_and_tidied_at_the_next_run(app: Flask) -> None:
    app.config["LEGAL_HOLD_DAYS"] = 0
    whole_case()
    bram = new_complaint(name="Bram Baksteen", email="bram@example.nl")
    give_refund(bram, fast_staff("agent"))  # resolved: no longer being handled
    backend = search.backend()
    backend.lock_timeout = 0.2
    with backend.store.write_lock(0) as held:  # another writer at work
        assert held
        result = app.test_cli_runner().invoke(args=["privacy", "erase", EMAIL])
    assert result.exit_code == 0, result.output
    assert "The search index was busy" in result.stdout
    assert b"quaxelbaum" in index_bytes(app)  # in the files, though no search finds it
    assert erase_person("bram@example.nl", now=LATER).index_files_clean
    assert [w for w in TRACES if w.lower().encode() in index_bytes(app)] == []
