"""The case page's complaint, loaded with everything the page shows in a fixed few queries.

The complaint with its assignee and outcomes (at most two, joined in with their root
causes), then its files, messages (with their authors) and audit events (with who), one
prebuilt query each, handed to the complaint as its loaded collections. The messages' files
are among the complaint's files, so they are handed to their messages from there instead of
being queried a second time.

The three collections were `selectinload` options of the complaint's query: SQLAlchemy then
builds, keys and compiles an IN query per collection on every call, which cost as much again
as the rows themselves (get_case 1.39 -> 0.69 ms of CPU a call on the bench's case;
docs/performance.md, "Page speed, eighth session").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Integer, String, bindparam, inspect, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from ..domain.reference import normalise_reference
from ..extensions import db
from ..models import Attachment, AuditEvent, Complaint, Message, Outcome

#: Built once; the reference is the parameter.
_CASE = (
    select(Complaint)
    .where(Complaint.reference == bindparam("reference", type_=String))
    .options(
        joinedload(Complaint.assignee),
        # At most two, in the complaint's own query, with the root cause the outcome panel
        # names (a query of its own on every case page when left to load lazily).
        joinedload(Complaint.outcomes).joinedload(Outcome.root_cause),
    )
)
_ID = bindparam("id", type_=Integer)
#: Each collection in the relationship's own order (by id), built once.
_COLLECTIONS: dict[str, Any] = {
    "attachments": select(Attachment).where(Attachment.complaint_id == _ID).order_by(Attachment.id),
    "messages": select(Message)
    .where(Message.complaint_id == _ID)
    .order_by(Message.id)
    .options(joinedload(Message.staff)),
    "events": select(AuditEvent)
    .where(AuditEvent.complaint_id == _ID)
    .order_by(AuditEvent.id)
    .options(joinedload(AuditEvent.staff)),
}


def get_case(reference: str) -> Complaint | None:
    """The complaint for a typed reference, with everything the case page shows loaded."""
    code = normalise_reference(reference)
    if code is None:
        return None
    found = db.session.scalars(_CASE, {"reference": code}).unique()
    complaint: Complaint | None = found.one_or_none()  # the reference is unique
    if complaint is not None:
        _load_collections(complaint)
        _hand_out_files(complaint)
    return complaint


def _load_collections(complaint: Complaint) -> None:
    """Read each of the complaint's files, messages and events that is not loaded yet (as
    `selectinload` would leave a loaded one alone) and set it as loaded."""
    loaded: dict[str, Any] = inspect(complaint).dict
    params = {"id": complaint.id}
    for name, statement in _COLLECTIONS.items():
        if name not in loaded:
            rows: Sequence[Any] = db.session.scalars(statement, params).all()
            set_committed_value(complaint, name, list(rows))


def _hand_out_files(complaint: Complaint) -> None:
    """Give each message whose files are not loaded yet its files (in id order, as
    Message.attachments has them) from the complaint's, without another query."""
    by_message: dict[int, list[Attachment]] = defaultdict(list)
    for item in complaint.attachments:  # ordered by id
        if item.message_id is not None:
            by_message[item.message_id].append(item)
    for message in complaint.messages:
        if "attachments" not in inspect(message).dict:
            set_committed_value(message, "attachments", by_message.get(message.id, []))
