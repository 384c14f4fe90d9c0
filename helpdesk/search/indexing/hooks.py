"""Indexing follows the commit: each transaction that changes a complaint queues it.

While flushing, the ids of the complaints touched are collected (their own rows and their
messages, outcomes, attachments and ratings). Just before the commit they become rows of
`search_queue` in the same transaction (indexing/queue), so a change and its queue row
commit together or not at all; the background indexer (`flask search indexer`) applies
them. A backend that indexes inside the transaction more cheaply (PostgreSQL, see
docs/performance.md) writes its entries there instead, falling back to the queue when
that fails. With SEARCH_INDEX_INLINE (the test settings) the queue is applied right after
each commit, through the indexer's own apply_batch.

A failed index update never fails the request: the rows stay queued and are logged.
"""

from __future__ import annotations

import logging
from itertools import chain
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ...extensions import db
from ...models import Attachment, Complaint, Message, Outcome, Rating
from ..failures import corrupt_index_tolerated, log_failure
from .queue import drain, enqueue

log = logging.getLogger(__name__)

PENDING = "search_pending_ids"
QUEUED = "search_queued"
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


def _queue(session: Session) -> None:
    """Before the commit: flush what is pending, then queue the collected ids (or write the
    backend's entries) in this same transaction."""
    if not has_app_context():
        return
    backend = current_app.extensions.get(EXTENSION)
    if backend is None:
        return
    session.flush()  # new complaints get their ids, and _collect sees the last changes
    ids = session.info.pop(PENDING, None)
    if not ids:
        return
    if getattr(backend, "in_transaction", False):
        _index_here(session, backend, ids)
    else:
        enqueue(session.connection(), ids)
        session.info[QUEUED] = True


def _index_here(session: Session, backend: Any, ids: set[int]) -> None:
    """Write the entries in the transaction; when that fails, queue them instead."""
    try:
        with session.begin_nested():
            backend.index_in(session.connection(), ids)
    except SQLAlchemyError:
        log_failure(log, f"search entries for complaints {sorted(ids)[:20]} queued instead")
        enqueue(session.connection(), ids)
        session.info[QUEUED] = True


def _apply_inline(session: Session) -> None:
    """After the commit, with SEARCH_INDEX_INLINE: apply the queue now (as the indexer would)."""
    if not session.info.pop(QUEUED, False) or not has_app_context():
        return
    if not current_app.config.get("SEARCH_INDEX_INLINE"):
        return
    backend = current_app.extensions.get(EXTENSION)
    if backend is None:
        return
    with corrupt_index_tolerated():
        try:
            drain(backend, db.engine, lock_timeout=backend.lock_timeout)
        except Exception:  # noqa: BLE001 — logged with its traceback by log_failure
            log_failure(log, "search index update failed: the changes stay queued")


def _forget(session: Session, previous_transaction: Any) -> None:
    """A rolled-back transaction changed nothing to index (and queued nothing)."""
    if previous_transaction.parent is None:
        session.info.pop(PENDING, None)
        session.info.pop(QUEUED, None)


def install() -> None:
    """Listen on the app's session once per process."""
    target = db.session
    for name, fn in (
        ("after_flush", _collect),
        ("before_commit", _queue),
        ("after_commit", _apply_inline),
        ("after_soft_rollback", _forget),
    ):
        if not event.contains(target, name, fn):
            event.listen(target, name, fn)
