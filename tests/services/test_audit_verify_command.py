"""`flask cases verify [REF]`: intact chains pass, a changed or deleted row fails naming its
complaint (and only it), demo data passes, one reference shows its head, bad input is one line."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import select, text

from helpdesk.demo.seeding import seed_demo
from helpdesk.extensions import db
from helpdesk.models import AuditEvent, Complaint
from tests.services.audit_support import new_complaint, whole_case


def verify(app: Flask, *args: str) -> Result:
    """Run `flask cases verify ARGS` on `app`."""
    return app.test_cli_runner().invoke(args=["cases", "verify", *args])


def middle_event(complaint: Complaint) -> AuditEvent:
    """An event with events before and after it."""
    query = select(AuditEvent).where(AuditEvent.complaint_id == complaint.id)
    events = list(db.session.scalars(query.order_by(AuditEvent.id)))
    assert len(events) >= 3
    return events[len(events) // 2]


def tamper(sql: str, **params: object) -> None:
    """Change the database behind the application's back, as someone with SQL access could."""
    with db.engine.begin() as conn:
        conn.execute(text(sql), params)


def assert_broken(result: Result, broken: Complaint, intact: Complaint, reason: str) -> None:
    """Exit 1, one line naming the broken complaint with `reason`, the intact one unnamed."""
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    named = [line for line in lines if line.startswith(broken.display_reference)]
    assert len(named) == 1 and reason in named[0], lines
    assert intact.display_reference not in result.stdout
    assert lines[-1].startswith("1 of 2 audit chains broken")
    assert "Traceback" not in result.output


def test_intact_chains_pass(any_app: Flask) -> None:
    whole_case()
    new_complaint(name="Bram")
    result = verify(any_app)
    assert result.exit_code == 0, result.output
    assert result.stdout == "All 2 audit chains intact.\n"
    assert "Verifying" in result.stderr  # the progress bar, on stderr


def test_a_changed_detail_fails_naming_the_complaint(any_app: Flask) -> None:
    broken, intact = whole_case(), new_complaint(name="Bram")
    tamper(
        "UPDATE audit_event SET detail = :detail WHERE id = :id",
        detail='{"by": "hand"}',
        id=middle_event(broken).id,
    )
    assert_broken(verify(any_app), broken, intact, "content changed")


#: An event backdated by an hour, as someone would: SQLite keeps UTC as text.
BACKDATE = {
    "sqlite": "UPDATE audit_event SET at = datetime(at, '-1 hour') WHERE id = :id",
    "postgresql": "UPDATE audit_event SET at = at - interval '1 hour' WHERE id = :id",
}


def test_a_changed_moment_fails(any_app: Flask) -> None:
    broken, intact = whole_case(), new_complaint(name="Bram")
    tamper(BACKDATE[db.engine.dialect.name], id=middle_event(broken).id)
    assert_broken(verify(any_app), broken, intact, "content changed")


def test_a_deleted_event_fails(any_app: Flask) -> None:
    broken, intact = whole_case(), new_complaint(name="Bram")
    tamper("DELETE FROM audit_event WHERE id = :id", id=middle_event(broken).id)
    assert_broken(verify(any_app), broken, intact, "does not follow the event before")


def test_an_event_moved_to_another_complaint_fails(app: Flask) -> None:
    broken, intact = whole_case(), new_complaint(name="Bram")
    moved = middle_event(broken)
    tamper(
        "UPDATE audit_event SET complaint_id = :other WHERE id = :id", other=intact.id, id=moved.id
    )
    result = verify(app)
    assert result.exit_code == 1
    assert broken.display_reference in result.stdout
    assert intact.display_reference in result.stdout  # it gained an event it never had
    assert result.stdout.splitlines()[-1].startswith("2 of 2 audit chains broken")


def test_several_breaks_show_the_first_and_how_many_more(app: Flask) -> None:
    broken, intact = whole_case(), new_complaint(name="Bram")
    tamper("UPDATE audit_event SET actor = 'nobody' WHERE complaint_id = :id", id=broken.id)
    result = verify(app)
    assert_broken(result, broken, intact, "content changed (and ")


def test_a_complaint_without_events_fails(app: Flask) -> None:
    broken, intact = new_complaint(), new_complaint(name="Bram")
    tamper("DELETE FROM audit_event WHERE complaint_id = :id", id=broken.id)
    assert_broken(verify(app), broken, intact, "no audit events stored")


def test_demo_data_verifies(any_app: Flask) -> None:
    seed_demo(60, now=datetime(2026, 4, 28, 9, 30, tzinfo=UTC), reindex=False)
    result = verify(any_app)
    assert result.exit_code == 0, result.output
    assert result.stdout == "All 60 audit chains intact.\n"


def test_one_reference_as_typed_shows_its_head_and_length(app: Flask) -> None:
    complaint = whole_case()
    events = list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.complaint_id == complaint.id)
            .order_by(AuditEvent.id)
        )
    )
    typed = complaint.display_reference.lower().replace("-", " ")
    result = verify(app, typed)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"{complaint.display_reference}: audit chain intact, {len(events)} events, "
        f"head {events[-1].chain_hash}\n"
    )


def test_one_broken_reference_lists_its_breaks_and_fails(app: Flask) -> None:
    complaint = whole_case()
    changed = middle_event(complaint)
    tamper("UPDATE audit_event SET action = 'nothing' WHERE id = :id", id=changed.id)
    result = verify(app, complaint.reference)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"{complaint.display_reference}: event {changed.id}: content changed"
    assert lines[-1].startswith(f"{complaint.display_reference}: audit chain broken,")


@pytest.mark.parametrize("typed", ["NOT-A-CODE", "ABCD-EFGH-JKM", "ABCD-EFGH-JKMU", "x" * 100])
def test_a_malformed_reference_is_one_line(app: Flask, typed: str) -> None:
    result = verify(app, typed)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "is not a reference code" in result.stderr
    assert "Traceback" not in result.output


def test_an_unknown_reference_is_one_line(app: Flask) -> None:
    new_complaint()
    result = verify(app, "abcd-efgh-jkmn")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "Error: No complaint has the reference ABCD-EFGH-JKMN.\n"


def test_no_complaints_at_all_is_intact(app: Flask) -> None:
    result = verify(app)
    assert result.exit_code == 0
    assert result.stdout == "All 0 audit chains intact.\n"
    assert result.stderr == ""
