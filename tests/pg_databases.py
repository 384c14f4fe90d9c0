"""PostgreSQL databases for the tests: the server from HELPDESK_TEST_POSTGRES_URL, fresh
databases (empty or copied from a template), and a per-process pool of migrated copies that
are emptied between tests instead of dropped.

Why a pool: on the shared 2-core machine, with other test runs busy, copying the template
(`CREATE DATABASE … TEMPLATE`) and dropping the copy took a median 400 ms a test (50 ms when
the machine was idle: the copy writes the whole 7.5 MB catalogue to the WAL and syncs it);
`TRUNCATE` of every table (`RESTART IDENTITY CASCADE`, one statement) 61 ms; `DELETE FROM`
every table child-first plus `ALTER SEQUENCE … RESTART`, in one transaction, 14 ms
(8 rounds of each, interleaved, while other runs used the machine). So a copy is lent to one
test at a time and emptied the DELETE way afterwards. That is only as good as a fresh copy
when nothing but rows changed, so a copy whose schema changed (a test ran a migration, the
PostgreSQL search backend made its indexes) or that cannot be emptied within a few seconds
(a connection left holding a lock) is dropped instead, and the next test gets a new copy.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from graphlib import TopologicalSorter
from typing import Any

import pytest
from sqlalchemy.engine import make_url

PG_ENV = "HELPDESK_TEST_POSTGRES_URL"
DATABASE_ENV = "HELPDESK_TEST_DATABASE"

#: Everything in the public schema a test could change besides rows: a copy whose
#: fingerprint differs from the template's is not reused.
FINGERPRINT = """
SELECT md5(string_agg(x, ',' ORDER BY x)) FROM (
  SELECT format('rel %s %s %s', c.relname, c.relkind, c.reloptions)
    FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace
  UNION ALL
  SELECT format('col %s.%s %s %s', c.relname, a.attname, a.atttypid, a.attnotnull)
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
   WHERE c.relnamespace = 'public'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL
  SELECT format('con %s', conname) FROM pg_constraint
   WHERE connamespace = 'public'::regnamespace
  UNION ALL
  SELECT format('fn %s', proname) FROM pg_proc WHERE pronamespace = 'public'::regnamespace
  UNION ALL
  SELECT format('trg %s', tgname) FROM pg_trigger WHERE NOT tgisinternal
  UNION ALL
  SELECT format('ext %s', extname) FROM pg_extension
  UNION ALL
  SELECT format('alembic %s', version_num) FROM alembic_version
) AS parts (x)
"""
TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
FOREIGN_KEYS = """
SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint
 WHERE contype = 'f' AND connamespace = 'public'::regnamespace
"""
SEQUENCES = "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"


def suite_database() -> str:
    """The database the suite runs on: HELPDESK_TEST_DATABASE, sqlite unless set."""
    return os.environ.get(DATABASE_ENV, "").strip().lower() or "sqlite"


def on_postgres() -> bool:
    """Whether the whole suite runs on PostgreSQL (HELPDESK_TEST_DATABASE=postgres)."""
    return suite_database() == "postgres"


def _must_have_server() -> bool:
    return os.environ.get("CI") == "true" or on_postgres()


def postgres_url() -> str:
    """The server URL from the environment; in CI (or on the PostgreSQL run) a missing
    server fails, elsewhere it skips."""
    url = os.environ.get(PG_ENV)
    if not url:
        if _must_have_server():
            pytest.fail(f"{PG_ENV} is not set (CI, or {DATABASE_ENV}=postgres)")
        pytest.skip(
            f"PostgreSQL tests skipped: set {PG_ENV}=postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        )
    return url


def database_on_server(name: str) -> str:
    """The SQLAlchemy URL of database `name` on the test server."""
    return make_url(postgres_url()).set(database=name).render_as_string(hide_password=False)


@contextmanager
def pg_connect(name: str | None = None) -> Iterator[Any]:
    """An autocommit psycopg connection to database `name` (default: the URL's own)."""
    import psycopg

    url = make_url(postgres_url()).set(drivername="postgresql")
    if name is not None:
        url = url.set(database=name)
    try:
        conn = psycopg.connect(
            url.render_as_string(hide_password=False), autocommit=True, connect_timeout=5
        )
    except psycopg.OperationalError as exc:
        if _must_have_server():
            raise
        pytest.skip(f"PostgreSQL not reachable at {url}: {exc}")
    with conn:
        yield conn


def create_pg_database(prefix: str, template: str | None = None) -> str:
    """A new database, empty or a copy of `template`; returns its name."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    copy = f' TEMPLATE "{template}"' if template else ""
    with pg_connect() as admin:
        admin.execute(f'CREATE DATABASE "{name}"{copy}')
    return name


def drop_pg_database(name: str) -> None:
    """Drop database `name`, closing whatever is still connected to it."""
    with pg_connect() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def fresh_pg_database(prefix: str = "helpdesk_test", template: str | None = None) -> Iterator[str]:
    """The URL of a new database, empty or a copy of `template`, dropped afterwards."""
    name = create_pg_database(prefix, template)
    try:
        yield database_on_server(name)
    finally:
        drop_pg_database(name)


class PgCopies:
    """Migrated copies of one template for one test process: `take()` lends one to a test,
    `give_back()` empties it for the next (or drops it when emptying would not be enough)."""

    def __init__(self, template: str, prefix: str) -> None:
        self.template = template
        self.prefix = prefix
        self.free: list[str] = []
        self.made: set[str] = set()
        with pg_connect(template) as conn:
            self.fingerprint = conn.execute(FINGERPRINT).fetchone()[0]
            self.empty_sql = _empty_statement(conn)

    def take(self) -> str:
        """The URL of an empty, migrated copy for one test."""
        if self.free:
            return database_on_server(self.free.pop())
        name = create_pg_database(self.prefix, self.template)
        self.made.add(name)
        return database_on_server(name)

    def give_back(self, url: str) -> None:
        """Empty the copy for the next test, or drop it when it is not as the template was."""
        name = make_url(url).database or ""
        if self._emptied(name):
            self.free.append(name)
        else:
            self.made.discard(name)
            drop_pg_database(name)

    def _emptied(self, name: str) -> bool:
        import psycopg

        try:
            with pg_connect(name) as conn:
                if conn.execute(FINGERPRINT).fetchone()[0] != self.fingerprint:
                    return False
                with conn.transaction():
                    conn.execute("SET LOCAL lock_timeout = '3s'")
                    conn.execute(self.empty_sql)
        except psycopg.Error:
            return False
        return True

    def close(self) -> None:
        """Drop every copy."""
        for name in self.made:
            drop_pg_database(name)
        self.made.clear()
        self.free.clear()


def _empty_statement(conn: Any) -> str:
    """DELETE FROM every table but alembic_version, children before parents, and every
    sequence back to its start; then the rows a migration put in the template (root_cause's
    seeded list) back, with their ids and their sequences after them: the template's rows
    and ids, in one go."""
    tables = {row[0] for row in conn.execute(TABLES)} - {"alembic_version"}
    graph: dict[str, set[str]] = {table: set() for table in tables}
    for child, parent in conn.execute(FOREIGN_KEYS):
        child, parent = child.strip('"'), parent.strip('"')
        if child != parent and parent in graph:
            graph[parent].add(child)  # a parent is emptied after its children
    order = list(TopologicalSorter(graph).static_order())
    # Names from the catalogue, not from input.
    statements = [f'DELETE FROM "{table}"' for table in order]  # noqa: S608
    statements += [f'ALTER SEQUENCE "{seq}" RESTART' for (seq,) in conn.execute(SEQUENCES)]
    for table in reversed(order):  # parents first
        statements += _seeded_rows(conn, table)
    return "; ".join(statements)


def _seeded_rows(conn: Any, table: str) -> list[str]:
    """The statements that put the template's rows of `table` back (none when it has none)."""
    rows = conn.execute(f'SELECT json_agg(t) FROM "{table}" t').fetchone()[0]  # noqa: S608
    if not rows:
        return []
    data = json.dumps(rows)
    assert "$seed$" not in data
    values = f'json_populate_recordset(NULL::"{table}", $seed${data}$seed$)'
    found = [f'INSERT INTO "{table}" SELECT * FROM {values}']  # noqa: S608
    serial = conn.execute("SELECT pg_get_serial_sequence(%s, 'id')", (f'"{table}"',)).fetchone()
    if serial and serial[0]:
        found.append(f"SELECT setval('{serial[0]}', (SELECT max(id) FROM \"{table}\"))")  # noqa: S608
    return found
