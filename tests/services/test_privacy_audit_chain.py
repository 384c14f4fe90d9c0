"""The audit chain after an erasure: `cases verify` still says intact, and tampering is still
found: a changed ordinary event, a redaction marker no erasure event vouches for, a change to
what an erased event kept, a changed erasure event. The pure rules first, then the real
command on a real erased case."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import select, text

from helpdesk.domain.audit_chain import (
    ERASED_EVENTS,
    ERASURE_ACTION,
    REDACTED,
    EventContent,
    StoredEvent,
    build_chain,
    content_hash,
    erasure_entry,
    redact,
    verify_chain,
)
from helpdesk.extensions import db
from helpdesk.models import AuditEvent
from helpdesk.services.privacy import erase_person
from tests.services.audit_support import new_complaint
from tests.services.privacy_support import EMAIL, LATER, whole_case

AT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
KEEP = {"carrier", "trigger", ERASED_EVENTS}


def event(minutes: int, action: str, **detail: Any) -> EventContent:
    return EventContent("ABCDEFGHJKMN", AT + timedelta(minutes=minutes), "staff", 3, action,
                        None, None, detail)  # fmt: skip


def erased_history() -> list[StoredEvent]:
    """Three events, the second with a tracking number, then erased as services.privacy does:
    the second's detail redacted in place, an erasure event appended to the chain."""
    contents = [
        event(0, "submitted"),
        event(1, "final_response_sent", carrier="PostNL", tracking_number="3SQX"),
        event(2, "rated"),
    ]
    links = build_chain(contents)
    stored = [
        StoredEvent(n, c, made.content_hash, made.prev_hash, made.chain_hash)
        for n, (c, made) in enumerate(zip(contents, links, strict=True), start=1)
    ]
    redacted = redact(contents[1], KEEP)
    assert redacted is not None
    stored[1] = replace(stored[1], content=redacted)
    entry = erasure_entry(2, links[1].content_hash, redacted)
    erasure = event(3, ERASURE_ACTION, trigger="request", **{ERASED_EVENTS: [entry]})
    [made] = build_chain([erasure], start=links[-1].chain_hash)
    return [*stored, StoredEvent(4, erasure, made.content_hash, made.prev_hash, made.chain_hash)]


def test_redact_removes_what_is_not_kept_and_marks_it() -> None:
    redacted = redact(event(0, "x", carrier="PostNL", tracking_number="3SQX", note="hi"), KEEP)
    assert redacted is not None
    assert dict(redacted.detail) == {"carrier": "PostNL", REDACTED: ["note", "tracking_number"]}
    assert redact(event(0, "x", carrier="PostNL"), KEEP) is None  # nothing personal: untouched


def test_an_erased_chain_verifies() -> None:
    assert verify_chain(erased_history()) == []


def test_a_changed_ordinary_event_is_still_found() -> None:
    events = erased_history()
    events[2] = replace(events[2], content=replace(events[2].content, actor="customer"))
    assert [(b.event_id, b.reason) for b in verify_chain(events)] == [(3, "content changed")]


def test_a_forged_redaction_marker_is_found() -> None:
    events = erased_history()
    forged = replace(events[0].content, action="outcome_sent", detail={REDACTED: ["note"]})
    events[0] = replace(events[0], content=forged)
    [found] = verify_chain(events)
    assert found.event_id == 1 and "no erasure event" in found.reason


def test_a_change_to_what_an_erased_event_kept_is_found() -> None:
    events = erased_history()
    changed = dict(events[1].content.detail, carrier="DHL")
    events[1] = replace(events[1], content=replace(events[1].content, detail=changed))
    assert [(b.event_id, b.reason) for b in verify_chain(events)] == [(2, "erased event changed")]


def test_a_changed_erasure_event_vouches_for_nothing() -> None:
    events = erased_history()
    last = events[3].content
    events[3] = replace(events[3], content=replace(last, detail={**last.detail, "trigger": "x"}))
    reasons = {(b.event_id, b.reason.split(",")[0]) for b in verify_chain(events)}
    assert reasons == {(2, "marked as erased"), (4, "content changed")}


def test_an_erasure_event_before_the_event_does_not_vouch_for_it() -> None:
    original = event(1, "final_response_sent", carrier="PostNL", tracking_number="3SQX")
    redacted = redact(original, KEEP)
    assert redacted is not None
    entry = erasure_entry(2, content_hash(original), redacted)
    erasure = event(0, ERASURE_ACTION, trigger="request", **{ERASED_EVENTS: [entry]})
    links = build_chain([erasure, original])
    events = [
        StoredEvent(1, erasure, *vars(links[0]).values()),
        StoredEvent(2, redacted, *vars(links[1]).values()),
    ]
    [found] = verify_chain(events)
    assert found.event_id == 2 and "no erasure event after it" in found.reason


# --- the real command on a real erased case ---------------------------------------------------


def verify(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=["cases", "verify", *args])


def tamper(sql: str, **params: object) -> None:
    """Change the database behind the application's back."""
    with db.engine.begin() as conn:
        conn.execute(text(sql), params)


@pytest.fixture
def erased(app: Flask) -> tuple[str, list[AuditEvent]]:
    """An erased case (its reference and events) beside an untouched one."""
    reference = whole_case().complaint.display_reference
    new_complaint(name="Bram Baksteen")
    assert len(erase_person(EMAIL, now=LATER).erased) == 1
    db.session.expire_all()
    return reference, list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_cases_verify_says_intact_after_erase(app: Flask, erased: tuple[str, Any]) -> None:
    reference, _events = erased
    one = verify(app, reference)
    assert one.exit_code == 0, one.output
    assert f"{reference}: audit chain intact" in one.stdout
    every = verify(app)
    assert every.exit_code == 0 and every.stdout == "All 2 audit chains intact.\n"


def test_tampering_is_still_found_after_erase(app: Flask, erased: tuple[str, Any]) -> None:
    reference, events = erased
    plain = next(e for e in events if e.action == "status_changed")
    tamper("UPDATE audit_event SET to_status = 'resolved' WHERE id = :id", id=plain.id)
    result = verify(app, reference)
    assert result.exit_code == 1
    assert f"event {plain.id}: content changed" in result.stdout


def test_hiding_a_change_behind_a_redaction_marker_is_found(
    app: Flask, erased: tuple[str, Any]
) -> None:
    reference, events = erased
    plain = next(e for e in events if e.action == "reply_sent")
    forged = json.dumps({REDACTED: ["note"]})
    tamper("UPDATE audit_event SET detail = :d, actor = 'customer' WHERE id = :id",
           d=forged, id=plain.id)  # fmt: skip
    result = verify(app, reference)
    assert result.exit_code == 1
    assert f"event {plain.id}: marked as erased, but no erasure event" in result.stdout


def test_changing_an_erased_event_is_found(app: Flask, erased: tuple[str, Any]) -> None:
    reference, events = erased
    redacted = next(e for e in events if REDACTED in e.detail)
    tamper("UPDATE audit_event SET at = :at WHERE id = :id", at=LATER.replace(tzinfo=None),
           id=redacted.id)  # fmt: skip
    result = verify(app, reference)
    assert result.exit_code == 1
    assert f"event {redacted.id}: erased event changed" in result.stdout


def test_the_erasure_event_lists_the_redacted_events_hashes(erased: tuple[str, Any]) -> None:
    _reference, events = erased
    erasure = next(e for e in events if e.action == ERASURE_ACTION)
    listed = {entry["event_id"]: entry for entry in erasure.detail[ERASED_EVENTS]}
    redacted = [item for item in events if REDACTED in item.detail]
    assert len(redacted) == 3
    for item in redacted:
        assert listed[item.id]["content_hash"] == item.content_hash
