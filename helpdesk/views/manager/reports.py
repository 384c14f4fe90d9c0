"""The reports page (/staff/reports, policy clause 7) and its two CSV downloads: the figures
(/staff/reports/figures.csv, the tidy table of the period and the one before) and one row per
complaint (/staff/reports/complaints.csv), for the period and filters in the query string.

Managers only. A bad date or filter shows the page with the message by its field (400; 200
for htmx, which swaps only successful answers); the downloads answer a bad query the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import partial

from flask import Flask, Response, current_app, request, url_for
from flask.typing import ResponseReturnValue

from ...services.report_csv import complaint_csv, tidy_csv
from ...services.reports import get_report, shop_today
from ...web import is_htmx, render
from ...web.auth import manager_required
from .blueprint import bp
from .report_page import ReportPage, build_page, read_form

#: B2's page of corrective actions, linked from the report when it exists.
ACTIONS_ENDPOINT = "manager.corrective_actions"


def _page_response(page: ReportPage) -> ResponseReturnValue:
    if ACTIONS_ENDPOINT in current_app.view_functions:
        page.actions_url = url_for(ACTIONS_ENDPOINT)
    html = render("manager/reports.html", block="report_view", page=page)
    return html, 200 if page.ok or is_htmx() else 400


@bp.get("/reports")
@manager_required
def reports() -> ResponseReturnValue:
    """The report of the chosen period and filters, beside the period before."""
    return _page_response(build_page(request.args, shop_today()))


def _csv(body: str | Callable[[], Iterable[str]], name: str) -> Response:
    """A CSV download (UTF-8; the text starts with the BOM): whole, or (a callable) sent in
    pieces as they are made, in an app context of their own: memory stays bounded (13 MB
    of text for 100,000 complaints), and nothing of the request's context is kept open
    while a client reads (or never reads) the answer."""
    if isinstance(body, str):
        response = Response(body.encode("utf-8"), mimetype="text/csv")
    else:
        app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
        response = Response(_pieces(app, body), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.mimetype_params["charset"] = "utf-8"
    return response


def _pieces(app: Flask, make: Callable[[], Iterable[str]]) -> Iterator[bytes]:
    with app.app_context():
        for piece in make():
            yield piece.encode("utf-8")


@bp.get("/reports/figures.csv")
@manager_required
def report_figures_csv() -> ResponseReturnValue:
    """ "Download CSV": every figure of the period and the one before (period, measure,
    category, value)."""
    today = shop_today()
    _form, period, filters = read_form(request.args, today)
    if period is None or filters is None:
        return _page_response(build_page(request.args, today))
    reports = [get_report(p, filters, today=today) for p in (period, period.previous())]
    return _csv(tidy_csv(reports), f"report-{period.start}-{period.end}.csv")


@bp.get("/reports/complaints.csv")
@manager_required
def report_complaints_csv() -> ResponseReturnValue:
    """ "Download complaints (CSV)": one row per complaint of the period."""
    today = shop_today()
    _form, period, filters = read_form(request.args, today)
    if period is None or filters is None:
        return _page_response(build_page(request.args, today))
    name = f"complaints-{period.start}-{period.end}.csv"
    return _csv(partial(complaint_csv, period, filters), name)
