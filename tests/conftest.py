"""Shared fixtures: an app on a real, migrated SQLite file (or PostgreSQL), a client, a CLI
runner, staff accounts, and a real SMTP server (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

import os
import shutil
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from helpdesk import create_app
from helpdesk.extensions import db

PG_ENV = "HELPDESK_TEST_POSTGRES_URL"


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
        # Tests make many complaints for one address; the cap has tests of its own.
        "ACKS_PER_ADDRESS_DAY": 1000,
        "WTF_CSRF_ENABLED": False,
        "SMTP_URL": "smtp://127.0.0.1:9",  # nothing listens there unless a test says so
        "BASE_URL": "http://localhost",
    }


def migrate_database(app: Flask) -> None:
    """Run the Alembic migrations (the production path), never create_all."""
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per test process; each test gets a copy."""
    tmp = tmp_path_factory.mktemp("template")
    path = tmp / "template.sqlite3"
    migrate_database(create_app(base_config(tmp, f"sqlite:///{path}")))
    return path


def make_app(tmp_path: Path, database_url: str, **overrides: Any) -> Flask:
    """A test app on `database_url` with files under `tmp_path`."""
    config = base_config(tmp_path, database_url)
    config.update(overrides)
    return create_app(config)


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Override in a test module to change settings of the `app` fixture."""
    return {}


@pytest.fixture
def app(tmp_path: Path, sqlite_template: Path, app_config: dict[str, Any]) -> Iterator[Flask]:
    """The app on a fresh copy of the migrated SQLite database."""
    db_file = tmp_path / "helpdesk.sqlite3"
    shutil.copy(sqlite_template, db_file)
    application = make_app(tmp_path, f"sqlite:///{db_file}", **app_config)
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


def postgres_url() -> str | None:
    """The server URL from the environment; in CI a missing server fails, elsewhere it skips."""
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{PG_ENV} is not set in CI")
        pytest.skip(
            f"PostgreSQL tests skipped: set {PG_ENV}=postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        )
    return url


@contextmanager
def fresh_pg_database(prefix: str = "helpdesk_test") -> Iterator[str]:
    """A new, empty PostgreSQL database, dropped afterwards (skips or fails as postgres_url)."""
    import psycopg

    server = postgres_url()
    assert server is not None
    plain = server.replace("postgresql+psycopg://", "postgresql://")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(plain, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"PostgreSQL not reachable at {plain}: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = server.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(plain, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_database_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test (migrated by pg_app), dropped afterwards."""
    with fresh_pg_database() as url:
        yield url


@pytest.fixture
def pg_app(tmp_path: Path, pg_database_url: str, app_config: dict[str, Any]) -> Iterator[Flask]:
    """The app on a fresh, migrated PostgreSQL database."""
    application = make_app(tmp_path, pg_database_url, **app_config)
    migrate_database(application)
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def any_app(request: pytest.FixtureRequest) -> Flask:
    """The app on each database in turn (for services that must behave the same on both)."""
    if request.param == "sqlite":
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


@pytest.fixture
def smtp_server() -> Iterator[SMTPSink]:
    """A real aiosmtpd server on a free local port."""
    from aiosmtpd.controller import Controller

    sink = SMTPSink(free_port())
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
