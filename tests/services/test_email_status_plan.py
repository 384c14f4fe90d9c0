"""The inbox's "Email failed" marks (services.email_status.failed_email_flags) read the page's
complaints' emails, not every email still waiting: after a mail outage hundreds wait, and
with `sent_at IS NULL` in the statement SQLite chose ix_outbox_email_sent_at and read them
all for every inbox page (docs/performance.md, seventh session, "Left alone")."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, update

from helpdesk.extensions import db
from helpdesk.models import OutboxEmail
from helpdesk.models.types import utcnow
from helpdesk.services.email_status import failed_email_flags
from tests.services.outcomes_support import new_complaint


def _give_up(complaint_id: int, *, sent: bool = False) -> None:
    moment = utcnow()
    db.session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.complaint_id == complaint_id)
        .values(failed_at=moment, sent_at=moment + timedelta(minutes=1) if sent else None)
    )
    db.session.commit()


def test_the_flags_name_the_complaints_with_a_given_up_email_only(app: Flask) -> None:
    failed, later_sent, waiting = (new_complaint(email=f"c{n}@example.com") for n in range(3))
    _give_up(failed.id)
    _give_up(later_sent.id, sent=True)  # sent after all: no longer failed
    ids = [failed.id, later_sent.id, waiting.id]
    assert failed_email_flags(ids) == {failed.id}
    assert failed_email_flags([]) == set()


@pytest.mark.sqlite_only("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans by its statistics")
def test_sqlite_reads_the_emails_through_the_complaint_index(app: Flask) -> None:
    waiting = [new_complaint(email=f"w{n}@example.com") for n in range(30)]  # unsent, queued
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, sql: str, params: Any, *rest: Any) -> None:
        seen.append((sql, params))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert failed_email_flags(c.id for c in waiting[:25]) == set()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    [(sql, params)] = [(s, p) for s, p in seen if "outbox_email" in s]
    with db.engine.connect() as conn:
        steps = " ".join(
            str(row[-1]) for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)
        )
    assert "ix_outbox_email_complaint_id" in steps, steps
    assert "ix_outbox_email_sent_at" not in steps, steps
