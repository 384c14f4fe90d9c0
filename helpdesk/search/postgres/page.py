"""One statement for a PostgreSQL search: the counts per category and status, and the ids of
the asked page, from one scan of the matches.

The matches (id, category, status, dates, exact-hit flag) are found once, through the GIN
index, into a MATERIALIZED CTE (with each vector's TOAST pointer, not its value). The counts
group it; the page sorts it, and for relevance ranks the RANK_WINDOW newest matches
(reading only their vectors). Both
come back as rows of one UNION ALL: ("f", category, status, n, NULL, NULL) for the counts,
("p", NULL, NULL, NULL, id, position) for the page. Asking for the counts and the page in two
statements read every match's row twice: for a common word (46,000 matches) that was half
of the search's time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Integer, String, case, cast, func, literal, null, or_, select, union_all

from ...domain.inbox import InboxQuery
from ...models.search import SearchEntry
from ..base import empty_facets
from .query import Compiler

#: Relevance ranks this many of the newest matches (all of them when fewer match).
RANK_WINDOW = 1000

FACET, PAGE = "f", "p"


def search_statement(
    compiler: Compiler, alternatives: list[Any], filters: list[Any], query: InboxQuery
) -> Any:
    """The UNION ALL of the counts and the page for the rows of `alternatives` (conditions
    no row meets twice: Compiler.conditions) that meet every filter (see the module)."""
    entry = SearchEntry
    first = case((or_(*compiler.exact), 1), else_=0) if compiler.exact else literal(0)
    found = [
        select(
            entry.complaint_id,
            entry.category,
            entry.status,
            entry.received_at,
            entry.sla_due_on,
            # The vector's TOAST pointer, not its value: the window below ranks by it
            # without looking its rows up again (3,000 index buffers a search).
            compiler.vector.label("vector"),
            first.label("first"),
        ).where(condition, *filters)
        for condition in alternatives
    ]
    rows = found[0] if len(found) == 1 else union_all(*found)
    matches = rows.cte("matches").prefix_with("MATERIALIZED")
    m = matches.c
    no_text, no_number = cast(null(), String), cast(null(), Integer)
    counts = select(
        literal(FACET).label("part"),
        m.category,
        m.status,
        func.count().label("n"),
        no_number.label("id"),
        no_number.label("pos"),
    ).group_by(m.category, m.status)
    page, page_order = _page(compiler, matches, query)
    position = func.row_number().over(order_by=page_order)
    ids = select(literal(PAGE), no_text, no_text, no_number, page.c.complaint_id, position)
    return union_all(counts, ids)


def _page(compiler: Compiler, matches: Any, query: InboxQuery) -> tuple[Any, list[Any]]:
    """The page's rows (a subquery: complaint_id, ...) and their order: exact code hits
    first, then the chosen order; for relevance, ts_rank within the newest matches."""
    m = matches.c
    wanted = []
    if query.categories:
        wanted.append(m.category.in_(query.categories))
    if query.statuses:
        wanted.append(m.status.in_(query.statuses))
    rank = compiler.rank_query()
    if query.sort in ("newest", "oldest", "due") or rank is None:
        page = (
            select(m.complaint_id, m.first, m.received_at, m.sla_due_on)
            .where(*wanted)
            .order_by(m.first.desc(), *_order(query, m))
            .offset(query.offset)
            .limit(query.per_page)
            .subquery("page")
        )
        return page, [page.c.first.desc(), *_order(query, page.c)]
    size = max(RANK_WINDOW, query.offset + query.per_page)
    window = (
        select(m.complaint_id, m.first, m.received_at, m.vector)
        .where(*wanted)
        .order_by(m.first.desc(), m.received_at.desc(), m.complaint_id.desc())
        .limit(size)
        .subquery("window")
    )
    w = window.c
    score = func.ts_rank(w.vector, rank)
    page = (
        select(w.complaint_id, w.first, w.received_at, score.label("score"))
        .order_by(w.first.desc(), score.desc(), w.received_at.desc(), w.complaint_id.desc())
        .offset(query.offset)
        .limit(query.per_page)
        .subquery("page")
    )
    p = page.c
    return page, [p.first.desc(), p.score.desc(), p.received_at.desc(), p.complaint_id.desc()]


def _order(query: InboxQuery, cols: Any) -> list[Any]:
    """The chosen order over columns named as search_document's (newest first by default)."""
    if query.sort == "oldest":
        return [cols.received_at.asc(), cols.complaint_id.asc()]
    if query.sort == "due":
        return [
            cols.sla_due_on.asc().nulls_last(),
            cols.received_at.asc(),
            cols.complaint_id.asc(),
        ]
    return [cols.received_at.desc(), cols.complaint_id.desc()]


def read_rows(
    rows: Sequence[Any], query: InboxQuery
) -> tuple[list[int], dict[str, dict[str, int]], int]:
    """(page ids in order, counts per category and status, total) from the statement's rows.
    Counts per category have the status filter applied, counts per status the category's."""
    facets = empty_facets()
    total = 0
    page: list[tuple[int, int]] = []
    for part, category, status, n, cid, pos in rows:
        if part == PAGE:
            page.append((int(pos), int(cid)))
            continue
        category_ok = not query.categories or category in query.categories
        status_ok = not query.statuses or status in query.statuses
        if status_ok and category in facets["category"]:
            facets["category"][category] += n
        if category_ok and status in facets["status"]:
            facets["status"][status] += n
        if category_ok and status_ok:
            total += n
    return [cid for _pos, cid in sorted(page)], facets, total
