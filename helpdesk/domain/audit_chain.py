"""The tamper-evident audit trail (policy clause 6): each complaint's events form a hash chain.

An event's *content hash* is the SHA-256 of its fields in one canonical JSON form; its
*chain hash* is the SHA-256 of the previous event's chain hash and its own content hash. The
first event of a complaint links to GENESIS. Changing, removing or reordering any stored
event changes every chain hash after it, so the head (the last chain hash) printed in a case
file or a bundle's manifest pins the whole history. Pure: no Flask, no SQLAlchemy.

Erasure (GDPR) and the chain. Erasing a customer's personal data must not break the proof
that nobody rewrote the history, yet the erased words cannot stay to be hashed again. So
an erased event keeps its stored hashes and its non-personal fields; its personal detail
keys are removed and their names listed under REDACTED in the detail. In the same
transaction an ERASURE_ACTION event is appended to the chain: its detail lists, for every
event it redacted, the original content hash and the hash of the redacted content. The
verifier accepts a redacted event only when a LATER, intact erasure event of the same chain
lists its stored content hash together with its redacted content's hash; the links
(prev_hash, chain_hash) are checked as for any event.

What that proves, and what it cannot: a changed ordinary event is still "content changed";
marking one as redacted to hide a change fails (no erasure event lists it); changing what
an erased event kept (its time, action, statuses, remaining detail) fails too, as does
changing the erasure event. The removed values themselves can no longer be checked: they
are gone, which is the point. And, as for every event (the hashes use no secret), someone
who can write to the database can append a forged erasure event that "redacts" an event
they altered; that shows as an erasure in the trail and as a new chain head, so only a head
printed earlier (a case file, a bundle's manifest, the erase command's log line) exposes it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

#: What the first event of a complaint links to.
GENESIS = "0" * 64
#: Detail key of an event whose personal detail was erased: the sorted names of the keys removed.
REDACTED = "_redacted"
#: The action of the event that records an erasure, and its detail key listing the events it
#: redacted: [{"event_id", "content_hash" (as first stored), "redacted_hash"}, ...].
ERASURE_ACTION = "personal_data_erased"
ERASED_EVENTS = "redacted_events"


@dataclass(frozen=True)
class EventContent:
    """The fields of an audit event that its content hash covers."""

    reference: str
    at: datetime
    actor: str
    staff_id: int | None
    action: str
    from_status: str | None
    to_status: str | None
    detail: Mapping[str, Any]


@dataclass(frozen=True)
class Link:
    """The three hashes stored on an event."""

    content_hash: str
    prev_hash: str
    chain_hash: str


@dataclass(frozen=True)
class StoredEvent:
    """An event as read back for verification: its content and the hashes stored with it."""

    event_id: int
    content: EventContent
    content_hash: str | None
    prev_hash: str | None
    chain_hash: str | None


@dataclass(frozen=True)
class ChainBreak:
    """Where a chain stops matching its events, and why."""

    event_id: int
    reason: str


def canonical(content: EventContent) -> bytes:
    """The bytes the content hash is taken of: sorted keys, UTC microseconds, no spaces."""
    moment = content.at if content.at.tzinfo else content.at.replace(tzinfo=UTC)
    fields = {
        "reference": content.reference,
        "at": moment.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": content.actor,
        "staff_id": content.staff_id,
        "action": content.action,
        "from_status": content.from_status,
        "to_status": content.to_status,
        "detail": dict(content.detail),
    }
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def content_hash(content: EventContent) -> str:
    """SHA-256 (hex) of the event's canonical content."""
    return hashlib.sha256(canonical(content)).hexdigest()


def link_hash(prev_hash: str, own_content_hash: str) -> str:
    """SHA-256 (hex) that ties an event to the one before it."""
    return hashlib.sha256(f"{prev_hash}:{own_content_hash}".encode("ascii")).hexdigest()


def link(content: EventContent, prev_hash: str) -> Link:
    """The hashes of one event that follows `prev_hash`."""
    own = content_hash(content)
    return Link(own, prev_hash, link_hash(prev_hash, own))


def build_chain(contents: Iterable[EventContent], start: str = GENESIS) -> list[Link]:
    """The links of events in order, the first following `start`."""
    links: list[Link] = []
    prev = start
    for content in contents:
        made = link(content, prev)
        links.append(made)
        prev = made.chain_hash
    return links


def verify_chain(events: Sequence[StoredEvent]) -> list[ChainBreak]:
    """Every place where the stored hashes disagree with the events (empty when intact).

    A redacted (erased) event is taken on trust for its removed values only (module docstring).
    """
    breaks: list[ChainBreak] = []
    erasures = _erasures(events)
    prev = GENESIS
    for position, event in enumerate(events):
        if event.content_hash is None or event.prev_hash is None or event.chain_hash is None:
            breaks.append(ChainBreak(event.event_id, "no hash stored"))
        else:
            problem = _content_problem(event, position, erasures)
            if problem is not None:
                breaks.append(ChainBreak(event.event_id, problem))
            if event.prev_hash != prev:
                breaks.append(ChainBreak(event.event_id, "does not follow the event before"))
            if link_hash(event.prev_hash, event.content_hash) != event.chain_hash:
                breaks.append(ChainBreak(event.event_id, "chain hash does not match"))
        prev = event.chain_hash or prev
    return breaks


def is_redacted(content: EventContent) -> bool:
    """True for an event whose personal detail was erased."""
    return REDACTED in content.detail


def redact(content: EventContent, keep: Collection[str]) -> EventContent | None:
    """The content without the detail keys not in `keep`, their names listed under REDACTED;
    None when there is nothing to remove (the event stays as it is)."""
    removed = [key for key in content.detail if key not in keep and key != REDACTED]
    if not removed:
        return None
    before = content.detail.get(REDACTED)
    names = set(removed) | (set(before) if isinstance(before, list) else set())
    detail: dict[str, Any] = {k: v for k, v in content.detail.items() if k in keep}
    detail[REDACTED] = sorted(names)
    return replace(content, detail=detail)


def erasure_entry(event_id: int, stored_hash: str, redacted: EventContent) -> dict[str, Any]:
    """What an erasure event records of one event it redacted."""
    return {
        "event_id": event_id,
        "content_hash": stored_hash,
        "redacted_hash": content_hash(redacted),
    }


#: content hash as first stored -> [(position of the erasure event, redacted content's hash)]
_Vouched = dict[str, list[tuple[int, str]]]


def _erasures(events: Sequence[StoredEvent]) -> _Vouched:
    """What the intact erasure events of a chain vouch for (a changed one vouches for nothing)."""
    found: _Vouched = {}
    for position, event in enumerate(events):
        content = event.content
        if content.action != ERASURE_ACTION or is_redacted(content):
            continue
        if content_hash(content) != event.content_hash:
            continue
        entries = content.detail.get(ERASED_EVENTS)
        for entry in entries if isinstance(entries, list) else []:
            original = entry.get("content_hash") if isinstance(entry, dict) else None
            redacted = entry.get("redacted_hash") if isinstance(entry, dict) else None
            if isinstance(original, str) and isinstance(redacted, str):
                found.setdefault(original, []).append((position, redacted))
    return found


def _content_problem(event: StoredEvent, position: int, erasures: _Vouched) -> str | None:
    """Why the event's content does not match its stored content hash (None when it does)."""
    own = content_hash(event.content)
    if not is_redacted(event.content):
        return None if own == event.content_hash else "content changed"
    vouched = {h for at, h in erasures.get(event.content_hash or "", []) if at > position}
    if not vouched:
        return "marked as erased, but no erasure event after it lists it"
    return None if own in vouched else "erased event changed"


def head(links: Sequence[Link]) -> str:
    """The chain's head: the last event's chain hash (GENESIS for no events)."""
    return links[-1].chain_hash if links else GENESIS
