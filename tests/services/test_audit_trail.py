"""services.audit_trail and the chains record_event writes: a case taken through the real
services verifies on both databases, events of one transaction and after a rollback link
to the right head, and a changed or deleted row is found."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.orm.exc import StaleDataError

from helpdesk.domain.audit_chain import GENESIS
from helpdesk.extensions import db
from helpdesk.models import AuditEvent, Complaint
from helpdesk.services import audit_trail
from helpdesk.services.audit_trail import (
    NO_EVENTS,
    chain_head,
    count_complaints,
    stored_events,
    verify_all,
    verify_complaint,
)
from helpdesk.services.lifecycle import record_event
from tests.services.audit_support import RECEIVED, new_complaint, whole_case


def events_of(complaint: Complaint) -> list[AuditEvent]:
    """The complaint's stored events in id order, read fresh."""
    db.session.expire_all()
    query = select(AuditEvent).where(AuditEvent.complaint_id == complaint.id)
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def test_a_case_taken_through_the_services_has_an_intact_chain(any_app: Flask) -> None:
    complaint = whole_case()
    other = new_complaint(name="Bram")
    events = events_of(complaint)
    actions = [event.action for event in events]
    assert actions[0] == "submitted" and len(events) >= 8
    assert {"reply_sent", "review_requested"} <= set(actions)
    assert events[0].prev_hash == GENESIS
    for before, after in pairwise(events):
        assert after.prev_hash == before.chain_hash
    assert verify_complaint(complaint) == []
    assert chain_head(complaint) == events[-1].chain_hash
    assert [item.event_id for item in stored_events(complaint.id)] == [e.id for e in events]
    report = verify_all()
    assert report.intact and report.complaints == 2 == count_complaints()
    assert report.events == len(events) + len(events_of(other))


def test_a_changed_detail_is_found_on_both_databases(any_app: Flask) -> None:
    complaint, other = whole_case(), new_complaint(name="Bram")
    middle = events_of(complaint)[3]
    with db.engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_event SET detail = :detail WHERE id = :id"),
            {"detail": '{"by": "someone else"}', "id": middle.id},
        )
    breaks = verify_complaint(complaint)
    assert [(b.event_id, b.reason) for b in breaks] == [(middle.id, "content changed")]
    assert verify_complaint(other) == []
    report = verify_all()
    assert [chain.reference for chain in report.broken] == [complaint.reference]
    assert report.complaints == 2 and not report.intact


def test_chain_head_without_events_is_genesis(app: Flask) -> None:
    complaint = new_complaint()
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE complaint_id = :id"), {"id": complaint.id})
    assert chain_head(complaint) == GENESIS
    assert stored_events(complaint.id) == []
    assert verify_complaint(complaint)[0].reason == NO_EVENTS


def test_two_events_in_one_transaction_chain_in_order(any_app: Flask) -> None:
    complaint = new_complaint()
    stored_head = chain_head(complaint)
    moment = RECEIVED + timedelta(hours=2)
    first = record_event(complaint, "note_added", now=moment, actor="staff")
    second = record_event(complaint, "reply_sent", now=moment, actor="staff")
    db.session.commit()
    assert first.prev_hash == stored_head
    assert second.prev_hash == first.chain_hash
    assert second.id > first.id
    assert chain_head(complaint) == second.chain_hash
    assert verify_complaint(complaint) == []


def test_events_of_two_complaints_in_one_transaction_keep_their_own_chains(
    any_app: Flask,
) -> None:
    one, two = new_complaint(), new_complaint(name="Bram")
    heads = chain_head(one), chain_head(two)
    moment = RECEIVED + timedelta(hours=2)
    a = record_event(one, "note_added", now=moment, actor="staff")
    b = record_event(two, "note_added", now=moment, actor="staff")
    c = record_event(one, "reply_sent", now=moment, actor="staff")
    db.session.commit()
    assert (a.prev_hash, b.prev_hash, c.prev_hash) == (heads[0], heads[1], a.chain_hash)
    assert verify_all().intact


def test_an_event_after_a_rollback_links_to_the_stored_head(any_app: Flask) -> None:
    complaint = new_complaint()
    stored_head = chain_head(complaint)
    moment = RECEIVED + timedelta(hours=2)
    gone = record_event(complaint, "note_added", now=moment, actor="staff")
    db.session.flush()
    assert chain_head(complaint) == gone.chain_hash  # visible inside the transaction
    db.session.rollback()
    assert chain_head(complaint) == stored_head
    kept = record_event(complaint, "reply_sent", now=moment, actor="staff")
    db.session.commit()
    assert kept.prev_hash == stored_head != gone.chain_hash
    assert verify_complaint(complaint) == []


def test_an_event_after_an_unflushed_rollback_links_to_the_stored_head(app: Flask) -> None:
    complaint = new_complaint()
    stored_head = chain_head(complaint)
    moment = RECEIVED + timedelta(hours=2)
    record_event(complaint, "note_added", now=moment, actor="staff")
    db.session.rollback()
    kept = record_event(complaint, "reply_sent", now=moment, actor="staff")
    db.session.commit()
    assert kept.prev_hash == stored_head
    assert verify_complaint(complaint) == []


def test_an_event_after_a_closed_session_links_to_the_stored_head(app: Flask) -> None:
    complaint = new_complaint()
    stored_head = chain_head(complaint)
    moment = RECEIVED + timedelta(hours=2)
    record_event(complaint, "note_added", now=moment, actor="staff")
    db.session.close()  # ends the transaction without an after_commit or rollback event
    db.session.add(complaint)
    db.session.refresh(complaint)  # the same object, as stored
    kept = record_event(complaint, "reply_sent", now=moment, actor="staff")
    db.session.commit()
    assert kept.prev_hash == stored_head
    assert verify_complaint(complaint) == []


def test_verify_all_walks_in_batches_and_reports_progress(app: Flask, monkeypatch: Any) -> None:
    monkeypatch.setattr(audit_trail, "BATCH", 2)
    complaints = [new_complaint(name=f"Customer {n}") for n in range(5)]
    victim = complaints[2]
    with db.engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_event SET actor = 'staff' WHERE complaint_id = :id"),
            {"id": victim.id},
        )
    seen: list[int] = []
    report = verify_all(progress=seen.append)
    assert seen == [2, 2, 1]
    assert report.complaints == 5 and report.events == 5
    assert [chain.reference for chain in report.broken] == [victim.reference]
    only = verify_all(victim.reference)
    assert only.complaints == 1 and [c.reference for c in only.broken] == [victim.reference]
    assert verify_all(complaints[0].reference).intact


@pytest.mark.parametrize("later", [False, True], ids=["same moment", "later"])
def test_two_transactions_appending_at_once_cannot_both_commit(any_app: Flask, later: bool) -> None:
    complaint = new_complaint()
    complaint_id = complaint.id
    db.session.expire_all()
    mine = db.session.get(Complaint, complaint_id)
    # The same moment as the stored last activity changes no column by itself.
    moment = mine.last_activity_at + timedelta(hours=1 if later else 0)
    record_event(mine, "reply_sent", now=moment, actor="staff")
    with any_app.app_context():  # another request, with its own session and transaction
        theirs = db.session.get(Complaint, complaint_id)
        record_event(theirs, "note_added", now=moment, actor="staff")
        db.session.commit()
    with pytest.raises(StaleDataError):
        db.session.commit()
    db.session.rollback()
    assert verify_complaint(db.session.get(Complaint, complaint_id)) == []
