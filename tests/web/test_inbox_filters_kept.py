"""The inbox's quick filters and selects, kept per process (web.fragments): rendered once for
the same filters, counts, staff and language, and afresh as soon as any of them changes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, template_rendered
from flask.testing import FlaskClient
from jinja2 import ChoiceLoader, DictLoader

from helpdesk.models.types import utcnow
from helpdesk.web.fragments import Fragments
from tests.services.casework_support import login, new_complaint

FILTERS = "staff/_inbox_filters.html"


@contextmanager
def renders(app: Flask) -> Iterator[list[str]]:
    """The names of the templates rendered (render_template) meanwhile."""
    seen: list[str] = []

    def record(sender: Flask, template: Any, context: dict[str, Any], **extra: Any) -> None:
        seen.append(template.name)

    template_rendered.connect(record, app)
    try:
        yield seen
    finally:
        template_rendered.disconnect(record, app)


def count(html: str, key: str) -> str:
    """The number on a quick filter."""
    return html.split(f'data-count="{key}"')[1].split('class="count">')[1].split("<")[0]


def part(html: str) -> str:
    """The quick filters and the selects of a page."""
    return html.split('<nav class="quick-filters"')[1].split("</details>")[0]


def _view(app: Flask, client: FlaskClient, url: str = "/staff/") -> tuple[str, int]:
    """The page, and how many times the filters' template was rendered for it."""
    with renders(app) as seen:
        html = client.get(url).get_data(as_text=True)
    return html, seen.count(FILTERS)


def test_kept_until_a_count_a_person_a_filter_or_the_language_changes(
    app: Flask, client: FlaskClient, make_staff: Any
) -> None:
    login(client, make_staff("agent", name="Mia"))
    new_complaint(now=utcnow(), name="Nina")

    html, rendered = _view(app, client)
    assert rendered == 1 and count(html, "unassigned") == "1"
    again, rendered = _view(app, client)
    assert rendered == 0 and part(again) == part(html)  # kept: the same HTML, not rendered

    new_complaint(now=utcnow(), name="Olga", email="olga@example.com")
    html, rendered = _view(app, client)
    assert rendered == 1 and count(html, "unassigned") == "2"  # a count moved

    make_staff("agent", name="Zoë <b>New</b>")
    html, rendered = _view(app, client)
    assert rendered == 1  # someone new to assign to
    assert ">Zoë &lt;b&gt;New&lt;/b&gt;</option>" in html and "<b>New</b>" not in html

    mine, rendered = _view(app, client, "/staff/?assignee=mine")
    assert rendered == 1 and '<option value="mine" selected>Me</option>' in mine
    html, rendered = _view(app, client)
    assert rendered == 0 and '<option value="mine" >Me</option>' in html

    dutch, rendered = _view(app, client, "/staff/?lang=nl")
    assert rendered == 1 and 'aria-label="Snelfilters"' in dutch
    english, rendered = _view(app, client, "/staff/?lang=en")
    assert rendered == 0 and 'aria-label="Quick filters"' in english


def test_a_search_page_renders_them_each_time(
    app: Flask, client: FlaskClient, make_staff: Any
) -> None:
    """Search text is new nearly every time: kept HTML would only fill the store."""
    login(client, make_staff("agent"))
    new_complaint(now=utcnow(), name="Nina", description="The parcel never arrived at all.")
    for _ in range(2):
        html = client.get("/staff/?q=parcel").get_data(as_text=True)
        assert count(html, "open") == "1" and "Nina" in html  # included in the page
        assert not app.extensions.get("helpdesk_fragments", Fragments()).kept


def test_the_least_recently_used_fragment_goes_first(app: Flask) -> None:
    assert app.jinja_env.loader is not None
    app.jinja_env.loader = ChoiceLoader(
        [DictLoader({"test/_echo.html": "<p>{{ message }}</p>"}), app.jinja_env.loader]
    )
    fragments = Fragments(size=2)
    with app.test_request_context("/"), renders(app) as seen:
        for key in ("a", "b", "a", "c", "a", "b"):
            html = fragments.render("test/_echo.html", key, message=f"<{key}>")
            assert html == f"<p>&lt;{key}&gt;</p>"
            assert fragments.render("test/_echo.html", key, message="not rendered") == html
    # a, b rendered; a kept; c pushes b out; a kept; b rendered again (pushing c out).
    assert len(seen) == 4 and len(fragments.kept) == 2
