"""The PostgreSQL backend's own duties: its schema objects, health, rebuild and check."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text

from helpdesk import search
from helpdesk.extensions import db
from helpdesk.models import Complaint
from tests.search.support import Spec, add_complaints, find


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Use the PostgreSQL search backend."""
    return {"SEARCH_BACKEND": "postgres"}


@pytest.fixture
def three(pg_app: Flask) -> list[Complaint]:
    """Three indexed complaints."""
    return add_complaints(
        Spec(f"The {w} parcel arrived late", day=i)
        for i, w in enumerate(["alpha", "bravo", "charlie"])
    )


def test_the_first_write_creates_the_gin_and_trigram_indexes(three: list[Complaint]) -> None:
    query = "SELECT indexname FROM pg_indexes WHERE tablename LIKE 'search_%'"
    names = set(db.session.scalars(text(query)))
    assert {"search_document_public_gin", "search_document_all_gin", "search_word_trgm"} <= names
    assert db.session.scalar(text("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'"))
    words = set(db.session.scalars(text("SELECT word FROM search_word")))
    assert {"alpha", "parcel", "late"} <= words


def test_health_rebuild_and_check(pg_app: Flask, three: list[Complaint]) -> None:
    client, runner = pg_app.test_client(), pg_app.test_cli_runner()
    assert search.health() == "ok" and client.get("/healthz").status_code == 200
    db.session.execute(text("DELETE FROM search_document"))
    db.session.commit()
    assert search.health() == "missing index"
    assert client.get("/healthz").status_code == 503
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1 and "3 missing from the index" in result.output
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0 and "Indexed 3 complaints" in result.output
    assert search.health() == "ok"
    assert find("bravo").complaint_ids == [three[1].id]


def test_check_finds_stale_rows_and_fix_rewrites_them(
    pg_app: Flask, three: list[Complaint]
) -> None:
    runner = pg_app.test_cli_runner()
    db.session.execute(
        text("UPDATE complaint SET description = 'delta' WHERE id = :id"), {"id": three[0].id}
    )
    db.session.commit()
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1 and f"1 stale in the index: {three[0].id}" in result.output
    assert runner.invoke(args=["search", "check", "--fix"]).exit_code == 0
    assert runner.invoke(args=["search", "check"]).exit_code == 0
    assert find("delta").complaint_ids == [three[0].id]


def test_a_failed_index_write_keeps_the_commit_and_search_falls_back(
    pg_app: Flask, three: list[Complaint]
) -> None:
    db.session.execute(text("ALTER TABLE search_document RENAME TO search_document_away"))
    db.session.commit()
    (echo,) = add_complaints([Spec("An echo in the hall")])  # the commit stands
    assert db.session.get(Complaint, echo.id) is not None
    page = find("echo")
    assert page.fallback and page.complaint_ids == [echo.id]
    db.session.execute(text("ALTER TABLE search_document_away RENAME TO search_document"))
    db.session.commit()
    report = search.check(fix=True)
    assert report.missing == [echo.id] and report.fixed
    assert search.check().ok
    assert find("echo").complaint_ids == [echo.id] and not find("echo").fallback
