"""/staff/reports: managers only; the page's tables against the figures worked out by hand
for the fixed May 2026 data set (tests/services/reports_support.py); the htmx fragment and
the page without JavaScript; bad dates and filters by their field in English and Dutch;
comments shown as text."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from helpdesk.services.ratings import rate_resolution
from tests.services.outcomes_support import fast_staff, give_refund, login, new_complaint
from tests.services.reports_support import DataSet, build, local

MAY = "/staff/reports?from=2026-05-01&to=2026-05-31"
ROUTES = ("/staff/reports", "/staff/reports/figures.csv", "/staff/reports/complaints.csv")


class Tables(HTMLParser):
    """Every <table> of a page by its caption: rows of cell texts (header cells included)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption: str | None = None
        self._rows: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self._in_caption = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "table":
            self._rows, self._caption = [], ""
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None and self._rows is not None:
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table" and self._rows is not None:
            self.tables[self._caption or ""] = self._rows
            self._rows = None

    def handle_data(self, data: str) -> None:
        if self._in_caption:
            self._caption = (self._caption or "") + data.strip()
        elif self._cell is not None:
            self._cell.append(data)

    def rows(self, caption: str) -> dict[str, list[str]]:
        """A table's body rows by their first cell."""
        return {row[0]: row[1:] for row in self.tables[caption][1:]}


@pytest.fixture
def data(app: Flask) -> DataSet:
    return build()


@pytest.fixture
def manager(client: FlaskClient, data: DataSet) -> FlaskClient:
    login(client, data.manager)
    return client


def page(client: FlaskClient, url: str = MAY, **headers: str) -> tuple[int, str]:
    response = client.get(url, headers=headers)
    return response.status_code, response.get_data(as_text=True)


def test_agents_get_403_and_visitors_the_login_on_every_route(
    client: FlaskClient, app: Flask
) -> None:
    for route in ROUTES:
        response = client.get(route)
        assert response.status_code in (302, 303), route
        assert "/staff/login" in response.headers["Location"]
    login(client, fast_staff("agent"))
    for route in ROUTES:
        assert client.get(route).status_code == 403, route
    assert "/staff/reports" not in page(client, "/staff/")[1]  # no link in the header


def test_the_figures_of_may_against_the_hand_worked_values(manager: FlaskClient) -> None:
    status, html = page(manager)
    assert status == 200
    tables = Tables(html)
    key = tables.rows("Key figures")
    assert key["Complaints"] == ["7", "1", "+6"]
    assert key["Acknowledged in time"] == ["71.4%", "100.0%", "−28.6 pp"]
    assert key["Responded in time"] == ["50.0%", "0.0%", "+50.0 pp"]  # C8: overdue
    assert key["Median business days to respond"] == ["3", "–", "–"]
    assert key["Refunded (EUR)"] == ["€51.00", "€0.00", "+€51.00"]
    assert key["Review rate"][0] == "50.0%" and key["Mediation rate"][0] == "14.3%"
    assert key["Satisfaction with the outcome (1–5)"][0] == "3.67"
    categories = tables.rows("Complaints per category")
    assert categories["Physical product"] == ["3", "1", "+2"]
    assert categories["Other"] == ["0", "0", "±0"]
    weekly = tables.rows("Complaints per category per week")
    assert list(weekly) == ["27 Apr 2026", "4 May 2026", "11 May 2026", "18 May 2026",
                            "25 May 2026"]  # fmt: skip
    head = tables.tables["Complaints per category per week"][0]
    assert weekly["18 May 2026"][head.index("Billing") - 1] == "1"
    assert weekly["18 May 2026"][-1] == "3"
    sla = tables.rows("SLA compliance of both clocks")
    assert sla["Acknowledged in time"][0] == "5" and sla["Acknowledged late"][0] == "1"
    assert sla["Not acknowledged, overdue"][0] == "1"
    assert sla["Responded in time"][0] == "3" and sla["No response, overdue"][0] == "2"
    assert sla["No response, still in time"][0] == "1"  # C7 waits for the customer
    assert sla["Response SLA met"][0] == "50.0%"
    days = tables.rows("Business days to acknowledge and to respond")
    assert [days[k][0] for k in days] == ["0", "3", "3", "8"]
    assert 'href="/staff/reports" aria-current=page>Reports</a>' in html  # the header's link


def test_what_complaints_ended_with_against_the_hand_worked_values(manager: FlaskClient) -> None:
    tables = Tables(page(manager)[1])
    outcomes = tables.rows("Outcome mix")
    assert outcomes["Refund"][0] == "2" and outcomes["No outcome yet"] == ["3", "1", "+2"]
    refunds = tables.rows("Refund totals and counts")
    assert refunds["Refunds"][0] == "2" and refunds["Refunded (EUR)"][0] == "€51.00"
    reviews = tables.rows("Reviews")
    assert (
        reviews["Review requests"][0] == "2" and reviews["Outcome changed by the review"][0] == "1"
    )
    assert reviews["Outcome changed (of final responses)"][0] == "50.0%"
    mediation = tables.rows("Mediation rate and decisions")
    assert mediation["Referred to a dispute body"][0] == "1"
    assert mediation["Settled between the parties"][0] == "1"
    matrix = tables.tables["Remedy sought and remedy given, this period"]
    head, rows = matrix[0], {row[0]: row[1:] for row in matrix[1:]}
    assert rows["Refund"][head.index("Refund") - 1] == "2"
    assert rows["Not stated"][head.index("Technical assistance") - 1] == "1"
    assert rows["Not stated"][-1] == "2"
    granted = tables.rows("Asked for an outcome and got it")
    assert granted["Asked for an outcome"][0] == "3" and granted["Share that got it"][0] == "100.0%"
    scores = tables.rows("Scores given")
    assert scores["5 – Very satisfied"][:1] == ["1"] and scores["4 – Satisfied"][2] == "1"
    averages = tables.rows("Answers and averages")
    assert averages["Average for the handling"][0] == "4.50"
    causes = tables.rows("Complaints by root cause")
    assert causes["Packing"][0] == "1" and causes["Carrier damage"][0] == "1"
    html = page(manager)[1]
    assert html.index("Took too long.") < html.index("Quick and fair.")  # newest first


def test_filters_and_dutch_words(manager: FlaskClient) -> None:
    tables = Tables(page(manager, MAY + "&category=physical&channel=web")[1])
    assert tables.rows("Key figures")["Complaints"][0] == "2"
    assert list(tables.rows("Complaints per category")) == ["Physical product"]
    status, html = page(manager, MAY + "&lang=nl")
    assert status == 200 and "Rapportages" in html
    key = Tables(html).rows("Kerncijfers")
    assert key["Klachten"] == ["7", "1", "+6"]
    assert key["Op tijd bevestigd"][0] == "71,4%"


def test_the_htmx_fragment_and_the_page_without_javascript(manager: FlaskClient) -> None:
    full = manager.get(MAY)
    html = full.get_data(as_text=True)
    assert "<html" in html and '<form id="report-form"' in html and 'method="get"' in html
    assert 'hx-get="/staff/reports"' in html and 'hx-push-url="true"' in html
    assert "HX-Request" in full.headers["Vary"]
    fragment = manager.get(MAY + "&category=physical", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200
    assert body.lstrip().startswith('<div id="report-view"') and "<html" not in body
    assert Tables(body).rows("Key figures")["Complaints"][0] == "3"
    # The quick picks keep the filters; the downloads carry period and filters.
    assert "pick=quarter&amp;category=physical" in body
    assert (
        "/staff/reports/figures.csv?from=2026-05-01&amp;to=2026-05-31&amp;category=physical" in body
    )


def test_this_month_by_default_and_a_quick_pick(manager: FlaskClient) -> None:
    status, html = page(manager, "/staff/reports")
    assert status == 200 and 'aria-current="true">This month<' in html
    status, html = page(manager, "/staff/reports?pick=last_quarter")
    assert status == 200 and 'aria-current="true">Last quarter<' in html
    status, html = page(manager, "/staff/reports?pick=fortnight")  # unknown: this month
    assert status == 200 and 'aria-current="true">This month<' in html


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("from=2026-13-01&to=2026-05-31", "from", "Enter a date as YYYY-MM-DD, e.g. 2026-12-01."),
        ("from=2026-05-31&to=2026-05-01", "to", "The last day comes before the first day."),
        ("from=2020-01-01&to=2023-01-01", "to", "A report can span at most 3 years."),
        ("from=2026-05-01&to=2026-05-31&category=toys", "category", "Not a valid choice."),
        ("from=9999-12-01&to=9999-12-31", "from", "Enter a date from 1900 to 2999."),
    ],
)
def test_bad_input_is_told_by_its_field_and_kept(
    manager: FlaskClient, query: str, field: str, message: str
) -> None:
    status, html = page(manager, f"/staff/reports?{query}")
    assert status == 400
    assert f'<p class="error" id="{field}-error">{message}</p>' in html
    assert 'aria-invalid="true"' in html and "Correct the marked fields" in html
    typed = dict(part.split("=") for part in query.split("&"))
    assert f'value="{typed.get(field, "")}"' in html or field == "category"
    for route in ROUTES[1:]:  # the downloads answer the same way
        assert manager.get(f"{route}?{query}").status_code == 400
    htmx = manager.get(f"/staff/reports?{query}", headers={"HX-Request": "true"})
    assert htmx.status_code == 200 and message in htmx.get_data(as_text=True)


def test_bad_dates_in_dutch(manager: FlaskClient) -> None:
    status, html = page(manager, "/staff/reports?from=31-05-2026&to=01-05-2026&lang=nl")
    assert status == 400 and "De laatste dag ligt vóór de eerste dag." in html
    assert 'value="31-05-2026"' in html


def test_a_comment_is_shown_as_text(manager: FlaskClient, data: DataSet) -> None:
    complaint = new_complaint(now=local(20, 12), email="script@example.com")
    give_refund(complaint, data.agent, now=local(21, 12))
    rate_resolution(complaint, 1, '<script>alert("x")</script>', now=local(22, 12))
    html = page(manager)[1]
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_categories_rising_now_are_checked_as_the_page_opens(
    client: FlaskClient, app: Flask
) -> None:
    """A category's spike in the last complete week shows at once (no daily run needed),
    and a complaint more shows on the next view (the kept check follows the data)."""
    from datetime import UTC, datetime, time, timedelta

    from helpdesk.services.reports import shop_today
    from helpdesk.services.trends import weeks_checked
    from tests.services.reports_support import _complaint

    spike = weeks_checked(shop_today())[0]  # the Monday of the last complete week

    def billing(day: Any) -> None:
        _complaint(datetime.combine(day, time(9), UTC), "billing", "web", "en", None)

    for weeks_back in range(1, 9):  # the usual level: one a week for eight weeks
        billing(spike - timedelta(weeks=weeks_back) + timedelta(days=1))
    for n in range(6):
        billing(spike + timedelta(days=n % 5))
    login(client, fast_staff("manager"))
    html = client.get("/staff/reports").get_data(as_text=True)
    assert "Rising now" in html
    assert "Category: Billing or payment</strong>: 6 in the week of" in html
    billing(spike + timedelta(days=2))
    html = client.get("/staff/reports").get_data(as_text=True)
    assert "Category: Billing or payment</strong>: 7 in the week of" in html
    old = client.get("/staff/reports?from=2026-05-01&to=2026-05-31").get_data(as_text=True)
    assert "Rising now" not in old  # a period before the weeks checked
