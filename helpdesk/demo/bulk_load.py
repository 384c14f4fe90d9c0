"""What a database needs after the seeder's bulk inserts (PostgreSQL only): sequences moved
past the ids written explicitly, and fresh planner statistics."""

from __future__ import annotations

from sqlalchemy import text

from ..extensions import db


def after_bulk_load() -> None:
    """Move the sequences and refresh the statistics (nothing to do on SQLite)."""
    _move_sequences()
    _analyze()


def _move_sequences() -> None:
    """PostgreSQL: sequences do not see explicit ids, so move them past the highest id."""
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.begin() as conn:
        for table in ("complaint", "message", "attachment", "outcome"):
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 — fixed names
                    f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
                )
            )


def _analyze() -> None:
    """PostgreSQL: fresh planner statistics after a bulk load (autovacuum may be off or
    not yet round; without them the inbox and search plans guess row counts)."""
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.begin() as conn:
        conn.execute(text("ANALYZE"))
