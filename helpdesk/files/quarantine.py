"""Emails that can never be taken in (too large, MIME nested too deep) are kept aside, not
retried: the raw bytes go to <DATA_DIR>/quarantine/ (readable by the service user only) with
a log line, and the intake goes on with the next message."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from flask import current_app

from ..models.types import utcnow

log = logging.getLogger(__name__)


def quarantine_dir() -> Path:
    """Where refused messages are kept for an operator to look at."""
    return Path(current_app.config["DATA_DIR"]) / "quarantine"


def quarantine(raw: bytes, reason: str) -> Path:
    """Keep `raw` under a new name (0600) and log why; returns the file's path."""
    folder = quarantine_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    name = f"{utcnow():%Y%m%dT%H%M%SZ}-{secrets.token_hex(6)}.eml"
    path = folder / name
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(raw)
    log.warning("email quarantined as %s (%d bytes): %s", path, len(raw), reason)
    return path
