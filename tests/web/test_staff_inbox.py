"""The inbox over HTTP: the full page and the htmx fragment (Vary), the search form, filters
by their labels, quick-filter counts, paging, badges and escaping."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient

from helpdesk.domain.lifecycle import Status
from helpdesk.extensions import db
from helpdesk.models.types import utcnow
from helpdesk.services import casework, replies
from helpdesk.services.customer import add_customer_message
from helpdesk.services.lifecycle import advance_to
from tests.conftest import sql_statements
from tests.services.casework_support import HTMX, find_form, login, new_complaint, submit


def rows(html: str) -> int:
    """How many complaint rows the page lists."""
    return html.count('<tr id="complaint-')


def test_full_page_and_fragment(client: FlaskClient, make_staff: Any) -> None:
    login(client, make_staff("agent"))
    new_complaint(now=utcnow(), name="Bram Bos")
    full = client.get("/staff/")
    html = full.get_data(as_text=True)
    assert full.status_code == 200 and "<html" in html
    assert "HX-Request" in full.headers["Vary"]
    # The search form: labelled "Search", name q, htmx wired to the list fragment.
    form = find_form(html, "Filter")
    assert form.method == "get" and form.action == "/staff/"
    assert '<label class="label" for="inbox-q">Search</label>' in html
    search_input = html.split('id="inbox-q"')[1].split(">")[0]
    assert 'name="q"' in search_input
    # Typing, a paste with the mouse and autofill all fire `input`; Enter fires `search`.
    assert 'hx-trigger="input changed delay:300ms, search"' in search_input
    assert 'hx-target="#inbox-list"' in search_input and 'hx-push-url="true"' in search_input
    assert 'id="inbox-list"' in html and rows(html) == 1

    fragment = client.get("/staff/", headers=HTMX)
    part = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "HX-Request" in fragment.headers["Vary"]
    assert part.lstrip().startswith('<div id="inbox-list"')
    assert "<html" not in part and 'id="inbox-q"' not in part
    assert rows(part) == 1 and "Bram Bos" in part


def test_the_inbox_needs_no_staff_row_of_the_login(client: FlaskClient, make_staff: Any) -> None:
    """The session check reads the staff member's id, name and role; the inbox asks for no
    more (the case page loads the Staff row when its forms need it)."""
    login(client, make_staff("manager", name="Mia Manager"))
    reference = new_complaint(now=utcnow(), name="Bram Bos").reference
    with sql_statements() as seen:
        html = client.get("/staff/").get_data(as_text=True)
    assert '<span class="whoami">Mia Manager</span>' in html and ">Reports</a>" in html
    assert not any("password_hash" in statement for statement in seen)
    case = client.get(f"/staff/complaints/{reference}")
    assert case.status_code == 200 and "Mia Manager" in case.get_data(as_text=True)


def test_filters_by_label_and_by_url(client: FlaskClient, make_staff: Any) -> None:
    mia = make_staff("agent", name="Mia")
    login(client, mia)
    done = new_complaint(now=utcnow() - timedelta(days=20), name="Done Dirk")
    advance_to(done, Status.RESOLVED, now=utcnow(), actor="system")
    db.session.commit()
    mine = new_complaint(now=utcnow(), name="Mine Mary", category="billing")
    casework.assign(mine, mia, mia.id, casework.seen_now(mine))
    new_complaint(now=utcnow(), name="Other Olga", category="physical")

    html = client.get("/staff/").get_data(as_text=True)
    assert rows(html) == 2 and "Done Dirk" not in html
    everything = submit(client, html, "Filter", {"Status": "all"}).get_data(as_text=True)
    assert rows(everything) == 3 and "Done Dirk" in everything
    billing = submit(client, html, "Filter", {"Category": "billing"}).get_data(as_text=True)
    assert rows(billing) == 1 and "Mine Mary" in billing
    by_person = submit(client, html, "Filter", {"Assigned to": str(mia.id)}, headers=HTMX)
    assert rows(by_person.get_data(as_text=True)) == 1

    mine_page = client.get("/staff/?assignee=mine").get_data(as_text=True)
    assert rows(mine_page) == 1 and "Mine Mary" in mine_page
    assert '<option value="mine" selected>' in mine_page
    unassigned = client.get("/staff/?assignee=unassigned", headers=HTMX).get_data(as_text=True)
    assert rows(unassigned) == 1 and "Other Olga" in unassigned
    # Nonsense parameters are ignored, never an error.
    odd = client.get("/staff/?status=nope&category=<x>&assignee=-1&due=x&page=abc&sort=z")
    assert odd.status_code == 200 and rows(odd.get_data(as_text=True)) == 2


def test_quick_filter_counts(client: FlaskClient, make_staff: Any) -> None:
    mia = make_staff("agent")
    login(client, mia)
    late = new_complaint(now=utcnow() - timedelta(days=30), name="Late Lena")
    casework.assign(late, mia, mia.id, casework.seen_now(late))
    new_complaint(now=utcnow(), name="New Nina")
    html = client.get("/staff/").get_data(as_text=True)

    def count(key: str) -> str:
        return html.split(f'data-count="{key}"')[1].split('class="count">')[1].split("<")[0]

    assert (count("open"), count("mine"), count("unassigned")) == ("2", "1", "1")
    assert (count("soon"), count("overdue")) == ("1", "1")
    overdue = client.get("/staff/?due=overdue").get_data(as_text=True)
    assert rows(overdue) == 1 and "Late Lena" in overdue
    assert 'aria-current=true data-count="overdue"' in " ".join(overdue.split())


def test_search_field(client: FlaskClient, make_staff: Any) -> None:
    login(client, make_staff("agent"))
    new_complaint(now=utcnow(), name="Bram Bos", email="bram@example.com")
    new_complaint(now=utcnow(), name="Cor Cats", email="cor@example.com")
    html = client.get("/staff/").get_data(as_text=True)
    found = submit(client, html, "Filter", {"Search": "Bram"})
    text = found.get_data(as_text=True)
    assert found.status_code == 200 and rows(text) == 1 and "Bram Bos" in text
    assert 'value="Bram"' in text  # the search text stays in the field
    fragment = client.get("/staff/?q=cor", headers=HTMX).get_data(as_text=True)
    assert rows(fragment) == 1 and "Cor Cats" in fragment
    # Whatever is typed, never an error.
    for typed in ('"unbalanced', "((", "status:", "%", "x" * 2000, "\x00\x01"):
        assert client.get("/staff/", query_string={"q": typed}).status_code == 200


def test_paging(client: FlaskClient, make_staff: Any) -> None:
    login(client, make_staff("agent"))
    start = utcnow() - timedelta(days=40)
    for number in range(27):
        new_complaint(now=start + timedelta(hours=number), name=f"Customer {number:02d}")
    first = client.get("/staff/").get_data(as_text=True)
    assert rows(first) == 25 and "27 complaints" in first and "page 1 of 2" in first
    assert 'href="/staff/?page=2"' in first and 'hx-get="/staff/?page=2"' in first
    assert "Customer 00" in first and "Customer 26" not in first
    second = client.get("/staff/?page=2", headers=HTMX).get_data(as_text=True)
    assert rows(second) == 2 and "Customer 26" in second and "<html" not in second
    beyond = client.get("/staff/?page=9&category=digital")
    assert beyond.status_code == 302
    assert beyond.headers["Location"] == "/staff/?category=digital&page=2"


def test_rows_link_badges_marks_and_escaping(client: FlaskClient, make_staff: Any) -> None:
    mia = make_staff("agent", name="Mia")
    login(client, mia)
    sly = new_complaint(now=utcnow(), name="<b>Sly</b> <script>x()</script>")
    answered = new_complaint(now=utcnow() - timedelta(hours=5), name="Answer Ann")
    replies.reply(answered, mia, "Does this help?", casework.seen_now(answered))
    add_customer_message(answered, "Not really.")
    html = client.get("/staff/").get_data(as_text=True)
    assert "&lt;b&gt;Sly&lt;/b&gt; &lt;script&gt;x()&lt;/script&gt;" in html
    assert "<script>x()" not in html
    assert f'href="/staff/complaints/{sly.reference}"' in html
    assert sly.display_reference in html
    sly_row = html.split(f'id="complaint-{sly.id}"')[1].split("</tr>")[0]
    assert "2 business days left" in sly_row and "7 business days left" in sly_row
    assert "New answer" not in sly_row and "Unassigned" in sly_row
    answered_row = html.split(f'id="complaint-{answered.id}"')[1].split("</tr>")[0]
    assert "New answer" in answered_row and "Assessing" in answered_row
    assert "met" in answered_row  # the reply acknowledged it in time


def test_status_and_category_words_follow_the_language(
    client: FlaskClient, make_staff: Any
) -> None:
    """The inbox's tables of words are kept per language: a page in English, then in Dutch,
    then in English again each shows its own words in the rows and the selects."""
    login(client, make_staff("agent"))
    new_complaint(now=utcnow(), name="Bram Bos", category="billing")
    english = client.get("/staff/?lang=en").get_data(as_text=True)
    dutch = client.get("/staff/?lang=nl").get_data(as_text=True)
    again = client.get("/staff/?lang=en").get_data(as_text=True)
    for html in (english, again):
        assert '<td class="optional cell-category">Billing</td>' in html
        assert '<span class="status status-received">Received</span>' in html
        assert ">Awaiting customer (" in html and "Facturering" not in html
    assert '<td class="optional cell-category">Facturering</td>' in dutch
    assert '<span class="status status-received">Ontvangen</span>' in dutch
    assert ">Wacht op klant (" in dutch and "Awaiting customer" not in dutch
