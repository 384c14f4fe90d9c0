"""The tamper-evident audit trail (policy clause 6): each complaint's events form a hash chain.

An event's *content hash* is the SHA-256 of its fields in one canonical JSON form; its
*chain hash* is the SHA-256 of the previous event's chain hash and its own content hash. The
first event of a complaint links to GENESIS. Changing, removing or reordering any stored
event changes every chain hash after it, so the head (the last chain hash) printed in a case
file or a bundle's manifest pins the whole history. Pure: no Flask, no SQLAlchemy.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

#: What the first event of a complaint links to.
GENESIS = "0" * 64


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
    """Every place where the stored hashes disagree with the events (empty when intact)."""
    breaks: list[ChainBreak] = []
    prev = GENESIS
    for event in events:
        if event.content_hash is None or event.prev_hash is None or event.chain_hash is None:
            breaks.append(ChainBreak(event.event_id, "no hash stored"))
        else:
            if content_hash(event.content) != event.content_hash:
                breaks.append(ChainBreak(event.event_id, "content changed"))
            if event.prev_hash != prev:
                breaks.append(ChainBreak(event.event_id, "does not follow the event before"))
            if link_hash(event.prev_hash, event.content_hash) != event.chain_hash:
                breaks.append(ChainBreak(event.event_id, "chain hash does not match"))
        prev = event.chain_hash or prev
    return breaks


def head(links: Sequence[Link]) -> str:
    """The chain's head: the last event's chain hash (GENESIS for no events)."""
    return links[-1].chain_hash if links else GENESIS
