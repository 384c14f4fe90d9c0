"""Polling a Maildir: every message in new/ (and in cur/ without the Seen flag) is ingested
once, then moved to cur/ with the S flag, so a second run finds nothing to do.

The folder is read and flagged by file name, as the Maildir convention has it (new/KEY,
cur/KEY:2,FLAGS): a message is read as bytes and never parsed or rewritten here, so one
crafted message cannot stop the intake of the others.
"""

from __future__ import annotations

import contextlib
import logging
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


@dataclass(frozen=True)
class Pending:
    """One message file waiting to be handled: its unique name and where it is now."""

    key: str  # the file name before ":2," (Maildir's unique part)
    path: Path


def pending_messages(root: Path) -> list[Pending]:
    """The messages not handled yet: every file in new/, and those in cur/ without the S flag.

    Read from the file names (the Maildir convention: cur/KEY:2,FLAGS), never by parsing
    the messages, so a crafted message cannot trip up the listing.
    """
    found = []
    for sub in ("new", "cur"):
        for path in sorted((root / sub).iterdir()):
            if path.name.startswith("."):
                continue
            key, _, info = path.name.partition(":")
            if sub == "new" or "S" not in info.partition(",")[2]:
                found.append(Pending(key, path))
    return found


def mark_seen(item: Pending, root: Path) -> None:
    """Move the file to cur/ with the S flag by renaming it (the message is not rewritten)."""
    _key, _, info = item.path.name.partition(":")
    flags = set(info.partition(",")[2]) | {"S"}
    target = root / "cur" / f"{item.key}:2,{''.join(sorted(flags))}"
    with contextlib.suppress(FileNotFoundError):  # already moved by a parallel run
        item.path.rename(target)


def ingest_maildir(
    path: Path, *, now: datetime | None = None, progress: bool = True
) -> MaildirReport:
    """Ingest every pending message of the Maildir at `path`.

    A database that is unreachable raises (TEMPORARY_ERRORS) and leaves the rest in place;
    a message that fails otherwise stays unflagged, so the next run tries it again.
    """
    if not (path / "new").is_dir() or not (path / "cur").is_dir():
        raise FileNotFoundError(f"{path} is not a Maildir (no new/ and cur/ folders)")
    report = MaildirReport()
    for item in tqdm(pending_messages(path), desc="Ingesting", unit="msg", disable=not progress):
        try:
            raw = item.path.read_bytes()
        except FileNotFoundError:
            continue  # another run took it
        try:
            result = ingest_message(raw, now=now)
        except TEMPORARY_ERRORS:
            db.session.rollback()
            raise
        except Exception as exc:  # one bad message must not stop the others
            db.session.rollback()
            log.exception("could not ingest Maildir message %s", item.key)
            report.counts["error"] += 1
            report.errors.append(f"{item.key}: {type(exc).__name__}: {exc}")
            continue
        report.counts[result.action] += 1
        mark_seen(item, path)
    return report
