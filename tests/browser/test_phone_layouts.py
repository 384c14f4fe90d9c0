"""Phone and laptop layouts in a real Chromium, at 390 px and 1366 px wide: no page of the
inbox (plain, and searching with a 3,000-character query), the case page, the complaint form,
the tracking page or the customer's case view is wider than the window, with long unbroken
words and addresses in them. On a phone the inbox shows cards with the first one in the first
screen, its filters folded behind a toggle, status badges whole and the header in two lines;
the case page's jump links reach the actions without scrolling past the thread. On a laptop
the table and the filters show as they are."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from helpdesk.models.types import utcnow
from helpdesk.runtime.links import tracking_url
from helpdesk.services import casework, replies
from tests.browser.conftest import ConsoleLog, LiveServer, log_in
from tests.services.casework_support import new_complaint
from tests.services.outcomes_support import STAFF_PASSWORD, fast_staff

LONG_WORD = "https://shop.example/orders/" + "x" * 160
LONG_EMAIL = "anna.maria.van.der.berg-de.groot@a-rather-long-domain-name.example.com"
HEIGHT = {390: 844, 1366: 900}


@dataclass
class Story:
    """A manager (the widest header) and a case with long words, waiting for the customer."""

    manager: str
    reference: str
    tracking: str


def prepare(server: LiveServer) -> Story:
    """The case, made through the real services, with a thread of a few messages."""
    with server.app.app_context():
        manager = fast_staff("manager", name="Fatima El Amrani-Verhoeven")
        complaint = new_complaint(
            description=f"The link {LONG_WORD} does not open. " * 3,
            email=LONG_EMAIL,
            name="Anna Maria van der Berg-de Groot",
            order_number="NL-2026-0045120000000000",
        )
        for text in ("We are looking into it.", f"Could you send us {LONG_WORD}?"):
            replies.reply(complaint, manager, text, casework.seen_now(complaint), now=utcnow())
        replies.request_information(
            complaint, manager, "Which e-reader?", casework.seen_now(complaint), now=utcnow()
        )
        for n in range(4):
            new_complaint(description=f"Parcel {n} arrived in pieces, the lamp is broken " * 4)
        return Story(manager.email, complaint.reference, tracking_url(complaint))


def wider_by(page: Any) -> int:
    """How many pixels the page is wider than the window (0 when it fits)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def header_lines(page: Any) -> int:
    """On how many lines the header's brand, links, buttons and language switch sit (those
    shown: on a phone the staff member's name is there for screen readers only)."""
    return int(
        page.evaluate(
            """() => {
              const tops = [...document.querySelectorAll(
                '.header-row > .brand, .header-row nav a, .header-row nav button, .whoami, '
                + '.lang-switch select')].map(e => e.getBoundingClientRect())
                .filter(box => box.width > 1).map(box => box.top);  // shown, not hidden
              let lines = 0, start = -1e9;
              for (const top of tops.sort((a, b) => a - b)) {
                if (top - start > 14) { lines += 1; start = top; }
              }
              return lines;
            }"""
        )
    )


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1366])
def test_no_page_is_wider_than_the_window(
    live_server: LiveServer, open_page: Any, watch_console: ConsoleLog, width: int
) -> None:
    story = prepare(live_server)
    base = live_server.url
    page = open_page(viewport={"width": width, "height": HEIGHT[width]})
    wide: list[str] = []

    def check(what: str) -> None:
        if (extra := wider_by(page)) > 0:
            wide.append(f"{what}: {extra} px wider than {width}")

    for path in ("/", "/complaints/new", "/track"):
        page.goto(f"{base}{path}")
        check(path)
    page.goto(story.tracking)
    page.get_by_label("Your answer", exact=True).wait_for()
    check("the customer's case view")

    log_in(page, base, story.manager, STAFF_PASSWORD)
    page.locator("tr.inbox-row").nth(4).wait_for()
    check("the inbox")
    page.goto(f"{base}/staff/?q=" + "lampenkap" * 334)  # 3,006 characters, no space
    page.locator("#inbox-summary").wait_for()
    check("the inbox with a 3,000-character query")
    page.goto(f"{base}/staff/?q=broken")
    page.locator(".snippet-row").first.wait_for()
    check("the inbox searching")
    page.goto(f"{base}/staff/complaints/{story.reference}")
    check("the case page")
    assert wide == []
    assert watch_console.errors == []


@pytest.mark.browser
def test_the_inbox_on_a_phone(live_server: LiveServer, open_page: Any) -> None:
    story = prepare(live_server)
    page = open_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    log_in(page, live_server.url, story.manager, STAFF_PASSWORD)
    rows = page.locator("tr.inbox-row")
    rows.nth(4).wait_for()
    assert header_lines(page) <= 2
    first = rows.first.bounding_box()
    assert first is not None and first["y"] + first["height"] <= 844  # in the first screen
    head = page.locator(".inbox-table thead").bounding_box()  # kept for screen readers only
    assert head is None or head["height"] <= 1
    # Status badges are whole, inside the card and the screen.
    cut = page.evaluate(
        """() => [...document.querySelectorAll('.inbox-row .status, .inbox-row .badge')]
             .filter(e => e.scrollWidth > e.clientWidth + 1
                          || e.getBoundingClientRect().right > window.innerWidth)
             .map(e => e.textContent)"""
    )
    assert cut == []
    # The filters are folded away until asked for.
    status = page.get_by_label("Status", exact=True)
    assert not status.is_visible()
    page.get_by_text("Filters and sorting").click()
    assert status.is_visible()


@pytest.mark.browser
def test_the_case_page_on_a_phone_reaches_the_actions(
    live_server: LiveServer, open_page: Any
) -> None:
    story = prepare(live_server)
    page = open_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    log_in(page, live_server.url, story.manager, STAFF_PASSWORD)
    page.goto(f"{live_server.url}/staff/complaints/{story.reference}")
    assert header_lines(page) <= 2
    jump = page.locator(".case-jump").get_by_role("link", name="Actions", exact=True)
    box = jump.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844
    jump.click()
    page.wait_for_function("() => location.hash === '#actions'")
    actions = page.locator("#actions").bounding_box()
    assert actions is not None and 0 <= actions["y"] < 844
    # The jump links stay at hand further down, above the section they led to.
    bar = page.locator(".case-jump").bounding_box()
    assert bar is not None and bar["y"] >= -1 and bar["y"] + bar["height"] <= actions["y"] + 1


@pytest.mark.browser
def test_the_inbox_on_a_laptop_shows_the_table_and_its_filters(
    live_server: LiveServer, open_page: Any
) -> None:
    story = prepare(live_server)
    page = open_page(viewport={"width": 1366, "height": 900})
    log_in(page, live_server.url, story.manager, STAFF_PASSWORD)
    page.locator("tr.inbox-row").nth(4).wait_for()
    assert page.get_by_label("Status", exact=True).is_visible()
    assert page.locator(".filters-toggle > summary").is_hidden()
    assert page.get_by_role("columnheader", name="Customer").is_visible()
    assert header_lines(page) == 1
