"""What a database needs after the seeder's bulk inserts: sequences moved past the ids
written explicitly (PostgreSQL), and fresh planner statistics (both databases)."""

from __future__ import annotations

from sqlalchemy import text

from ..database.stats import refresh_statistics
from ..extensions import db


def after_bulk_load() -> None:
    """Move the sequences and refresh the statistics."""
    _move_sequences()
    refresh_statistics()


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
