"""Finding what the helpdesk holds about a person, whether a case must be kept, and a
manager's legal hold: shared by the export (services.privacy_export) and the erasure
(services.privacy).

A person is found by their address as the app matches addresses (services.submission's
normalise_email on complaint.email_normalized); besides their complaints, the outbox may
hold emails to them and the quarantine (files.quarantine) emails from them.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from email.parser import BytesHeaderParser
from email.utils import getaddresses
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from ..domain.retention import CaseFacts, Hold, hold_for
from ..extensions import db
from ..files.quarantine import quarantine_dir
from ..models import Complaint, OutboxEmail
from ..models.types import utcnow
from .lifecycle import record_event
from .submission import normalise_email

log = logging.getLogger("helpdesk.privacy")

#: How much of a quarantined email is read to find its sender (the headers).
_HEAD_BYTES = 256 * 1024


def find_cases(email: str) -> list[Complaint]:
    """The complaints made from this address (as the app matches addresses), oldest first."""
    query = (
        select(Complaint)
        .where(Complaint.email_normalized == normalise_email(email), Complaint.erased_at.is_(None))
        .order_by(Complaint.received_at, Complaint.id)
    )
    return list(db.session.scalars(query))


def outbox_to(email: str) -> list[OutboxEmail]:
    """Every email in the outbox addressed to this address, whatever the case."""
    query = select(OutboxEmail).where(
        func.lower(func.trim(OutboxEmail.to_addr)) == normalise_email(email)
    )
    return list(db.session.scalars(query.order_by(OutboxEmail.id)))


def quarantined_from(email: str) -> list[Path]:
    """Quarantined emails (files.quarantine) sent from, or on behalf of, this address."""
    folder, wanted = quarantine_dir(), normalise_email(email)
    if not folder.is_dir():
        return []
    return [path for path in sorted(folder.glob("*.eml")) if wanted in _senders(path)]


def _senders(path: Path) -> set[str]:
    with path.open("rb") as handle:
        head = handle.read(_HEAD_BYTES)
    headers = BytesHeaderParser().parsebytes(head)
    values = [str(v) for k in ("from", "sender", "reply-to") for v in headers.get_all(k) or []]
    return {normalise_email(address) for _name, address in getaddresses(values) if address}


def case_facts(complaint: Complaint) -> CaseFacts:
    """What the hold decision reads of a case."""
    decided = [r.decided_on for r in complaint.referrals if r.decided_on is not None]
    return CaseFacts(
        status=complaint.status,
        responded_at=complaint.responded_at,
        final_at=complaint.final_at,
        legal_hold=complaint.legal_hold,
        open_referrals=tuple(r.body for r in complaint.referrals if r.decision is None),
        last_decided_on=max(decided) if decided else None,
    )


def hold_of(complaint: Complaint, now: datetime) -> Hold | None:
    """Why this case must be kept now (LEGAL_HOLD_DAYS from the settings), or None."""
    return hold_for(case_facts(complaint), now, int(current_app.config["LEGAL_HOLD_DAYS"]))


# --- a manager's legal hold -----------------------------------------------------------------


def set_legal_hold(complaint: Complaint, reason: str, now: datetime | None = None) -> None:
    """Keep the case from erase and purge until released (one commit, with an audit event)."""
    now = now or utcnow()
    complaint.legal_hold = reason.strip()[:200]
    record_event(complaint, "legal_hold_set", now=now, actor="system",
                 detail={"hold_reason": complaint.legal_hold})  # fmt: skip
    db.session.commit()
    log_line("hold", reference=complaint.display_reference)


def release_legal_hold(complaint: Complaint, now: datetime | None = None) -> bool:
    """Lift a manager's hold; False when there was none (nothing changed)."""
    if not complaint.legal_hold:
        return False
    complaint.legal_hold = None
    record_event(complaint, "legal_hold_released", now=now or utcnow(), actor="system")
    db.session.commit()
    log_line("release", reference=complaint.display_reference)
    return True


def log_line(command: str, **fields: object) -> None:
    """The one structured line a privacy command leaves: `privacy COMMAND {json}` on the
    `helpdesk.privacy` logger (references and counts, never an address)."""
    log.info("privacy %s %s", command, json.dumps(fields, sort_keys=True, default=str))
