"""How the inbox finds a page. When matches are common, by walking an index in page order:
the open inbox's first page comes from the partial index ix_complaint_open_due (not a sort
of every open complaint) once the database has statistics, which `demo seed` and the
nightly `cases close-idle` gather. When they are rare, by sorting the matches found through
the filters' own indexes (filters_first). Both ways give the same rows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import event, text

from helpdesk.demo.seeding import seed_demo
from helpdesk.extensions import db
from helpdesk.models import Complaint
from helpdesk.services import inbox_sql
from helpdesk.services.inbox import list_inbox
from helpdesk.services.inbox_counts import inbox_dates
from helpdesk.services.inbox_filters import OPEN_KEYS, InboxFilters

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


def _listing_plan(args: dict[str, str]) -> tuple[list[str], list[Any]]:
    """The query plan of the statement that lists the page, and the page's rows."""
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, sql: str, params: Any, *rest: Any) -> None:
        seen.append((sql, params))

    today, soon = inbox_dates(NOW)
    query = InboxFilters.from_args(args).to_query(me=None, today=today, next_business_day=soon)
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        page = list_inbox(query, me=None, now=NOW)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    sql, params = next((s, p) for s, p in seen if "LIMIT" in s)
    return _explain(sql, params), page.rows


def _explain(sql: str, params: Any) -> list[str]:
    """The plan's steps as the database words them: SQLite's EXPLAIN QUERY PLAN details
    ("SCAN c USING INDEX ix_complaint_open_due", "MATERIALIZE matches"), PostgreSQL's
    EXPLAIN lines ("Index Scan using ix_complaint_open_due on complaint", "CTE matches")."""
    sqlite = db.engine.dialect.name == "sqlite"
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql(("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + sql, params)
        return [str(row[-1]) for row in rows]


def _due_order(complaint: Complaint) -> tuple[Any, ...]:
    due = complaint.sla_due_on
    return (due is None, due or datetime.min.date(), complaint.received_at, complaint.id)


def _walk_always(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inbox_sql, "FILTER_FIRST", 0)
    monkeypatch.setattr(inbox_sql, "FILTER_FIRST_OPEN", 0)


def _sort_always(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inbox_sql, "FILTER_FIRST", 10**9)
    monkeypatch.setattr(inbox_sql, "FILTER_FIRST_OPEN", 10**9)


def test_the_open_inbox_reads_its_page_from_the_partial_index(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_demo(1500, now=NOW, reindex=False)  # ends with ANALYZE
    # 1,500 complaints have about 70 open ones, which the default would sort.
    _walk_always(monkeypatch)
    plan, rows = _listing_plan({})
    assert any("ix_complaint_open_due" in step for step in plan), plan
    # The same rows, in the same order, as sorting every open complaint in Python.
    everything = db.session.query(Complaint).filter(Complaint.status.in_(OPEN_KEYS)).all()
    expected = sorted(everything, key=_due_order)[:25]
    assert any(c.sla_due_on is None for c in everything)  # the NULLS LAST case is there
    assert [row.id for row in rows] == [c.id for c in expected]
    # Page 3 and "overdue" use it too.
    assert any("ix_complaint_open_due" in step for step in _listing_plan({"page": "3"})[0])
    overdue_plan, _ = _listing_plan({"due": "overdue"})
    assert any("ix_complaint_open_due" in step for step in overdue_plan), overdue_plan
    if db.engine.dialect.name == "sqlite":
        # SQLite takes a partial index only for its own WHERE, so not for one status
        # (PostgreSQL proves that "received" is one of the open statuses and may use it).
        received_plan, _ = _listing_plan({"status": "received"})
        assert not any("ix_complaint_open_due" in step for step in received_plan)


#: Filters, sorts and pages the two ways must agree on (1,500 complaints: rare and common
#: matches, NULL due dates, ties in received_at broken by id).
GRID = [
    {},
    {"page": "2"},
    {"sort": "newest"},
    {"sort": "oldest", "page": "3"},
    {"status": "all"},
    {"status": "all", "sort": "newest", "page": "2"},
    {"status": "closed", "sort": "oldest"},
    {"status": "received"},
    {"status": "all", "assignee": "unassigned"},
    {"status": "all", "category": "digital", "sort": "newest"},
    {"status": "open", "due": "overdue"},
    {"status": "all", "due": "soon", "sort": "oldest"},
]


@pytest.mark.parametrize("args", GRID, ids=lambda a: "&".join(f"{k}={v}" for k, v in a.items()))
def test_walking_and_sorting_the_matches_give_the_same_page(
    app: Flask, monkeypatch: pytest.MonkeyPatch, args: dict[str, str]
) -> None:
    seed_demo(1500, now=NOW, reindex=False)
    _walk_always(monkeypatch)
    walk_plan, walked = _listing_plan(args)
    _sort_always(monkeypatch)
    sort_plan, sorted_ = _listing_plan(args)
    assert any("matches" in step for step in sort_plan), sort_plan
    assert not any("matches" in step for step in walk_plan), walk_plan
    assert [row.id for row in sorted_] == [row.id for row in walked]
    assert walked or args.get("due") or args.get("status") == "received"


def test_a_rare_match_is_not_looked_for_by_walking_the_table(app: Flask) -> None:
    """ "Oldest first" among the few newly received complaints: walking received_at from the
    oldest would read nearly every complaint before the first match."""
    seed_demo(1500, now=NOW, reindex=False)
    plan, rows = _listing_plan({"status": "received", "sort": "oldest"})
    assert any("matches" in step for step in plan), plan
    assert not any("ix_complaint_received_at" in step for step in plan), plan
    received = db.session.query(Complaint).filter(Complaint.status == "received").all()
    expected = sorted(received, key=lambda c: (c.received_at, c.id))[:25]
    assert received and [row.id for row in rows] == [c.id for c in expected]


@pytest.mark.sqlite_only("reads SQLite's sqlite_stat1; the next test is the same on PostgreSQL")
def test_close_idle_refreshes_the_statistics(app: Flask, runner: FlaskCliRunner) -> None:
    seed_demo(40, now=NOW, reindex=False)
    db.session.execute(text("DELETE FROM sqlite_stat1"))
    db.session.commit()
    result = runner.invoke(args=["cases", "close-idle"])
    assert result.exit_code == 0, result.output
    indexes = db.session.scalars(text("SELECT idx FROM sqlite_stat1 WHERE tbl = 'complaint'")).all()
    assert "ix_complaint_open_due" in indexes


@pytest.mark.postgres
def test_close_idle_refreshes_the_statistics_on_postgresql(pg_app: Flask) -> None:
    last_analyze = text("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'complaint'")
    db.session.execute(text("SELECT pg_stat_reset()"))
    db.session.commit()
    assert db.session.scalar(last_analyze) is None
    result = pg_app.test_cli_runner().invoke(args=["cases", "close-idle"])
    assert result.exit_code == 0, result.output
    db.session.commit()  # a new transaction sees the statistics as they are now
    assert db.session.scalar(last_analyze) is not None
