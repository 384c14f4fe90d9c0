"""Search in the staff inbox over HTTP, on the real Whoosh index: the full page and the htmx
fragment (Vary), counts per category and status that narrow the results, sorting, hints for
malformed queries, the fallback notice, empty results, filters and pages that keep the
search, internal-note hits, and escaping of what customers wrote."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from helpdesk.domain.lifecycle import Status
from helpdesk.extensions import db
from helpdesk.models import Complaint
from helpdesk.search.whoosh.store import IndexStore
from helpdesk.services import casework, replies
from helpdesk.services.lifecycle import advance_to
from tests.conftest import make_app, migrate_database
from tests.services.casework_support import HTMX, find_form, login, new_complaint, submit
from tests.services.outcomes_support import fast_staff


def at(day: int) -> datetime:
    """A moment in March 2026 (10:00 in Amsterdam)."""
    return datetime(2026, 3, day, 9, 0, tzinfo=UTC)


def refs(html: str) -> list[int]:
    """The complaint ids the page lists, in order."""
    return [int(i) for i in re.findall(r'<tr id="complaint-(\d+)"', html)]


def link(html: str, marker: str) -> str:
    """The href of the link carrying `marker` (checked to equal its hx-get)."""
    tag = re.search(rf"<a [^>]*{re.escape(marker)}[^>]*>", html)
    assert tag is not None, f"no link with {marker}"
    href = re.search(r'href="([^"]*)"', tag.group(0))
    hx_get = re.search(r'hx-get="([^"]*)"', tag.group(0))
    assert href and hx_get and href.group(1) == hx_get.group(1)
    assert 'hx-target="#inbox-list"' in tag.group(0) and 'hx-push-url="true"' in tag.group(0)
    return unescape(href.group(1))


def facet(html: str, key: str) -> tuple[str, int, bool]:
    """A facet's URL, its count, and whether it is marked as the one in effect."""
    tag = re.search(rf'<a [^>]*data-facet="{key}"[^>]*>.*?</a>', html, re.S)
    assert tag is not None, f"no facet {key}"
    count = re.search(r'class="count">(\d+)<', tag.group(0))
    assert count is not None
    return link(html, f'data-facet="{key}"'), int(count.group(1)), "aria-current" in tag.group(0)


def summary(html: str) -> str:
    """The count line above the results, white space squashed."""
    found = re.search(r'<p class="inbox-summary" id="inbox-summary">(.*?)</p>', html, re.S)
    assert found is not None
    return " ".join(found.group(1).split())


def resolve(complaint: Complaint, day: int) -> None:
    """Move a complaint on to resolved through the lifecycle."""
    advance_to(complaint, Status.RESOLVED, now=at(day), actor="system")
    db.session.commit()


def test_search_page_fragment_and_facets_narrow(client: FlaskClient, make_staff: Any) -> None:
    login(client, make_staff("agent"))
    bill = new_complaint(
        now=at(2), description="Please refund the double charge", category="billing"
    )
    parcel = new_complaint(
        now=at(3), description="Refund for the crushed parcel", category="physical"
    )
    done = new_complaint(now=at(4), description="Refund my ebook", category="digital")
    resolve(done, 5)
    new_complaint(now=at(6), description="The lamp flickers", category="physical")

    full = client.get("/staff/?q=refund")
    html = full.get_data(as_text=True)
    assert full.status_code == 200 and "<html" in html and "HX-Request" in full.headers["Vary"]
    assert sorted(refs(html)) == [bill.id, parcel.id, done.id]  # a search sees every status
    assert summary(html) == "3 complaints match “refund”"
    # The search field and its help stay outside the swapped fragment.
    assert html.index('id="inbox-q"') < html.index('id="inbox-list"')
    assert html.index('class="search-help"') < html.index('id="inbox-list"')
    assert facet(html, "category-billing")[1:] == (1, False)
    assert facet(html, "category-physical")[1:] == (1, False)
    assert facet(html, "category-digital")[1:] == (1, False)
    assert 'data-facet="category-website"' not in html  # no match there
    assert facet(html, "status-open")[1:] == (2, False)
    assert facet(html, "status-all")[1:] == (3, True)
    assert facet(html, "status-resolved")[1:] == (1, False)
    assert '<option value="" selected>Any status</option>' in html
    assert "in other statuses" not in html

    # A category facet narrows (the URL keeps the text), marks itself, and can be removed.
    url = facet(html, "category-billing")[0]
    assert url == "/staff/?q=refund&category=billing"
    fragment = client.get(url, headers=HTMX)
    part = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "HX-Request" in fragment.headers["Vary"]
    assert part.lstrip().startswith('<div id="inbox-list"') and "<html" not in part
    assert 'id="inbox-q"' not in part and refs(part) == [bill.id]
    assert facet(part, "category-billing")[2] is True
    assert facet(part, "category-physical")[1:] == (1, False)  # other categories still counted
    assert '<option value="billing" selected>' in part
    assert fragment.headers["HX-Push-Url"] == "/staff/?q=refund&category=billing"
    assert "HX-Push-Url" not in full.headers
    # Screen readers hear the new count: it goes out of band into the live region.
    assert '<p id="inbox-announce" hx-swap-oob="innerHTML">1 complaint matches “refund”' in part
    removed = link(part, 'class="facet-remove"')
    assert removed == "/staff/?q=refund"
    assert "Remove filter: Billing" in part

    # A status facet narrows the same way, without JavaScript too.
    resolved = client.get(facet(html, "status-resolved")[0]).get_data(as_text=True)
    assert refs(resolved) == [done.id] and facet(resolved, "status-resolved")[2] is True
    assert '<option value="resolved" selected>' in resolved
    assert link(resolved, 'class="facet-remove"') == "/staff/?q=refund"
    # Narrowed to open complaints, the page says what other statuses hold.
    opened = client.get(facet(html, "status-open")[0]).get_data(as_text=True)
    assert sorted(refs(opened)) == [bill.id, parcel.id] and facet(opened, "status-open")[2]
    assert '<option value="open" selected>Open</option>' in opened
    assert "1 more complaint matches in other statuses." in opened
    assert link(opened, ">Show all statuses<") == "/staff/?q=refund"
    everything = client.get(link(opened, ">Show all statuses<")).get_data(as_text=True)
    assert len(refs(everything)) == 3 and facet(everything, "status-all")[2] is True


def test_sort_orders_and_keeps_the_search(client: FlaskClient, make_staff: Any) -> None:
    login(client, make_staff("agent"))
    middle = new_complaint(now=at(10), description="Refund refund refund, damaged box")
    old = new_complaint(now=at(2), description="A refund, please")
    new = new_complaint(now=at(20), description="Where is my refund")
    new_complaint(now=at(15), description="Nothing to see here")

    html = client.get("/staff/?q=refund&page=1").get_data(as_text=True)
    assert '<option value="" selected>Best match</option>' in html
    assert refs(html)[0] == middle.id  # the word three times ranks first
    newest = submit(client, html, "Filter", {"Sort by": "newest"}).get_data(as_text=True)
    assert refs(newest) == [new.id, middle.id, old.id]
    assert '<option value="newest" selected>' in newest
    oldest = submit(client, newest, "Filter", {"Sort by": "oldest"}, headers=HTMX)
    assert refs(oldest.get_data(as_text=True)) == [old.id, middle.id, new.id]
    # Links keep the sort and the text; facet links go back to page 1.
    url = facet(oldest.get_data(as_text=True), "category-digital")[0]
    assert url == "/staff/?q=refund&category=digital&sort=oldest"
    # Without text the default is due first, and "best match" is not offered.
    plain = client.get("/staff/").get_data(as_text=True)
    assert "Best match" not in plain and '<option value="" selected>Due first</option>' in plain
    assert 'data-facet="' not in plain  # no facets without a search
    form = find_form(plain, "Filter")
    assert "page" not in form.data()  # a new search or filter always starts at page 1


def test_malformed_queries_answer_with_a_hint(client: FlaskClient, make_staff: Any) -> None:
    login(client, make_staff("agent"))
    complaint = new_complaint(
        now=at(2), description="The download url x fails for my unbalanced parcel"
    )
    cases = {
        '"unbalanced': "A quote mark was not closed",
        "url: x": "There is no field “url:”",
        "((": "Brackets did not match",
        "status: parcel": "“status:” needs a value",
    }
    for typed, hint in cases.items():
        for headers in ({}, HTMX):
            response = client.get("/staff/", query_string={"q": typed}, headers=headers)
            html = response.get_data(as_text=True)
            assert response.status_code == 200, typed
            found = re.search(r'<p class="notice search-hint" id="search-hint">(.*?)</p>', html)
            assert found is not None and hint in unescape(found.group(1)), (typed, html)
            assert html.index('id="search-hint"') < html.index('id="inbox-summary"')
            assert refs(html) == [complaint.id], typed
    clean = client.get("/staff/?q=parcel").get_data(as_text=True)
    assert 'id="search-hint"' not in clean and refs(clean) == [complaint.id]


def test_typos_are_forgiven_and_said(client: FlaskClient, make_staff: Any) -> None:
    login(client, make_staff("agent"))
    complaint = new_complaint(now=at(2), description="The replacement never arrived")
    html = client.get("/staff/?q=replacemnt").get_data(as_text=True)
    assert refs(html) == [complaint.id]
    assert "these results allow for typos" in html and "<mark>replacement</mark>" in html


def test_empty_results_say_so_and_suggest(client: FlaskClient, make_staff: Any) -> None:
    login(client, make_staff("agent"))
    closed = new_complaint(now=at(2), description="The kettle leaks", category="physical")
    resolve(closed, 3)
    html = client.get("/staff/?q=kettle&category=physical&status=open").get_data(as_text=True)
    assert refs(html) == [] and summary(html) == "0 complaints match “kettle”"
    assert "No complaints match “kettle” with these filters." in html
    other = link(html, ">the 1 match in other statuses<")
    assert other == "/staff/?q=kettle&category=physical"
    assert refs(client.get(other).get_data(as_text=True)) == [closed.id]
    wide = link(html, ">searching all complaints, without filters<")
    assert wide == "/staff/?q=kettle"
    nothing = client.get("/staff/?q=zeppelin").get_data(as_text=True)
    assert "No complaints match “zeppelin” with these filters." in nothing
    assert "without filters" not in nothing and "in other statuses" not in nothing
    assert "the start of a word with * (refun*)" in nothing


def test_an_exact_code_finds_a_closed_complaint_from_the_default_inbox(
    client: FlaskClient, make_staff: Any
) -> None:
    login(client, make_staff("agent"))
    closed = new_complaint(
        now=at(2),
        description="My umbrella broke on the first day.\n\nIt was raining.",
        email="olga@example.com",
        order_number="NL-2026-777001",
    )
    resolve(closed, 3)
    advance_to(closed, Status.CLOSED, now=at(20), actor="system")
    db.session.commit()
    new_complaint(now=at(4), description=f"Same as {closed.display_reference}, the umbrella")
    inbox = client.get("/staff/").get_data(as_text=True)
    assert closed.id not in refs(inbox)  # not open
    for typed in (
        closed.display_reference.lower(),
        closed.reference,
        "NL-2026-777001",
        "OLGA@example.com",
    ):
        for narrowed in ("", "&status=open", "&category=billing&assignee=mine"):
            url = f"/staff/?q={typed}{narrowed}"
            html = client.get(url, headers=HTMX if narrowed else {}).get_data(as_text=True)
            assert refs(html)[0] == closed.id, url
            row = html.split(f'id="complaint-{closed.id}"')[1].split("</tbody>")[0]
            assert '<span class="badge exact">Exact match</span>' in row, url
            assert f'class="ref-link row-link" href="/staff/complaints/{closed.reference}"' in row
            assert '<span class="gist">My umbrella broke on the first day. It was raining.' in row
    html = client.get(f"/staff/?q={closed.reference}&status=open").get_data(as_text=True)
    assert summary(html) == f"1 complaint matches “{closed.reference}”"
    # Text that is not one whole identifier keeps to the filters.
    html = client.get("/staff/?q=umbrella&status=open").get_data(as_text=True)
    assert closed.id not in refs(html) and "badge exact" not in html


def html_full(client: FlaskClient, typed: str) -> str:
    """The whole inbox page for a search."""
    return client.get("/staff/", query_string={"q": typed}).get_data(as_text=True)


def test_first_words_stay_unless_a_snippet_shows_them(client: FlaskClient, make_staff: Any) -> None:
    login(client, make_staff("agent"))
    complaint = new_complaint(
        now=at(2), description="The kettle leaks.\n\n" + "It boils. " * 30 + "The lid is loose."
    )
    html = client.get("/staff/?q=lid").get_data(as_text=True)
    row = html.split(f'id="complaint-{complaint.id}"')[1].split("</tbody>")[0]
    assert '<span class="gist">The kettle leaks. It boils.' in row
    assert '<tr class="snippet-row">' in row and "<mark>lid</mark> is loose." in row
    html = client.get("/staff/?q=kettle").get_data(as_text=True)
    row = html.split(f'id="complaint-{complaint.id}"')[1].split("</tbody>")[0]
    assert 'class="gist"' not in row and "The <mark>kettle</mark> leaks." in row


def test_a_very_long_query_is_answered(client: FlaskClient, make_staff: Any) -> None:
    login(client, make_staff("agent"))
    new_complaint(now=at(2), description="A broken umbrella")
    typed = "umbrella" + "x" * 3000
    for headers in ({}, HTMX):
        response = client.get("/staff/", query_string={"q": typed}, headers=headers)
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert len(summary(html)) < 600  # the text is cut to 500 characters
    field = re.search(r'id="inbox-q" name="q" value="(\w*)"', html_full(client, typed))
    assert field is not None and len(field.group(1)) == 500


def test_fallback_notice_when_the_index_is_missing(
    app: Flask, client: FlaskClient, make_staff: Any
) -> None:
    login(client, make_staff("agent"))
    complaint = new_complaint(now=at(2), description="A broken umbrella")
    live = IndexStore(Path(app.config["SEARCH_INDEX_DIR"])).current_dir()
    assert live is not None
    normal = client.get("/staff/?q=umbrella").get_data(as_text=True)
    assert "slower search" not in normal
    shutil.rmtree(live)
    html = client.get("/staff/?q=umbrella", headers=HTMX).get_data(as_text=True)
    assert refs(html) == [complaint.id]
    assert "The search index is being rebuilt; results come from a slower search." in html


def test_search_with_category_and_pages(client: FlaskClient, make_staff: Any) -> None:
    login(client, make_staff("agent"))
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    made = [
        new_complaint(
            now=start + timedelta(hours=n),
            description=f"Invoice {n} shows the wrong amount",
            category="billing",
        )
        for n in range(27)
    ]
    new_complaint(now=start, description="Invoice lost in the post", category="physical")
    html = client.get("/staff/?q=invoice&category=billing&sort=oldest").get_data(as_text=True)
    assert summary(html) == "27 complaints match “invoice” · page 1 of 2"
    assert refs(html) == [c.id for c in made[:25]]
    second = link(html, 'rel="next"')
    assert second == "/staff/?q=invoice&category=billing&sort=oldest&page=2"
    page_two = client.get(second, headers=HTMX).get_data(as_text=True)
    assert refs(page_two) == [made[25].id, made[26].id]
    assert summary(page_two) == "27 complaints match “invoice” · page 2 of 2"
    # Every way on from page 2 keeps the text and sort, and starts at page 1 again.
    # A quick filter narrows the search to open complaints explicitly, and keeps its count.
    assert link(page_two, 'data-count="mine"') == (
        "/staff/?q=invoice&status=open&assignee=mine&sort=oldest"
    )
    assert re.search(r'data-count="open">\s*Open <span class="count">28</span>', page_two)
    assert facet(page_two, "category-physical")[0] == (
        "/staff/?q=invoice&category=physical&sort=oldest"
    )
    # The form on page 2 sends the text, filters and sort but no page: a new search typed
    # into the (kept) search field is page 1 of the new text.
    full_two = client.get(second).get_data(as_text=True)
    assert refs(full_two) == refs(page_two)
    sent = find_form(full_two, "Filter").data()
    assert sent["category"] == "billing" and sent["sort"] == "oldest" and "page" not in sent
    typed = submit(client, full_two, "Filter", {"Search": "wrong amount"}, headers=HTMX)
    assert summary(typed.get_data(as_text=True)) == (
        "27 complaints match “wrong amount” · page 1 of 2"
    )


def test_internal_note_hits_are_marked_internal(client: FlaskClient, make_staff: Any) -> None:
    mia = make_staff("agent")
    login(client, mia)
    complaint = new_complaint(
        now=at(2), description="Internal note: the customer wrote this line about a teapot"
    )
    replies.add_note(
        complaint, mia, "Finance says the teapot refund is approved", casework.seen_now(complaint)
    )
    html = client.get("/staff/?q=teapot").get_data(as_text=True)
    row = html.split(f'id="complaint-{complaint.id}"')[1].split("</tbody>")[0]
    snippets = re.findall(r'<p class="snippet small">(.*?)</p>', row)
    assert len(snippets) == 2
    customer, note = snippets
    assert "badge internal" not in customer and "Internal note: the customer" in customer
    assert note.startswith('<span class="badge internal">Internal note</span> Finance says')
    assert "<mark>teapot</mark>" in note


def test_customer_text_stays_text(client: FlaskClient, make_staff: Any) -> None:
    login(client, make_staff("agent"))
    complaint = new_complaint(
        now=at(2), name="<i>Ivy</i>", description="My toaster shows <b>x</b> and <script>y()"
    )
    html = client.get("/staff/?q=toaster").get_data(as_text=True)
    row = html.split(f'id="complaint-{complaint.id}"')[1].split("</tbody>")[0]
    assert "<mark>toaster</mark> shows &lt;b&gt;x&lt;/b&gt; and &lt;script&gt;y()" in row
    assert "<b>x</b>" not in html and "<script>y()" not in html and "<i>Ivy</i>" not in html
    typed = client.get("/staff/", query_string={"q": "<b>x</b> toaster"}).get_data(as_text=True)
    assert "<b>x</b>" not in typed
    assert 'value="&lt;b&gt;x&lt;/b&gt; toaster"' in typed
    assert summary(typed) == "1 complaint matches “&lt;b&gt;x&lt;/b&gt; toaster”"


@pytest.fixture
def pg_client(tmp_path: Path, pg_database_url: str) -> Iterator[FlaskClient]:
    """A client of the app on PostgreSQL with the PostgreSQL search backend."""
    application = make_app(tmp_path, pg_database_url, SEARCH_BACKEND="postgres")
    migrate_database(application)
    with application.app_context():
        yield application.test_client()
        db.session.remove()
        db.engine.dispose()


@pytest.mark.postgres
def test_the_same_on_the_postgres_backend(pg_client: FlaskClient) -> None:
    login(pg_client, fast_staff("agent"))
    bill = new_complaint(
        now=at(2), description="Please refund the double charge", category="billing"
    )
    parcel = new_complaint(
        now=at(3), description="Refund for the crushed parcel", category="physical"
    )
    done = new_complaint(now=at(4), description="Refund my ebook", category="digital")
    resolve(done, 5)
    html = pg_client.get("/staff/?q=refund&sort=newest").get_data(as_text=True)
    assert refs(html) == [done.id, parcel.id, bill.id]
    assert summary(html) == "3 complaints match “refund”"
    assert facet(html, "category-billing")[1] == 1 and facet(html, "status-all")[1] == 3
    narrowed = pg_client.get(facet(html, "category-billing")[0], headers=HTMX)
    assert refs(narrowed.get_data(as_text=True)) == [bill.id]
    oldest = pg_client.get("/staff/?q=refund&sort=oldest&status=all").get_data(as_text=True)
    assert len(refs(oldest)) == 3 and refs(oldest)[0] == bill.id
    hinted = pg_client.get("/staff/", query_string={"q": '"refund'}).get_data(as_text=True)
    assert "A quote mark was not closed" in hinted and len(refs(hinted)) == 3


def test_in_dutch(client: FlaskClient, make_staff: Any) -> None:
    login(client, make_staff("agent"))
    new_complaint(now=at(2), description="Het pakket is beschadigd aangekomen")
    new_complaint(now=at(3), description="Mijn pakketten zijn kwijt")
    html = client.get("/staff/?q=pakket&lang=nl").get_data(as_text=True)
    assert summary(html) == "2 klachten gevonden voor “pakket”"
    assert "<summary>Zo zoekt u</summary>" in html and "Resultaten verfijnen" in html
    assert '<option value="" selected>Meest relevant</option>' in html
    assert "Elke status" in html and "How to search" not in html
    hinted = client.get("/staff/", query_string={"q": '"pakket'}).get_data(as_text=True)
    assert "Een aanhalingsteken werd niet gesloten" in hinted
    none = client.get("/staff/?q=zeppelin").get_data(as_text=True)
    assert "Geen klachten gevonden voor “zeppelin” met deze filters." in none
