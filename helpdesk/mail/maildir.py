"""Polling a Maildir: every message in new/ (and in cur/ without the Seen flag) is ingested
once, then moved to cur/ with the S flag, so a second run finds nothing to do."""

from __future__ import annotations

import logging
import mailbox
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from tqdm import tqdm

from ..extensions import db
from .inbound import TEMPORARY_ERRORS, ingest_message

log = logging.getLogger(__name__)


@dataclass
class MaildirReport:
    """Counts per outcome (created, joined, duplicate, ignored, error) and the error lines."""

    counts: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """'3 messages: 2 created, 1 joined'."""
        total = sum(self.counts.values())
        parts = ", ".join(f"{n} {action}" for action, n in sorted(self.counts.items()))
        return f"{total} messages" + (f": {parts}" if parts else "")


def pending_keys(box: mailbox.Maildir) -> list[str]:
    """Keys of the messages not handled yet (in new/, or in cur/ without the S flag)."""
    keys = []
    for key in list(box.iterkeys()):
        try:
            message = box.get_message(key)
        except KeyError:  # moved away by another run meanwhile
            continue
        if message.get_subdir() == "new" or "S" not in message.get_flags():
            keys.append(key)
    return keys


def ingest_maildir(
    path: Path, *, now: datetime | None = None, progress: bool = True
) -> MaildirReport:
    """Ingest every pending message of the Maildir at `path`.

    A database that is unreachable raises (TEMPORARY_ERRORS) and leaves the rest in place;
    a message that fails otherwise stays unflagged, so the next run tries it again.
    """
    box = mailbox.Maildir(str(path), factory=None, create=False)
    report = MaildirReport()
    for key in tqdm(pending_keys(box), desc="Ingesting", unit="msg", disable=not progress):
        try:
            raw = box.get_bytes(key)
        except KeyError:
            continue  # another run took it
        try:
            result = ingest_message(raw, now=now)
        except TEMPORARY_ERRORS:
            db.session.rollback()
            raise
        except Exception as exc:  # one bad message must not stop the others
            db.session.rollback()
            log.exception("could not ingest Maildir message %s", key)
            report.counts["error"] += 1
            report.errors.append(f"{key}: {type(exc).__name__}: {exc}")
            continue
        report.counts[result.action] += 1
        _mark_seen(box, key)
    return report


def _mark_seen(box: mailbox.Maildir, key: str) -> None:
    """Move the message to cur/ with the Seen flag (mailbox's documented way)."""
    try:
        message = box.get_message(key)
        message.set_subdir("cur")
        message.add_flag("S")
        box[key] = message
    except KeyError:
        pass  # already moved by a parallel run
