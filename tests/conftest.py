"""Shared fixtures: an app on a real, migrated database, a client, a CLI runner, staff
accounts, and a real SMTP server (aiosmtpd) that keeps what it receives.

The suite runs on SQLite (default) or, with HELPDESK_TEST_DATABASE=postgres, on the
PostgreSQL server of HELPDESK_TEST_POSTGRES_URL. Either way each test process migrates one
template once (a SQLite file; a PostgreSQL database named after the xdist worker) and every
test gets a database as the template is: a copy of the file for SQLite; for PostgreSQL a
copy made with `CREATE DATABASE … TEMPLATE` and emptied after each test for the next one
(tests/pg_databases.py says why and when a copy is dropped instead).

Markers: `sqlite_only("why")` skips a test on the PostgreSQL run (a SQLite pragma, the
database file); `postgres` is set on every test that runs on PostgreSQL whatever the suite's
database (`pg_app`, `any_app`'s postgres case), so a PostgreSQL run that follows a SQLite run
can leave them out (`-m "not postgres"`, as `make test` does).
"""

from __future__ import annotations

import os
import shutil
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, TypeVar

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from helpdesk import create_app
from helpdesk.extensions import db
from tests.pg_databases import (
    DATABASE_ENV,
    PG_ENV,
    PgCopies,
    create_pg_database,
    database_on_server,
    drop_pg_database,
    on_postgres,
    suite_database,
)

DATABASES = ("sqlite", "postgres")
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
ON_POSTGRES = on_postgres()
#: Flask-Limiter keeps the first key prefix it is given for the rest of the process (init_app
#: sets one only while it has none), so all test apps of a process count under this one:
#: unique per process, so that test runs sharing a Redis never count each other's requests.
RATELIMIT_PREFIX = f"helpdesk-test-{uuid.uuid4().hex[:12]}"


def pytest_configure(config: pytest.Config) -> None:
    """Refuse a database name the suite does not know, in one line."""
    if suite_database() not in DATABASES:
        raise pytest.UsageError(
            f"{DATABASE_ENV}={suite_database()!r}: use one of {', '.join(DATABASES)}"
        )


def pytest_report_header() -> str:
    """Say which database this run is on."""
    if ON_POSTGRES:
        return f"database: postgres ({os.environ.get(PG_ENV, PG_ENV + ' not set')})"
    return "database: sqlite (HELPDESK_TEST_DATABASE=postgres for PostgreSQL)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip `sqlite_only` tests on the PostgreSQL run (with their reason); mark the tests
    that run on PostgreSQL whatever the suite's database as `postgres`."""
    for item in items:
        only = item.get_closest_marker("sqlite_only")
        if only is not None:
            if not only.args:
                raise pytest.UsageError(f"{item.nodeid}: sqlite_only needs a reason")
            if ON_POSTGRES:
                item.add_marker(pytest.mark.skip(reason=f"SQLite only: {only.args[0]}"))
        if "pg_app" in item.fixturenames or _any_app_param(item) == "postgres":
            item.add_marker(pytest.mark.postgres)


def _any_app_param(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("any_app") if callspec is not None else None


def base_config(tmp: Path, database_url: str) -> dict[str, Any]:
    """Settings for a test app whose files all live under `tmp`."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "DATA_DIR": str(tmp / "data"),
        "UPLOAD_DIR": str(tmp / "data" / "uploads"),
        "RAW_EMAIL_DIR": str(tmp / "data" / "raw-email"),
        "SEARCH_INDEX_DIR": str(tmp / "data" / "search-index"),
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_KEY_PREFIX": RATELIMIT_PREFIX,
        # Tests make many complaints for one address; the cap has tests of its own.
        "ACKS_PER_ADDRESS_DAY": 1000,
        "WTF_CSRF_ENABLED": False,
        "SMTP_URL": "smtp://127.0.0.1:9",  # nothing listens there unless a test says so
        "BASE_URL": "http://localhost",
        # Committed changes are searchable at once: the queue is applied after each commit
        # by the indexer's own code (tests/search/test_indexer.py runs it in the background).
        "SEARCH_INDEX_INLINE": True,
    }


def migrate_database(app: Flask) -> None:
    """Run the Alembic migrations (the production path), never create_all."""
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()


def make_app(tmp_path: Path, database_url: str, **overrides: Any) -> Flask:
    """A test app on `database_url` with files under `tmp_path`."""
    config = base_config(tmp_path, database_url)
    config.update(overrides)
    return create_app(config)


def dispose(app: Flask) -> None:
    """Close the app's database connections (before its database is dropped)."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@contextmanager
def sql_statements() -> Iterator[list[str]]:
    """The SQL statements the app's database engine runs inside the block."""
    from sqlalchemy import event

    seen: list[str] = []

    def record(conn: Any, cursor: Any, sql: str, *args: Any) -> None:
        seen.append(sql)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


# --- SQLite ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per test process; each test gets a copy."""
    tmp = tmp_path_factory.mktemp("template")
    path = tmp / "template.sqlite3"
    application = create_app(base_config(tmp, f"sqlite:///{path}"))
    migrate_database(application)
    dispose(application)
    return path


# --- PostgreSQL (the machinery is in tests/pg_databases.py) --------------------------------


@pytest.fixture(scope="session")
def pg_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One migrated PostgreSQL database per test process (its name says which xdist worker),
    the template of every test's copy; dropped at the end of the session."""
    name = create_pg_database(f"helpdesk_tmpl_{WORKER}")
    try:
        application = make_app(tmp_path_factory.mktemp("pg-template"), database_on_server(name))
        migrate_database(application)
        dispose(application)  # a template with a session open cannot be copied
        yield name
    finally:
        drop_pg_database(name)


@pytest.fixture(scope="session")
def pg_copies(pg_template: str) -> Iterator[PgCopies]:
    """This process's copies of the template, lent to one test at a time."""
    copies = PgCopies(pg_template, f"helpdesk_test_{WORKER}")
    yield copies
    copies.close()


@pytest.fixture
def pg_database_url(pg_copies: PgCopies) -> Iterator[str]:
    """An empty, migrated PostgreSQL database for one test (close its connections first)."""
    url = pg_copies.take()
    yield url
    pg_copies.give_back(url)


# --- the app -----------------------------------------------------------------------------


@pytest.fixture
def make_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """make_database(): the URL of a fresh, migrated database of the suite's kind (a copy of
    the template; on PostgreSQL one emptied after its last test), gone at the end of the
    test. Close the connections of an app made on it (dispose) before the test ends."""
    with ExitStack() as stack:

        def create() -> str:
            if ON_POSTGRES:
                copies: PgCopies = request.getfixturevalue("pg_copies")
                url = copies.take()
                stack.callback(copies.give_back, url)
                return url
            db_file = tmp_path / f"db-{uuid.uuid4().hex[:8]}.sqlite3"
            shutil.copy(request.getfixturevalue("sqlite_template"), db_file)
            return f"sqlite:///{db_file}"

        yield create


@pytest.fixture
def new_app(tmp_path: Path, make_database: Callable[[], str]) -> Iterator[Callable[..., Flask]]:
    """new_app(**settings): an app of its own on a fresh database of the suite's kind (files
    under tmp_path), its connections closed at the end of the test."""
    made: list[Flask] = []

    def create(**settings: Any) -> Flask:
        made.append(make_app(tmp_path, make_database(), **settings))
        return made[-1]

    yield create
    for application in made:
        dispose(application)


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Override in a test module to change settings of the `app` fixture."""
    return {}


@pytest.fixture
def app(new_app: Callable[..., Flask], app_config: dict[str, Any]) -> Iterator[Flask]:
    """The app on a fresh copy of the migrated database (SQLite, or PostgreSQL on that run)."""
    application = new_app(**app_config)
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of `app`."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A CLI runner of `app`."""
    return app.test_cli_runner()


@pytest.fixture
def pg_app(tmp_path: Path, pg_database_url: str, app_config: dict[str, Any]) -> Iterator[Flask]:
    """The app on a fresh, migrated PostgreSQL database, whatever the suite's database."""
    application = make_app(tmp_path, pg_database_url, **app_config)
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


#: any_app's cases: both databases on the SQLite run; on the PostgreSQL run only its own
#: (a "sqlite" case would be a second PostgreSQL run of the same test).
ANY_APP_DATABASES = ["postgres"] if ON_POSTGRES else ["sqlite", "postgres"]


@pytest.fixture(params=ANY_APP_DATABASES)
def any_app(request: pytest.FixtureRequest) -> Flask:
    """The app on each database in turn (for services that must behave the same on both)."""
    if request.param == suite_database():
        return request.getfixturevalue("app")  # type: ignore[no-any-return]
    return request.getfixturevalue("pg_app")  # type: ignore[no-any-return]


# --- staff -----------------------------------------------------------------------------

STAFF_PASSWORD = "correct horse battery staple"


@pytest.fixture
def make_staff(app: Flask) -> Any:
    """Create a staff member: make_staff("manager", email=...)."""
    from werkzeug.security import generate_password_hash

    from helpdesk.models import Staff

    def create(role: str = "agent", email: str | None = None, name: str | None = None) -> Staff:
        staff = Staff(
            email=email or f"{role}-{uuid.uuid4().hex[:6]}@shop.example",
            name=name or role.title(),
            role=role,
            password_hash=generate_password_hash(STAFF_PASSWORD),
        )
        db.session.add(staff)
        db.session.commit()
        return staff

    return create


# --- a real SMTP server ------------------------------------------------------------------


def free_port() -> int:
    """A TCP port nothing listens on right now (aiosmtpd cannot take port 0)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SMTPSink:
    """What the SMTP server received, parsed as email messages."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"smtp://127.0.0.1:{port}"
        self.received: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"

    @property
    def messages(self) -> list[EmailMessage]:
        """Every message received so far."""
        return [message_from_bytes(raw, policy=policy.default) for _, _, raw in self.received]  # type: ignore[misc]

    def wait_for(self, count: int, timeout: float = 5.0) -> list[EmailMessage]:
        """Wait until at least `count` messages arrived."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages


class RefusingSink(SMTPSink):
    """An SMTP sink that refuses nobody@… for good (PERMANENT) and busy@… for now (450)."""

    PERMANENT = "550 5.1.1 No such user here"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if address.startswith("nobody@"):
            return self.PERMANENT
        if address.startswith("busy@"):
            return "450 4.2.1 Mailbox busy, try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


S = TypeVar("S", bound=SMTPSink)


@contextmanager
def serving(sink: S) -> Iterator[S]:
    """A real aiosmtpd server answering with `sink` on its port, stopped afterwards."""
    from aiosmtpd.controller import Controller

    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[SMTPSink]:
    """A real aiosmtpd server on a free local port."""
    with serving(SMTPSink(free_port())) as sink:
        yield sink
