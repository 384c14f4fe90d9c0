"""The migrations are the only way the schema is made; they must match the models exactly."""

from __future__ import annotations

import warnings

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import text

from helpdesk.extensions import db
from helpdesk.models.complaint import OPEN_STATUSES


def _differences(app: Flask) -> list[object]:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"render_as_batch": True})
        return list(compare_metadata(context, db.metadata))


@pytest.mark.sqlite_only("the PostgreSQL schema has its own test, on pg_app, below")
def test_sqlite_schema_matches_models(app: Flask) -> None:
    with warnings.catch_warnings():
        # SQLAlchemy cannot reflect SQLite's expression indexes; the next test reads it back.
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based")
        warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression")
        assert _differences(app) == []


@pytest.mark.sqlite_only("reads the index's SQL from sqlite_master")
def test_sqlite_has_the_partial_index_of_open_complaints(app: Flask) -> None:
    with db.engine.connect() as conn:
        sql = conn.scalar(
            text("SELECT sql FROM sqlite_master WHERE name = 'ix_complaint_open_due'")
        )
    assert sql is not None
    words = " ".join(sql.split())
    assert "ON complaint ((sla_due_on IS NULL), sla_due_on, received_at, id)" in words
    statuses = ", ".join(f"'{status}'" for status in OPEN_STATUSES)
    assert f"WHERE status IN ({statuses})" in words


def test_postgres_schema_matches_models(pg_app: Flask) -> None:
    assert _differences(pg_app) == []
