"""The case page's complaint, loaded with everything the page shows in a fixed few queries.

The complaint with its assignee and outcomes (at most two, joined in with their root
causes), then its messages (with their authors), files and audit events (with who), one
query each. The messages' files are among the complaint's files, so they are handed to
their messages from there instead of being queried a second time.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import String, bindparam, inspect, select
from sqlalchemy.orm import joinedload, selectinload
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
        selectinload(Complaint.messages).joinedload(Message.staff),
        selectinload(Complaint.attachments),
        selectinload(Complaint.events).joinedload(AuditEvent.staff),
        # At most two, in the complaint's own query, with the root cause the outcome panel
        # names (a query of its own on every case page when left to load lazily).
        joinedload(Complaint.outcomes).joinedload(Outcome.root_cause),
    )
)


def get_case(reference: str) -> Complaint | None:
    """The complaint for a typed reference, with everything the case page shows loaded."""
    code = normalise_reference(reference)
    if code is None:
        return None
    found = db.session.scalars(_CASE, {"reference": code}).unique()
    complaint: Complaint | None = found.one_or_none()  # the reference is unique
    if complaint is not None:
        _hand_out_files(complaint)
    return complaint


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
