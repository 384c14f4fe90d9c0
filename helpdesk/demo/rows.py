"""Table rows for bulk inserts: what a chunk of demo complaints adds to each table.

Ids of complaints, messages, attachments and outcomes are given here (the seeder allocates
them) so children can point at their parents without a round trip to the database.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..domain.audit_chain import EventContent, build_chain
from .files import Sample, stored_name
from .vocab import preferred_solution

Row = dict[str, Any]


@dataclass
class Batch:
    """Rows for a chunk of complaints, in insert order, and the files they need."""

    complaints: list[Row] = field(default_factory=list)
    messages: list[Row] = field(default_factory=list)
    attachments: list[Row] = field(default_factory=list)
    outcomes: list[Row] = field(default_factory=list)
    events: list[Row] = field(default_factory=list)
    ratings: list[Row] = field(default_factory=list)
    files: list[tuple[str, bytes]] = field(default_factory=list)


@dataclass
class Ids:
    """The next free id of the tables whose ids other rows refer to."""

    message: int
    attachment: int
    outcome: int

    def take(self, table: str) -> int:
        """Hand out the next id of `table` ("message", "attachment" or "outcome")."""
        value: int = getattr(self, table)
        setattr(self, table, value + 1)
        return value


@dataclass
class Context:
    """What every complaint of a run shares."""

    staff_ids: dict[str, int]
    staff_names: dict[int, str]
    shop: str
    seed: int
    ids: Ids
    references: set[str]


def complaint_row(
    complaint_id: int, reference: str, name: str, email: str, order_number: str
) -> Row:
    """A complaint's identity columns; the caller adds its story and clock columns."""
    return {
        "id": complaint_id,
        "reference": reference,
        "submission_token": None,
        "name": name,
        "email": email,
        "email_normalized": email.strip().lower(),  # as services.submission.normalise_email
        "order_number": order_number or None,
        "version": 1,
    }


def event_row(
    complaint_id: int,
    at: datetime,
    actor: str,
    action: str,
    detail: dict[str, Any],
    *,
    staff_id: int | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
) -> Row:
    """One audit event."""
    return {
        "complaint_id": complaint_id,
        "at": at,
        "actor": actor,
        "staff_id": staff_id,
        "action": action,
        "from_status": from_status,
        "to_status": to_status,
        "detail": detail,
    }


def finish_batch(batch: Batch, seed: int) -> None:
    """What is added once a batch's stories are rows: each web complaint's "Preferred
    solution" (from a generator of its own, so the stories stay as they were) and every
    event's audit-chain hashes."""
    for row in batch.complaints:
        row["preferred_solution"] = preferred_solution(
            seed, row["id"], row["category"], row["channel"]
        )
    chain_batch(batch)


def chain_batch(batch: Batch) -> None:
    """Give every event row of the batch its audit-chain hashes, complaint by complaint (the
    rows are in insert order, which is id order)."""
    references = {row["id"]: row["reference"] for row in batch.complaints}
    by_complaint: dict[int, list[Row]] = defaultdict(list)
    for row in batch.events:
        by_complaint[row["complaint_id"]].append(row)
    for complaint_id, events in by_complaint.items():
        chain_events(events, references[complaint_id])


def chain_events(events: list[Row], reference: str) -> None:
    """Give one complaint's event rows (in insert order) their audit-chain hashes."""
    contents = [
        EventContent(
            reference=reference,
            at=row["at"],
            actor=row["actor"],
            staff_id=row["staff_id"],
            action=row["action"],
            from_status=row["from_status"],
            to_status=row["to_status"],
            detail=row["detail"],
        )
        for row in events
    ]
    for row, made in zip(events, build_chain(contents), strict=True):
        row.update(
            content_hash=made.content_hash, prev_hash=made.prev_hash, chain_hash=made.chain_hash
        )


def message_row(
    message_id: int,
    complaint_id: int,
    at: datetime,
    *,
    author: str,
    kind: str,
    body: str,
    staff_id: int | None,
    internal: bool,
    via: str,
    email_message_id: str | None,
) -> Row:
    """One message of a thread."""
    return {
        "id": message_id,
        "complaint_id": complaint_id,
        "author": author,
        "staff_id": staff_id,
        "kind": kind,
        "body": body,
        "internal": internal,
        "via": via,
        "email_message_id": email_message_id,
        "created_at": at,
    }


def attachment_row(
    ctx: Context,
    complaint_id: int,
    message_id: int,
    at: datetime,
    sample: Sample,
    *,
    purpose: str,
) -> tuple[Row, tuple[str, bytes]]:
    """An attachment row and the file to write for it."""
    attachment_id = ctx.ids.take("attachment")
    name = stored_name(f"{ctx.seed}:{attachment_id}:{complaint_id}", sample)
    row = {
        "id": attachment_id,
        "complaint_id": complaint_id,
        "message_id": message_id,
        "original_name": sample.name,
        "stored_name": name,
        "content_type": sample.content_type,
        "size": len(sample.data),
        "sha256": hashlib.sha256(sample.data).hexdigest(),
        "uploaded_by": "staff" if purpose == "replacement" else "customer",
        "purpose": purpose,
        "created_at": at,
    }
    return row, (name, sample.data)


def outcome_row(
    ctx: Context,
    complaint_id: int,
    at: datetime,
    *,
    kind: str,
    staff_id: int | None,
    final: bool,
    language: str,
    data: dict[str, Any],
    amount_cents: int | None,
) -> Row:
    """An outcome; its body and file are filled in when its message is written."""
    return {
        "id": ctx.ids.take("outcome"),
        "complaint_id": complaint_id,
        "kind": kind,
        "staff_id": staff_id,
        "is_final": final,
        "language": language,
        "body": "",
        "data": data,
        "amount_cents": amount_cents,
        "attachment_id": None,
        "sent_at": at,
    }


def outcome_audit(outcome: Row, sha256: str | None) -> dict[str, Any]:
    """The audit detail services.outcomes.audit_detail writes for an outcome."""
    detail: dict[str, Any] = {"outcome_id": outcome["id"], "kind": outcome["kind"]}
    if outcome["amount_cents"] is not None:
        detail["amount_cents"] = outcome["amount_cents"]
        detail["full"] = bool(outcome["data"].get("full"))
    for key in ("carrier", "tracking_number"):
        if key in outcome["data"]:
            detail[key] = outcome["data"][key]
    if sha256 is not None:
        detail["file_sha256"] = sha256
    return detail
