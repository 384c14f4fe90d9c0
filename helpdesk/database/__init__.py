"""The database engine's setup, and which database errors mean "not now" rather than a bug.

SQLite is set up for several processes (gunicorn workers, the search indexer, the mail
worker, cron commands) on every new connection:

- `journal_mode=WAL`: readers never wait for a writer and a writer never waits for readers;
  a commit syncs once, not twice as in rollback-journal mode (persistent in the file).
- `synchronous=NORMAL`: safe with WAL (a power cut may lose the last commits, never
  corrupts); FULL would sync the WAL on every commit.
- `busy_timeout` (SQLITE_BUSY_TIMEOUT_MS, 5000): how long a writer waits for the write lock
  before the request answers 503. A web write holds the lock for a few milliseconds, so
  5 s is a queue of hundreds of writers: longer only means a client waits for an answer it
  will not get (a proxy gives up after 30-60 s); shorter gives 503s in an ordinary burst.
- Writes begin immediately: pysqlite's own transaction handling is switched off
  (isolation_level None) and `BEGIN IMMEDIATE` is sent just before a transaction's first
  write statement, so the transaction takes the write lock (waiting up to the busy timeout)
  before it writes anything. A DEFERRED transaction that read first and then writes cannot
  wait for the lock: SQLite refuses it at once ("database is locked") whenever another
  process wrote meanwhile, the upgrade deadlock. Reads before the first write run on their
  own, as pysqlite always ran them, so a long read (an export, a page being rendered, an
  SMTP conversation) never holds the lock. Starting every transaction with BEGIN IMMEDIATE
  was tried and measured (docs/performance.md): a request that reads through the session
  and then through a second connection (search snippets, /healthz) waited for its own lock.
- Foreign keys stay as they were (not enforced by SQLite; the models' relationships and the
  services keep the rows consistent, and PostgreSQL enforces them).

`unavailable_reason` sorts an error into busy, full, read-only or unreachable: the web
answers those with 503 and Retry-After (helpdesk.web.errors), /healthz reports them.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from sqlalchemy import Engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from ..extensions import db

log = logging.getLogger(__name__)

BUSY = "busy"
FULL = "full"
READ_ONLY = "read-only"
UNREACHABLE = "unreachable"

#: Seconds a client is asked to wait (Retry-After) for each reason.
RETRY_AFTER = {BUSY: 5, FULL: 300, READ_ONLY: 300, UNREACHABLE: 30}

_SQLITE_MESSAGES = (
    ("database is locked", BUSY),
    ("database table is locked", BUSY),
    ("database or disk is full", FULL),
    ("attempt to write a readonly database", READ_ONLY),
    ("unable to open database file", UNREACHABLE),
    ("disk i/o error", UNREACHABLE),
)
#: PostgreSQL SQLSTATEs: disk full, read-only transaction (a standby), lock timeout, query
#: cancelled (statement timeout), deadlock, serialization failure, shutting down, starting.
_PG_STATES = {
    "53100": FULL,
    "25006": READ_ONLY,
    "55P03": BUSY,
    "57014": BUSY,
    "40P01": BUSY,
    "40001": BUSY,
    "57P01": UNREACHABLE,
    "57P02": UNREACHABLE,
    "57P03": UNREACHABLE,
}
#: Statements that write: a transaction that has not begun yet begins IMMEDIATE before them.
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER", "SAVEPOINT")


def unavailable_reason(error: BaseException) -> str | None:
    """'busy', 'full', 'read-only' or 'unreachable' when `error` says the database cannot
    take the work now (a retry later may succeed); None for any other error."""
    if not isinstance(error, DBAPIError):
        return None
    if error.connection_invalidated:
        return UNREACHABLE
    orig = error.orig
    state = getattr(orig, "sqlstate", None)
    if isinstance(state, str):
        return _PG_STATES.get(state) or (UNREACHABLE if state.startswith("08") else None)
    message = str(orig).lower()
    return next((reason for text, reason in _SQLITE_MESSAGES if text in message), None)


def retry_after(reason: str) -> int:
    """Seconds to put in Retry-After for an unavailable database."""
    return RETRY_AFTER.get(reason, 30)


def init_app(app: Flask) -> None:
    """Tune the app's SQLite engine (other databases are left as they are); on every
    database, note which transactions have written (has_uncommitted_writes)."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        configure_sqlite(engine, int(app.config.get("SQLITE_BUSY_TIMEOUT_MS", 5000)))
    event.listen(engine, "before_cursor_execute", _note_write)
    for ending in ("commit", "rollback"):
        event.listen(engine, ending, _forget_writes)
    event.listen(engine.pool, "checkin", _forget_writes_of_record)


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """Pragmas on every new connection, and BEGIN IMMEDIATE for transactions that write."""

    def on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None  # we send BEGIN ourselves
        dbapi_connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        _use_wal(dbapi_connection)
        dbapi_connection.execute("PRAGMA synchronous = NORMAL")

    event.listen(engine, "connect", on_connect)
    event.listen(engine, "before_cursor_execute", _begin_before_write)


def _use_wal(dbapi_connection: Any) -> None:
    """Switch the file to WAL once (the mode is kept in the file); in-memory stays as is."""
    mode = str(dbapi_connection.execute("PRAGMA journal_mode").fetchone()[0]).lower()
    if mode in ("wal", "memory"):
        return
    try:
        dbapi_connection.execute("PRAGMA journal_mode = WAL")
    except Exception:  # another process switching it at once: it is done then
        log.warning("could not switch SQLite to WAL mode yet", exc_info=True)


def _begin_before_write(
    conn: Connection, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
) -> None:
    """Before the first write of a transaction: BEGIN IMMEDIATE (waits for the write lock)."""
    dbapi_connection = cursor.connection
    if dbapi_connection.in_transaction or not conn.in_transaction():
        return
    if statement.lstrip()[:9].upper().startswith(_WRITES):
        dbapi_connection.execute("BEGIN IMMEDIATE")


def has_uncommitted_writes() -> bool:
    """Whether the session holds or has sent writes its transaction has not committed yet:
    what it reads now may be rolled back, so nothing read now may be kept for later. Sent
    writes are noted on the connection by _note_write until it commits or rolls back."""
    session = db.session()
    if session.new or session.dirty or session.deleted:
        return True
    if not session.in_transaction():
        return False
    return bool(session.connection().info.get(_WROTE))


#: The key in a connection's info under which _note_write notes a write.
_WROTE = "helpdesk_wrote"


def _note_write(
    conn: Connection, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
) -> None:
    """A write statement sent in a transaction: noted until the transaction ends."""
    if conn.in_transaction() and statement.lstrip()[:9].upper().startswith(_WRITES):
        conn.info[_WROTE] = True


def _forget_writes(conn: Connection) -> None:
    conn.info.pop(_WROTE, None)


def _forget_writes_of_record(dbapi_connection: Any, record: Any) -> None:
    """A connection back in the pool has ended its transaction, whichever way."""
    record.info.pop(_WROTE, None)
