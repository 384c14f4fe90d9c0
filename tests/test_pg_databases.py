"""The PostgreSQL copies the tests run on (tests/pg_databases.py): a copy handed back is as
the template was (no rows, ids from 1), and one that emptying cannot make so is dropped."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.pg_databases import PgCopies, pg_connect

pytestmark = pytest.mark.postgres

STAFF = (
    "INSERT INTO staff (email, name, role, password_hash, active, created_at) "
    "VALUES ('a@shop.example', 'A', 'agent', 'x', true, now()) RETURNING id"
)
SESSION = (
    "INSERT INTO staff_session (token, staff_id, created_at, last_seen_at) "
    "VALUES ('t', %s, now(), now())"
)


@pytest.fixture
def copies(pg_template: str) -> Iterator[PgCopies]:
    """Copies of this process's template of their own (dropped at the end of the test)."""
    made = PgCopies(pg_template, "helpdesk_test_copies")
    yield made
    made.close()


def _name(url: str) -> str:
    return url.rsplit("/", 1)[1]


def test_a_copy_comes_back_empty_with_ids_from_one(copies: PgCopies) -> None:
    url = copies.take()
    with pg_connect(_name(url)) as conn:
        staff_id = conn.execute(STAFF).fetchone()[0]
        conn.execute(SESSION, (staff_id,))  # a child row: emptied before its parent
    copies.give_back(url)
    again = copies.take()
    assert again == url  # the same database, reused
    with pg_connect(_name(again)) as conn:
        assert conn.execute("SELECT count(*) FROM staff_session").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM staff").fetchone()[0] == 0
        assert conn.execute(STAFF).fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM alembic_version").fetchone()[0] == 1
    copies.give_back(again)


def test_a_copy_whose_schema_changed_is_dropped(copies: PgCopies) -> None:
    url = copies.take()
    with pg_connect(_name(url)) as conn:
        conn.execute("CREATE INDEX staff_by_name ON staff (name)")
    copies.give_back(url)
    assert copies.free == [] and _name(url) not in copies.made
    with pg_connect() as admin:
        gone = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (_name(url),))
        assert gone.fetchone() is None
    fresh = copies.take()
    assert fresh != url
    with pg_connect(_name(fresh)) as conn:
        found = conn.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'staff_by_name'")
        assert found.fetchone() is None
    copies.give_back(fresh)


def test_a_copy_a_connection_still_locks_is_dropped(copies: PgCopies) -> None:
    import psycopg

    url = copies.take()
    holder = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
    try:
        holder.execute("LOCK TABLE staff IN ACCESS EXCLUSIVE MODE")  # as a test left it
        copies.give_back(url)  # waits 3 s for the lock, then drops the copy (and the holder)
    finally:
        holder.close()
    assert copies.free == [] and _name(url) not in copies.made
