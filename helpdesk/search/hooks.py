"""Indexing after the commit: note changed complaints while flushing, index them once committed.

A failed index update never fails the request: it is logged, and `flask search check`
(or, for Whoosh, the next writer, which finds the ids still queued) puts it right.
"""

from __future__ import annotations

import logging
from itertools import chain
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import Attachment, Complaint, Message, Outcome, Rating
from .whoosh_store import corrupt_index_tolerated, log_failure

log = logging.getLogger(__name__)

PENDING = "search_pending_ids"
EXTENSION = "helpdesk_search"
_CHILDREN = (Message, Outcome, Attachment, Rating)


def _collect(session: Session, flush_context: Any) -> None:
    """Remember the complaint ids touched by this flush (their rows, messages, outcomes...)."""
    ids: set[int] = session.info.setdefault(PENDING, set())
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Complaint):
            if obj.id is not None:
                ids.add(obj.id)
        elif isinstance(obj, _CHILDREN):
            cid = obj.complaint_id
            if cid is None and obj.complaint is not None:
                cid = obj.complaint.id
            if cid is not None:
                ids.add(cid)


def _index_committed(session: Session) -> None:
    """After the commit: hand the collected ids to the app's backend; log any failure."""
    ids = session.info.pop(PENDING, None)
    if not ids or not has_app_context():
        return
    backend = current_app.extensions.get(EXTENSION)
    if backend is None:
        return
    with corrupt_index_tolerated():
        try:
            backend.index(set(ids))
        except Exception:  # noqa: BLE001 — logged with its traceback by log_failure
            log_failure(log, f"search index update failed for complaints {sorted(ids)[:20]}")


def _forget(session: Session, previous_transaction: Any) -> None:
    """A rolled-back transaction changed nothing to index."""
    if previous_transaction.parent is None:
        session.info.pop(PENDING, None)


def install() -> None:
    """Listen on the app's session once per process."""
    target = db.session
    for name, fn in (
        ("after_flush", _collect),
        ("after_commit", _index_committed),
        ("after_soft_rollback", _forget),
    ):
        if not event.contains(target, name, fn):
            event.listen(target, name, fn)
