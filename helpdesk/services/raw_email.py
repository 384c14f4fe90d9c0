"""Inbound emails kept as they arrived (the raw RFC 822 bytes), as evidence for the case file.

The bytes go to a file with a random name under RAW_EMAIL_DIR, written like an upload
(files.storage.write_new_file: atomically, and removed again when the transaction that was to
store it does not commit), with an InboundEmail row in the same transaction as the complaint
or message the email created or joined. The evidence bundle carries the file unchanged.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from pathlib import Path

from flask import current_app

from ..extensions import db
from ..files.storage import write_new_file
from ..models import Complaint, InboundEmail, Message


def raw_email_dir() -> Path:
    """RAW_EMAIL_DIR as a Path."""
    return Path(current_app.config["RAW_EMAIL_DIR"])


def raw_email_path(inbound: InboundEmail) -> Path:
    """Where the bytes of a stored inbound email live on disk."""
    return raw_email_dir() / Path(inbound.stored_name).name


def store_raw_email(
    raw: bytes, *, complaint: Complaint, message: Message, received_at: datetime
) -> InboundEmail:
    """Write the email's bytes and add its InboundEmail row (no commit; `message` flushed)."""
    stored_name = f"{secrets.token_hex(16)}.eml"
    write_new_file(raw_email_dir() / stored_name, raw)
    inbound = InboundEmail(
        complaint=complaint,
        message_id=message.id,
        stored_name=stored_name,
        size=len(raw),
        sha256=hashlib.sha256(raw).hexdigest(),
        received_at=received_at,
    )
    db.session.add(inbound)
    return inbound
