"""Email into complaints (PRODUCT.md clause 2b): a reply that carries a complaint's reference
code in the subject, from that complaint's address, joins it; anything else opens a new one.

Robots are never answered (auto-replies, bounces, lists, our own mail), so the acknowledgement
cannot start a mail loop. The Message-ID makes a message piped twice one record. A refused
attachment never loses the message: the text is kept with a note naming the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from ..extensions import db
from ..files.quarantine import quarantine
from ..files.uploads import CheckedUpload, Upload, UploadError, check_evidence
from ..models import Complaint
from ..services.customer import MAX_BODY, add_customer_message, find_message
from ..services.submission import NewComplaint, normalise_email, submit_complaint
from .parsing import ParsedEmail, UnreadableEmail, parse_email
from .refs import find_references
from .text import find_order_number, guess_language, strip_quoted

#: Errors that mean "the database is not there right now": the MTA should try again later.
TEMPORARY_ERRORS = (OperationalError, InterfaceError, DisconnectionError, PoolTimeoutError)

_REPLY_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|antw|doorst)\s*(\[\d+\])?\s*:\s*)+", re.I)
_EMPTY = "(no text)"


@dataclass(frozen=True)
class IngestResult:
    """What happened to one message: created | joined | duplicate | ignored | quarantined."""

    action: str
    reference: str | None = None
    reason: str = ""
    refused: tuple[str, ...] = ()

    def summary(self) -> str:
        """One line for the command's output."""
        text = {
            "created": f"created complaint {self.reference}",
            "joined": f"added to complaint {self.reference}",
            "duplicate": f"already stored (complaint {self.reference})",
            "quarantined": f"quarantined: {self.reason}",
        }.get(self.action, f"ignored: {self.reason}")
        if self.refused:
            text += f"; refused attachments: {', '.join(self.refused)}"
        return text


def ingest_message(raw: bytes, *, now: datetime | None = None) -> IngestResult:
    """Store one RFC 822 message as a new complaint or an answer to one (one commit), with
    the raw bytes kept as evidence (not for duplicates or ignored messages)."""
    try:
        parsed = parse_email(raw)
    except UnreadableEmail as exc:
        kept = quarantine(raw, str(exc))
        return IngestResult("quarantined", reason=f"{exc}; kept as {kept}")
    if parsed.automatic:
        return IngestResult("ignored", reason=parsed.automatic)
    if not parsed.from_addr:
        return IngestResult("ignored", reason="no usable sender address")
    if _is_own_address(parsed.from_addr):
        return IngestResult("ignored", reason=f"sent by this helpdesk ({parsed.from_addr})")
    existing = find_message(parsed.message_id)
    if existing is not None:
        return IngestResult("duplicate", reference=existing.complaint.display_reference)
    files, notes, refused = _check_files(parsed.attachments)
    complaint = find_thread(parsed.subject, parsed.from_addr)
    if complaint is not None:
        body = _with_notes(strip_quoted(parsed.body), notes)
        add_customer_message(
            complaint,
            body or _EMPTY,
            files,
            via="email",
            now=now,
            email_message_id=parsed.message_id,
            raw_email=raw,
        )
        return IngestResult("joined", complaint.display_reference, refused=refused)
    created = submit_complaint(
        _new_complaint(parsed, notes),
        files,
        now=now,
        email_message_id=parsed.message_id,
        raw_email=raw,
    )
    return IngestResult("created", created.display_reference, refused=refused)


def find_thread(subject: str, sender: str) -> Complaint | None:
    """The complaint whose reference code is in `subject` and whose address is `sender`."""
    wanted = normalise_email(sender)
    for code in find_references(subject):
        complaint: Complaint | None = db.session.scalar(
            select(Complaint).where(Complaint.reference == code)
        )
        if complaint is not None and complaint.email_normalized == wanted:
            return complaint
    return None


def _is_own_address(address: str) -> bool:
    cfg = current_app.config
    ours = {normalise_email(cfg["MAIL_FROM"]), normalise_email(cfg["SHOP_COMPLAINTS_EMAIL"])}
    return normalise_email(address) in ours


def _check_files(
    attachments: list[tuple[str, bytes]],
) -> tuple[list[CheckedUpload], list[str], tuple[str, ...]]:
    """(accepted files, notes for the text, refused names): one bad file spoils nothing else."""
    most = int(current_app.config["MAX_ATTACHMENTS"])
    accepted: list[CheckedUpload] = []
    notes: list[str] = []
    refused: list[str] = []
    for filename, data in attachments:
        if len(accepted) >= most:
            notes.append(
                _("You can attach at most %(count)d files.", count=most) + f" ({filename})"
            )
            refused.append(filename)
            continue
        try:
            accepted.append(check_evidence(Upload(filename, data)))
        except UploadError as exc:
            notes.append(exc.message)
            refused.append(filename)
    return accepted, notes, tuple(refused)


def _with_notes(text: str, notes: list[str]) -> str:
    """The text with one line per refused attachment, so staff know a file is missing."""
    if not notes:
        return text
    lines = "\n".join(f"[{_('Attachment not accepted')}: {note}]" for note in notes)
    room = max(MAX_BODY - len(lines) - 2, 0)  # the notes must survive the length limit
    return f"{text[:room]}\n\n{lines}".strip()


def _new_complaint(parsed: ParsedEmail, notes: list[str]) -> NewComplaint:
    """A complaint in category "other" from the sender, the subject and the text."""
    subject = _REPLY_PREFIX.sub("", parsed.subject).strip()
    body = strip_quoted(parsed.body)
    description = "\n\n".join(part for part in (subject, body) if part)[:MAX_BODY]
    return NewComplaint(
        name=parsed.from_name or parsed.from_addr.partition("@")[0],
        email=parsed.from_addr,
        order_number=find_order_number(parsed.subject, body),
        category="other",
        description=_with_notes(description or _EMPTY, notes),
        language=guess_language(f"{subject}\n{body}", parsed.content_language),
        channel="email",
    )
