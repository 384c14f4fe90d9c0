"""Script safety in a real Chromium: a complaint whose name, email, order number, description,
the staff question and the customer's answer carry script payloads is shown on the tracking
page, in the staff inbox, in the inbox search results (snippets with <mark>), and on the case
page. On every page the payload is visible as text, nothing of it became markup, and
`window.__pwned` stays undefined; our own pages raise no console error (so no CSP report).
Last, the payload is forced into the DOM as HTML on purpose: the CSP must stop it.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import ConsoleLog, LiveServer, log_in
from tests.services.outcomes_support import STAFF_PASSWORD, fast_staff

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
SVG = '"><svg onload=window.__pwned=1>'
LINK = '<a href="javascript:window.__pwned=1">click me</a>'
JS_URL = "javascript:window.__pwned=1"
NAME = f"Eve {SCRIPT}"
EMAIL = "eve'onfocus='window.__pwned=1'autofocus='@example.com"
ORDER = f"A-1{SVG}"
DESCRIPTION = f"zebrafinch {IMG} then {SVG} and {LINK} or {JS_URL} {SCRIPT}"
QUESTION = f"Please explain {IMG} {LINK}"
ANSWER = f"My answer {SVG} {SCRIPT} {JS_URL}"

#: Anything that would show a payload became markup (our own pages have none of these).
MARKUP = (
    "script:not([src]), svg, img[src='x'], [onload], [onerror], [onfocus], [autofocus], "
    "a[href^='javascript:' i]"
)


def visit(page: Any, url: str) -> None:
    """Open `url` and check the strict CSP came with it."""
    response = page.goto(url)
    assert response is not None and response.ok, url
    assert_strict_csp(response.headers.get("content-security-policy", ""))


def assert_strict_csp(policy: str) -> None:
    """Scripts only from our own origin: no inline script, no eval, no inline handlers."""
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives.get("script-src") == "'self'", policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def assert_inert(page: Any, *texts: str) -> None:
    """Each text is shown as text; no payload ran or became an element."""
    shown = page.locator("main").inner_text()
    for text in texts:
        assert text in shown, f"{text!r} is not shown as text on {page.url}"
    assert page.evaluate("typeof window.__pwned") == "undefined", page.url
    assert page.locator(MARKUP).count() == 0, page.url
    # The address stays one whole attribute value of its mailto: link (staff pages).
    for link in page.locator("a[href^='mailto:']").all():
        href = link.get_attribute("href") or ""
        assert href == f"mailto:{EMAIL}" or "pwned" not in href, href


def submit(page: Any, base: str) -> str:
    """The payloads go in through the real complaint form; returns the reference code."""
    visit(page, f"{base}/complaints/new")
    page.get_by_label("Name", exact=True).fill(NAME)
    page.get_by_label("Email", exact=True).fill(EMAIL)
    page.get_by_label("Order number", exact=True).fill(ORDER)
    page.get_by_label("Category", exact=True).select_option("other")
    page.get_by_label("Description", exact=True).fill(DESCRIPTION)
    page.get_by_role("button", name="Send complaint").click()
    page.wait_for_url(re.compile(r"/complaints/submitted$"))
    assert_inert(page, EMAIL)
    return str(page.locator("#reference-code").inner_text().strip())


def track(page: Any, base: str, code: str) -> None:
    """The tracking page, opened with the code and the (payload) email address."""
    visit(page, f"{base}/track")
    page.get_by_label("Reference code", exact=True).fill(code)
    page.get_by_label("Email", exact=True).fill(EMAIL)
    page.get_by_role("button", name="Show my complaint").click()
    page.wait_for_url(re.compile(r"/track/case$"))
    assert_inert(page, DESCRIPTION, ORDER)


def staff_inbox_and_search(page: Any, base: str) -> None:
    """The inbox row shows the name; a search shows the payload in a highlighted snippet."""
    visit(page, f"{base}/staff/")
    assert_inert(page, NAME)
    page.get_by_label("Search", exact=True).press_sequentially("zebrafinch")
    page.wait_for_url(re.compile(r"q=zebrafinch"))
    snippet = page.locator(".snippet").first
    snippet.wait_for()
    assert snippet.locator("mark").first.inner_text().lower() == "zebrafinch"
    assert IMG in snippet.inner_text()
    assert_inert(page, NAME)


def staff_case_asks(page: Any, code: str) -> None:
    """The case page shows everything as text; "Request information" with a payload question."""
    page.get_by_role("link", name=code, exact=True).click()  # the search result
    page.locator(".case-title").wait_for()
    assert_inert(page, NAME, EMAIL, ORDER, DESCRIPTION)
    page.get_by_text("Request information", exact=True).first.click()
    page.get_by_label("What do you need from the customer?").fill(QUESTION)
    page.get_by_role("button", name="Request information").click()
    page.get_by_text("Your request was sent.", exact=False).wait_for()
    assert_inert(page, QUESTION, DESCRIPTION)


def customer_answers(page: Any) -> None:
    """The question is shown as text; the answer (a payload too) is sent with htmx."""
    visit(page, page.url)
    assert_inert(page, QUESTION, DESCRIPTION, ORDER)
    page.get_by_label("Your answer", exact=True).fill(ANSWER)
    page.get_by_role("button", name="Send answer").click()
    page.get_by_text("Thank you, we have received your answer.").wait_for()
    assert_inert(page, ANSWER, QUESTION, DESCRIPTION)


def csp_stops_forced_payload(page: Any, console: ConsoleLog) -> None:
    """Put the payloads into the page as HTML (as a templating bug would): the CSP blocks them."""
    assert console.errors == []  # nothing so far: our own pages never trip the CSP
    blocked = page.evaluate(
        """(html) => new Promise((resolve) => {
            const seen = [];
            document.addEventListener("securitypolicyviolation", (e) => {
                seen.push(e.effectiveDirective);
                if (seen.length === 2) resolve(seen.sort());
            });
            const box = document.createElement("div");
            box.innerHTML = html;  // <img onerror> fails to load, its handler is inline
            document.body.append(box);
            const script = document.createElement("script");
            script.textContent = "window.__pwned = 1";
            document.body.append(script);
        })""",
        IMG + SCRIPT,
    )
    assert blocked == ["script-src-attr", "script-src-elem"]
    assert page.evaluate("typeof window.__pwned") == "undefined"
    page.wait_for_timeout(100)  # let the console report arrive
    forced = [e for e in console.errors if "Content Security Policy" in e]
    assert len(forced) >= 2
    rest = [e for e in console.errors if e not in forced]
    assert all("404" in e for e in rest), rest  # only the payload's <img src=x>
    console.errors.clear()


@pytest.mark.browser
def test_payloads_stay_text_everywhere(
    live_server: LiveServer, open_page: Any, watch_console: ConsoleLog
) -> None:
    base = live_server.url
    with live_server.app.app_context():
        agent = fast_staff("agent").email

    customer = open_page()
    code = submit(customer, base)
    track(customer, base, code)

    staff = open_page()
    log_in(staff, base, agent, STAFF_PASSWORD)
    staff_inbox_and_search(staff, base)
    staff_case_asks(staff, code)

    customer_answers(customer)
    visit(staff, staff.url)
    assert_inert(staff, ANSWER, QUESTION, DESCRIPTION, NAME, ORDER)
    assert code in staff.locator(".case-title").inner_text()

    csp_stops_forced_payload(customer, watch_console)
