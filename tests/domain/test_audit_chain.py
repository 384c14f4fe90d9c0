"""domain.audit_chain: the same content gives the same hash, every field counts, and
verify_chain finds a changed detail, a deleted, swapped or forged event."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from itertools import pairwise
from typing import Any

import pytest

from helpdesk.domain.audit_chain import (
    GENESIS,
    EventContent,
    StoredEvent,
    build_chain,
    content_hash,
    head,
    link,
    link_hash,
    verify_chain,
)

AT = datetime(2026, 11, 2, 9, 30, 15, 123456, tzinfo=UTC)


def content(**changes: Any) -> EventContent:
    """A typical event: a staff member moves the complaint on."""
    base = EventContent(
        reference="ABCDEFGHJKMN",
        at=AT,
        actor="staff",
        staff_id=3,
        action="status_changed",
        from_status="acknowledged",
        to_status="assessing",
        detail={"by": "hand", "amount": "12,50"},
    )
    return replace(base, **changes)


def history() -> list[EventContent]:
    """Four events of one complaint, a minute apart."""
    return [
        content(action="submitted", actor="customer", staff_id=None, detail={"channel": "web"}),
        content(at=AT + timedelta(minutes=1)),
        content(at=AT + timedelta(minutes=2), action="reply_sent", detail={}),
        content(at=AT + timedelta(minutes=3), action="note_added", detail={"n": 1}),
    ]


def stored(contents: list[EventContent]) -> list[StoredEvent]:
    """The events as the database would hold them, with ids 1, 2, …"""
    return [
        StoredEvent(number, item, made.content_hash, made.prev_hash, made.chain_hash)
        for number, (item, made) in enumerate(zip(contents, build_chain(contents), strict=True), 1)
    ]


def test_the_same_content_gives_the_same_hash() -> None:
    assert content_hash(content()) == content_hash(content())
    reordered = content(detail={"amount": "12,50", "by": "hand"})
    assert content_hash(reordered) == content_hash(content())
    assert len(content_hash(content())) == 64


def test_the_same_moment_in_another_zone_or_naive_utc_is_the_same_content() -> None:
    amsterdam = AT.astimezone(timezone(timedelta(hours=1)))
    assert content_hash(content(at=amsterdam)) == content_hash(content())
    assert content_hash(content(at=AT.replace(tzinfo=None))) == content_hash(content())


@pytest.mark.parametrize(
    "changes",
    [
        {"reference": "ABCDEFGHJKMP"},
        {"at": AT + timedelta(microseconds=1)},
        {"actor": "system"},
        {"staff_id": 4},
        {"staff_id": None},
        {"action": "assigned"},
        {"from_status": "received"},
        {"from_status": None},
        {"to_status": "awaiting_customer"},
        {"detail": {"by": "hand", "amount": "12,51"}},
        {"detail": {"by": "hand"}},
        {"detail": {}},
    ],
    ids=lambda changes: ",".join(changes),
)
def test_each_field_changes_the_hash(changes: dict[str, Any]) -> None:
    assert content_hash(content(**changes)) != content_hash(content())


def test_a_chain_links_each_event_to_the_one_before() -> None:
    links = build_chain(history())
    assert links[0].prev_hash == GENESIS
    for before, after in pairwise(links):
        assert after.prev_hash == before.chain_hash
        assert after.chain_hash == link_hash(after.prev_hash, after.content_hash)
    assert head(links) == links[-1].chain_hash
    assert head([]) == GENESIS


def test_build_chain_continues_from_a_head_as_link_does() -> None:
    contents = history()
    whole = build_chain(contents)
    rest = build_chain(contents[2:], start=whole[1].chain_hash)
    assert rest == whole[2:]
    assert link(contents[2], whole[1].chain_hash) == whole[2]


def test_an_intact_chain_has_no_breaks() -> None:
    assert verify_chain(stored(history())) == []
    assert verify_chain([]) == []


def test_a_changed_detail_is_found() -> None:
    events = stored(history())
    events[1] = replace(events[1], content=replace(events[1].content, detail={"by": "email"}))
    breaks = verify_chain(events)
    assert [(b.event_id, b.reason) for b in breaks] == [(2, "content changed")]


def test_a_changed_moment_is_found() -> None:
    events = stored(history())
    moved = replace(events[2].content, at=events[2].content.at - timedelta(days=1))
    events[2] = replace(events[2], content=moved)
    assert [b.event_id for b in verify_chain(events)] == [3]


def test_a_deleted_event_is_found_at_the_one_after_it() -> None:
    events = stored(history())
    del events[1]
    breaks = verify_chain(events)
    assert [(b.event_id, b.reason) for b in breaks] == [(3, "does not follow the event before")]


def test_a_deleted_first_event_is_found() -> None:
    events = stored(history())[1:]
    assert [b.event_id for b in verify_chain(events)] == [2]


def test_swapped_events_are_found() -> None:
    events = stored(history())
    events[1], events[2] = events[2], events[1]
    breaks = verify_chain(events)
    # 3 now follows 1, 2 follows 3, and 4 follows 2 instead of 3.
    assert [b.event_id for b in breaks] == [3, 2, 4]
    assert {b.reason for b in breaks} == {"does not follow the event before"}


def test_a_forged_link_is_found() -> None:
    events = stored(history())
    # Someone edits an event and stores its new content hash, but cannot fix the links after.
    forged = replace(events[1].content, detail={"by": "nobody"})
    made = link(forged, events[1].prev_hash or GENESIS)
    events[1] = StoredEvent(2, forged, made.content_hash, made.prev_hash, made.chain_hash)
    breaks = verify_chain(events)
    assert [(b.event_id, b.reason) for b in breaks] == [(3, "does not follow the event before")]


def test_a_chain_hash_that_does_not_match_its_parts_is_found() -> None:
    events = stored(history())
    events[3] = replace(events[3], chain_hash="f" * 64)
    breaks = verify_chain(events)
    assert [(b.event_id, b.reason) for b in breaks] == [(4, "chain hash does not match")]


def test_a_prev_hash_pointing_elsewhere_is_found() -> None:
    events = stored(history())
    wrong = "e" * 64
    events[2] = replace(
        events[2],
        prev_hash=wrong,
        chain_hash=link_hash(wrong, events[2].content_hash or ""),
    )
    reasons = {b.reason for b in verify_chain(events) if b.event_id == 3}
    assert reasons == {"does not follow the event before"}


def test_an_event_without_hashes_is_found() -> None:
    events = stored(history())
    events[0] = replace(events[0], content_hash=None, prev_hash=None, chain_hash=None)
    breaks = verify_chain(events)
    assert (1, "no hash stored") in [(b.event_id, b.reason) for b in breaks]
