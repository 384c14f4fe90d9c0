"""services.inbox_counts: each process keeps the quick-filter counts while the inbox's change
counter stands still, and that counter (raised by the database's triggers, migration 0015)
moves with every change that can move a count, whoever writes it: the services, or plain
SQL. Kept or counted again, the counts are those of counting from nothing. On SQLite and
PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask, current_app
from sqlalchemy import delete, select, text, update

from helpdesk.extensions import db
from helpdesk.models import Complaint, InboxChanges, OutboxEmail, Referral, Staff
from helpdesk.services.inbox_counts import count_filters
from tests.conftest import sql_statements
from tests.services.casework_support import MONDAY, new_complaint

NOW = MONDAY + timedelta(hours=2)


@pytest.fixture
def statements(any_app: Flask) -> Iterator[list[str]]:
    """The SQL statements run while the test body runs."""
    with sql_statements() as seen:
        yield seen


def changes() -> int:
    return int(db.session.scalar(select(InboxChanges.changes)) or 0)


def counted_anew(me: int | None, now: datetime = NOW) -> dict[str, int]:
    """The counts of counting from nothing (no kept counts)."""
    current_app.extensions.pop("inbox_counts", None)
    return count_filters(me=me, now=now)


def test_kept_counts_cost_one_small_read_until_something_changes(
    any_app: Flask, make_staff: Any, statements: list[str]
) -> None:
    mia: Staff = make_staff("agent")
    for name in ("Anna", "Bram", "Cas"):
        new_complaint(name=name, now=MONDAY)
    me = mia.id  # (loads Mia again after the commits)
    statements.clear()
    first = count_filters(me=me, now=NOW)
    assert first["open"] == 3 and first["unassigned"] == 3 and first["mine"] == 0
    assert len(statements) == 1
    statements.clear()
    again = count_filters(me=me, now=NOW)
    assert again == first
    assert len(statements) == 1 and "inbox_changes" in statements[0]
    assert "count(" not in statements[0].lower()
    # A caller changing its dict changes nobody else's.
    again["open"] = 99
    assert count_filters(me=me, now=NOW)["open"] == 3
    # Another staff member, or another day, is counted on its own.
    statements.clear()
    assert count_filters(me=None, now=NOW)["open"] == 3
    assert count_filters(me=me, now=NOW + timedelta(days=1))["open"] == 3
    assert len(statements) == 2 and all("count(" in s.lower() for s in statements)


def test_every_change_that_moves_a_count_moves_the_counter(any_app: Flask, make_staff: Any) -> None:
    mia: Staff = make_staff("agent")
    anna = new_complaint(name="Anna", now=MONDAY)
    bram = new_complaint(name="Bram", now=MONDAY)
    mine = count_filters(me=mia.id, now=NOW)  # kept from here on

    def moved(statement: Any) -> bool:
        """Whether `statement` (committed) moved the counter; the kept counts must then be
        what counting from nothing gives."""
        before = changes()
        db.session.execute(statement)
        db.session.commit()
        kept = count_filters(me=mia.id, now=NOW)
        assert kept == counted_anew(mia.id), statement
        return changes() > before

    def one(**values: Any) -> Any:
        return update(Complaint).where(Complaint.id == anna.id).values(**values)

    # The complaint's own columns the counts read, written as plain SQL.
    assert moved(one(assignee_id=mia.id))
    assert count_filters(me=mia.id, now=NOW)["mine"] == mine["mine"] + 1
    assert moved(one(sla_due_on=date(2026, 4, 1)))
    assert count_filters(me=mia.id, now=NOW)["overdue"] == 1
    assert moved(one(status="closed"))
    assert count_filters(me=mia.id, now=NOW)["open"] == 1
    # Columns no count reads leave the kept counts alone.
    assert not moved(one(description="Changed words", order_number="NL-1"))
    # A referral written or decided: "in mediation".
    referral = Referral(
        complaint_id=bram.id,
        body="De Geschillencommissie",
        referred_on=date(2026, 4, 21),
        reply_due_on=date(2026, 5, 19),
    )
    db.session.add(referral)
    db.session.commit()
    assert count_filters(me=mia.id, now=NOW)["mediation"] == 1
    assert moved(update(Referral).values(decision="settled", version=Referral.version + 1))
    assert count_filters(me=mia.id, now=NOW)["mediation"] == 0
    # An email given up on, and sent after all: "emails failed"; a plain send is no change.
    email = db.session.scalars(select(OutboxEmail).where(OutboxEmail.complaint_id == bram.id))
    email_id = email.first().id
    row = update(OutboxEmail).where(OutboxEmail.id == email_id)
    assert moved(row.values(failed_at=datetime(2026, 4, 20, 12, tzinfo=UTC)))
    assert count_filters(me=mia.id, now=NOW)["email_failed"] == 1
    assert moved(row.values(failed_at=None, sent_at=datetime(2026, 4, 20, 13, tzinfo=UTC)))
    assert count_filters(me=mia.id, now=NOW)["email_failed"] == 0
    assert not moved(row.values(attempts=5))
    # A complaint added through the service, and one deleted.
    before = changes()
    new_complaint(name="Cas", now=MONDAY)
    assert changes() > before
    assert count_filters(me=mia.id, now=NOW) == counted_anew(mia.id)
    before = changes()
    db.session.execute(delete(OutboxEmail).where(OutboxEmail.complaint_id == anna.id))
    db.session.delete(anna)  # with its messages and audit trail
    db.session.commit()
    assert changes() > before
    assert count_filters(me=mia.id, now=NOW) == counted_anew(mia.id)


def test_counts_of_an_unfinished_change_are_never_kept_for_later(
    any_app: Flask, make_staff: Any
) -> None:
    """A change rolled back leaves the counter where it was; counts read before it must not
    be served as the counts of that value."""
    mia: Staff = make_staff("agent")
    anna = new_complaint(name="Anna", now=MONDAY)
    kept = count_filters(me=mia.id, now=NOW)
    db.session.execute(update(Complaint).where(Complaint.id == anna.id).values(status="closed"))
    assert count_filters(me=mia.id, now=NOW)["open"] == kept["open"] - 1  # its own change
    db.session.rollback()
    # Another change, committed: the counter reaches the value the rolled-back one had.
    bram = new_complaint(name="Bram", now=MONDAY)
    assert bram.id
    assert count_filters(me=mia.id, now=NOW) == counted_anew(mia.id)
    assert count_filters(me=mia.id, now=NOW)["open"] == kept["open"] + 1


@pytest.mark.postgres
def test_two_writers_taking_months_in_opposite_orders_both_commit(pg_app: Flask) -> None:
    """PostgreSQL: a write takes the row lock of each report month it touches (0013) and of
    the inbox's counter (0015). When the counter's was taken at once, two transactions
    could each hold what the other waited for (one a month's row, then the counter; the
    other the counter, then that month's row) and PostgreSQL ended one with a deadlock
    (a 503). The counter is raised at commit (0016), after every month's row."""
    april = new_complaint(name="Anna", now=MONDAY).id
    june = new_complaint(name="Bram", now=MONDAY + timedelta(days=60)).id
    july = new_complaint(name="Cas", now=MONDAY + timedelta(days=90)).id
    june_too = new_complaint(name="Dirk", now=MONDAY + timedelta(days=61)).id
    db.session.commit()
    before = changes()
    category = "UPDATE complaint SET category = 'physical' WHERE id = :id"  # a month's row only
    status = "UPDATE complaint SET status = 'assessing' WHERE id = :id"  # the counter too
    first, second = db.engine.connect(), db.engine.connect()
    failures: list[BaseException] = []

    def run(conn: Any, *steps: tuple[str, int]) -> None:
        try:
            for sql, complaint in steps:
                conn.execute(text(sql), {"id": complaint})
            conn.commit()
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)
            conn.rollback()

    try:
        for conn in (first, second):
            conn.execute(text("SET lock_timeout = '20s'"))
            conn.commit()
        second.execute(text(category), {"id": june})  # holds June's row
        first.execute(text(status), {"id": april})  # April's row (and, before 0016, the counter)
        other = threading.Thread(target=run, args=(second, (status, july)))
        other.start()  # before 0016 it waits for the counter, which `first` holds
        other.join(timeout=2)
        run(first, (category, june_too))  # waits for June's row until `second` commits
        other.join(timeout=30)
    finally:
        first.close()
        second.close()
    assert not failures, failures
    db.session.commit()
    assert changes() > before
    assert db.session.scalar(select(Complaint.status).where(Complaint.id == july)) == "assessing"
