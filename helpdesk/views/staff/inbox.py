"""The inbox (/staff/): filters, counts, clock badges and pages, or search results with
their counts per category and status. Any member of staff."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import g, redirect, request, url_for
from flask.typing import ResponseReturnValue

from ...models.types import utcnow
from ...services.inbox import InboxFilters, assignable_staff, inbox_dates, list_inbox
from ...services.inbox_marks import page_marks
from ...web import is_htmx, render
from ...web.auth import current_staff_id, staff_required
from ...web.fragments import kept_fragment
from ...web.links import query_url
from ...words import labels
from .blueprint import bp
from .inbox_rows import inbox_rows


@bp.get("/")
@staff_required
def inbox() -> ResponseReturnValue:
    """The inbox: filters, counts, badges and pages, or search results with their counts per
    category and status; htmx gets only the list fragment (the search field stays put)."""
    filters = InboxFilters.from_args(request.args)
    now = utcnow()
    today, soon = inbox_dates(now)
    me = current_staff_id()
    page = list_inbox(filters.to_query(me=me, today=today, next_business_day=soon), me=me, now=now)
    if page.total and filters.page > page.pages:
        return redirect(url_for("staff.inbox", **filters.args(page=page.pages)))
    status_words = labels.table_words(labels.STAFF_STATUSES)
    category_words = labels.table_words(labels.CATEGORY_SHORT)
    marks = page_marks([row.id for row in page.rows], today, page.counts, page.changes)
    people = tuple(assignable_staff())
    # The quick filters and selects: decided by these inputs and the language alone, so kept
    # per process (web.fragments) for the inbox without search text; a search's text is
    # new nearly every time, so its page includes them afresh.
    filters_html = None
    if not page.searching:
        filters_html = kept_fragment(
            "staff/_inbox_filters.html",
            (filters, tuple(sorted(page.counts.items())), people),
            filters=filters,
            counts=page.counts,
            searching=False,
            people=people,
            status_words=status_words,
            category_words=category_words,
        )
    return _pushing_short_url(
        render(
            "staff/inbox.html",
            block="inbox_list",
            filters=filters,
            page=page,
            rows=inbox_rows(page, now, status_words, category_words),
            status_words=status_words,
            category_words=category_words,
            filters_html=filters_html,
            people=people,
            in_mediation=marks.in_mediation,
            reply_overdue=marks.reply_overdue,
            failed_mail=marks.failed_mail,
            fragment=is_htmx(),
        ),
        filters,
    )


@bp.app_template_global()
def inbox_href(args: Mapping[str, Any]) -> str:
    """url_for("staff.inbox", **args), the inbox's path built once a request (a search page
    links to the inbox over thirty times)."""
    path = g.get("inbox_path")
    if path is None:
        path = g.inbox_path = url_for("staff.inbox")
    return query_url(path, args)


def _pushing_short_url(body: str, filters: InboxFilters) -> ResponseReturnValue:
    """For htmx, the fragment with the short URL of what it shows to push (the form sends
    every field, empty ones too, which would otherwise be the URL in the address bar)."""
    if not is_htmx():
        return body
    return body, {"HX-Push-Url": url_for("staff.inbox", **filters.args())}
