"""The migrations are the only way the schema is made; they must match the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask

from helpdesk.extensions import db


def _differences(app: Flask) -> list[object]:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"render_as_batch": True})
        return list(compare_metadata(context, db.metadata))


def test_sqlite_schema_matches_models(app: Flask) -> None:
    assert _differences(app) == []


def test_postgres_schema_matches_models(pg_app: Flask) -> None:
    assert _differences(pg_app) == []
