"""Fixtures for the search tests (helpers live in tests/search/support.py)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from flask import Flask

from helpdesk import search
from helpdesk.extensions import db
from helpdesk.models import Staff
from tests.conftest import ON_POSTGRES, dispose, make_app
from tests.pg_databases import fresh_pg_database


@pytest.fixture
def search_app(app: Flask) -> Flask:
    """The app under test (function scope, SQLite + Whoosh)."""
    return app


@pytest.fixture
def staff(search_app: Flask) -> Staff:
    """A staff member to assign complaints to and to give outcomes."""
    member = Staff(email="agent@shop.example", name="Agent", role="agent", password_hash="x")
    db.session.add(member)
    db.session.commit()
    return member


@pytest.fixture(
    scope="module",
    params=["whoosh", "whoosh-stock", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def backend_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    """One app per backend for a whole module: Whoosh on the suite's database, Whoosh with
    the library speed-ups off (LIBRARY_PATCHES=False: Whoosh's public API only), PostgreSQL
    full-text search on PostgreSQL. Tests that only read share the module's complaints."""
    tmp = tmp_path_factory.mktemp(f"search-{request.param}")
    settings: dict[str, Any] = {
        "whoosh": {},
        "whoosh-stock": {"LIBRARY_PATCHES": False},
        "postgres": {"SEARCH_BACKEND": "postgres"},
    }[request.param]
    with ExitStack() as stack:
        if request.param.startswith("whoosh") and not ON_POSTGRES:
            db_file = tmp / "helpdesk.sqlite3"
            shutil.copy(request.getfixturevalue("sqlite_template"), db_file)
            url = f"sqlite:///{db_file}"
        else:
            template = request.getfixturevalue("pg_template")
            url = stack.enter_context(fresh_pg_database("helpdesk_search", template))
        application = make_app(tmp, url, **settings)
        if request.param == "whoosh-stock":
            with application.app_context():
                assert search.backend().fast is False  # type: ignore[attr-defined]
        yield application
        dispose(application)


@pytest.fixture
def in_backend(backend_app: Flask) -> Iterator[Any]:
    """An app context of the module's backend app for one test."""
    with backend_app.app_context():
        yield backend_app
        db.session.remove()
