"""Full-text search over every complaint and message, behind one small interface.

    init_app(app)                  choose the backend (SEARCH_BACKEND: whoosh | postgres;
                                   only that one is imported) and queue changed complaints
                                   in each commit (indexing/hooks, indexing/queue); `flask
                                   search indexer` applies the queue (indexing/indexer)
    health() -> str                "ok", "missing index", "corrupt index: …" or "read-only
                                   index: …" (/healthz); queue_state() its queue's age
    search_inbox(InboxQuery, include_internal=True) -> SearchPage
    exact_matches(text) -> ids     the complaints a typed code, order number or email names,
                                   whatever the inbox filters
    index_complaints(ids) / remove_complaints(ids) / reindex_all(progress) / check(fix)

The query language (help: HELP, docs/search.md) is parsed once by `language.parse` and run
by the backend together with the inbox filters, so counts and pages are exact. When the
Whoosh index is missing or unreadable, search answers from the database instead
(`SearchPage.fallback`), and `flask search reindex` mends the index.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from flask_babel import get_locale

from ..domain.inbox import InboxQuery
from ..extensions import db
from .base import Backend, CheckReport, Hits, IndexUnavailable, SearchPage
from .failures import corrupt_index_tolerated, log_failure
from .indexing.hooks import EXTENSION, install
from .indexing.queue import QueueState, state
from .language.help import HELP, hint_text
from .language.nodes import Hint, identifier, with_typos
from .language.parse import parse
from .snippets import make_snippets
from .sql import fallback_search

__all__ = [
    "HELP",
    "CheckReport",
    "Hits",
    "IndexUnavailable",
    "QueueState",
    "SearchPage",
    "check",
    "exact_matches",
    "health",
    "index_complaints",
    "init_app",
    "queue_state",
    "reindex_all",
    "remove_complaints",
    "search_inbox",
]

log = logging.getLogger(__name__)
PAGES = "helpdesk_search_pages"
#: The most complaints one typed code, order number or email address brings in.
EXACT_LIMIT = 50


class PageCache:
    """Recent result pages of this process, by (index version, query, viewer, language)."""

    def __init__(self) -> None:
        self._pages: OrderedDict[Any, SearchPage] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> SearchPage | None:
        """The page remembered for `key`, if any."""
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: Any, page: SearchPage, size: int) -> None:
        """Remember `page`, keeping at most `size` pages."""
        with self._lock:
            self._pages[key] = page
            while len(self._pages) > max(size, 0):
                self._pages.popitem(last=False)

    def clear(self) -> None:
        """Forget every page."""
        with self._lock:
            self._pages.clear()


def _zone() -> ZoneInfo:
    from ..runtime.clock import shop_timezone

    return shop_timezone()


def _make_backend(app: Flask, fast: bool) -> Backend:
    """The backend SEARCH_BACKEND names, configured from the app's settings (`fast`: the
    Whoosh speed-ups, or Whoosh's public API only)."""
    name = str(app.config.get("SEARCH_BACKEND", "whoosh")).lower()
    procs = int(app.config["SEARCH_REINDEX_PROCS"])  # its default: config.py
    cache = int(app.config.get("SEARCH_CACHE_SIZE", 64))
    if name == "postgres":
        from .postgres.backend import PostgresBackend

        if not str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql"):
            raise RuntimeError("HELPDESK_SEARCH_BACKEND=postgres needs a PostgreSQL database")

        return PostgresBackend(
            lambda: db.engine,
            _zone,
            procs=procs,
            in_transaction=bool(app.config.get("SEARCH_INDEX_IN_TRANSACTION", False)),
        )
    if name != "whoosh":
        raise RuntimeError(f"HELPDESK_SEARCH_BACKEND must be whoosh or postgres, not {name!r}")
    from .whoosh.backend import WhooshBackend
    from .whoosh.build import PARALLEL_FROM

    return WhooshBackend(
        Path(app.config["SEARCH_INDEX_DIR"]),
        lambda: db.engine,
        _zone,
        cache_size=cache,
        lock_timeout=float(app.config.get("SEARCH_LOCK_TIMEOUT", 10.0)),
        procs=procs,
        parallel_from=int(app.config.get("SEARCH_PARALLEL_FROM", PARALLEL_FROM)),
        fast=fast,
    )


def init_app(app: Flask, *, fast: bool = True) -> None:
    """Pick the backend and queue every committed change to a complaint. `fast=False`
    (the library patches switched off) keeps the Whoosh backend to Whoosh's public API."""
    app.extensions[EXTENSION] = _make_backend(app, fast)
    app.extensions[PAGES] = PageCache()
    install()


def backend() -> Backend:
    """The current app's backend."""
    found: Backend = current_app.extensions[EXTENSION]
    return found


def health() -> str:
    """'ok', or what is wrong with the index (then /healthz answers 503)."""
    with corrupt_index_tolerated():
        try:
            return backend().health()
        except Exception as exc:  # noqa: BLE001 — logged with its traceback by log_failure
            log_failure(log, "search health check failed")
            problem = f"corrupt index: {type(exc).__name__}"
    return problem


def search_inbox(query: InboxQuery, *, include_internal: bool = True) -> SearchPage:
    """One page of complaints matching `query.text` and the inbox filters. Never raises for
    what staff type; falls back to the database when the index cannot answer. Pages are
    remembered per process until the index changes (the same search again costs nothing)."""
    engine = backend()
    token = engine.cache_token()
    pages: PageCache = current_app.extensions[PAGES]
    key = (token, query, include_internal, str(get_locale()))
    cached = pages.get(key) if token is not None else None
    if cached is not None:
        return replace(cached)
    page = _search_page(engine, query, include_internal)
    if token is not None and not page.fallback:
        pages.put(key, page, engine.cache_size)
    return replace(page)


def exact_matches(text: str) -> list[int]:
    """The complaints `text` names when it is one whole reference code, order number or
    email address (`identifier`), newest first, whatever the inbox filters; else []."""
    exact = identifier(parse(text).node)
    if exact is None:
        return []
    query = InboxQuery(text=text, sort="newest", per_page=EXACT_LIMIT)
    try:
        return backend().search(exact, query, True).ids
    except IndexUnavailable:
        return fallback_search(exact, query, True, _zone()).ids


def _search_page(engine: Backend, query: InboxQuery, include_internal: bool) -> SearchPage:
    """Search, retry forgiving typos when nothing matched, add snippets and hints."""
    parsed = parse(query.text)
    hints: list[Hint] = list(parsed.hints)
    node = parsed.node
    try:
        hits = engine.search(node, query, include_internal)
        if hits.total == 0:
            typo = with_typos(node)
            if typo is not None:
                retry = engine.search(typo, query, include_internal)
                if retry.total:
                    hits, node = retry, typo
                    hints.append(Hint("typos"))
        fallback = False
    except IndexUnavailable as exc:
        log.warning("search falls back to the database: %s", exc)
        hits, fallback = fallback_search(node, query, include_internal, _zone()), True
    # On the session's connection, which the page's other statements then use too (a
    # connection of its own would be one more checkout from the pool a search).
    snippets = make_snippets(db.session.connection(), hits.ids, node, include_internal)
    return SearchPage(
        complaint_ids=hits.ids,
        total=hits.total,
        facets=hits.facets,
        snippets=snippets,
        hint=hint_text(hints),
        fallback=fallback,
    )


def index_complaints(ids: Iterable[int]) -> None:
    """Queue these complaints and apply the queue now (bulk changes bypass the hooks)."""
    backend().index({int(i) for i in ids})


def remove_complaints(ids: Iterable[int]) -> None:
    """Take these complaints out of the index (say, just before erasing them)."""
    backend().remove({int(i) for i in ids})


def queue_state() -> QueueState:
    """How many index changes wait in the queue, and since when (/healthz)."""
    with db.engine.connect() as conn:
        return state(conn)


def reindex_all(progress: bool = True) -> int:
    """Rebuild the whole index from the database; returns the number of complaints."""
    return backend().reindex(progress)


def check(fix: bool = False) -> CheckReport:
    """Compare the index with the database; `fix` re-indexes what is missing or stale."""
    return backend().check(fix)
