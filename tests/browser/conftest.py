"""Browser tests: the app served by a real HTTP server in a thread, and Debian's Chromium
driven by Playwright (pytest-playwright's `page`/`new_context`, launched from /usr/bin/chromium).

Use `live_server` (its `.url` and `.app`) and override `live_server_config` in a test module
to change settings (e.g. the SMTP server). Every page opened through `watch_console` records
console errors and uncaught exceptions, so a test can assert the page ran cleanly under the CSP.
`open_page()` gives such a page in a fresh context (a person of their own); `log_in`,
`deliver_mail`, `Mailbox` and `tracking_link` cover staff logins and the emails of a story.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from tests.conftest import free_port, make_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything in this folder is a browser test."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch Debian's Chromium (Playwright cannot download its own here)."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium to run browser tests"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture
def live_server_config() -> dict[str, Any]:
    """Override in a test module to change the live app's settings."""
    return {}


@dataclass
class LiveServer:
    """A running server: its base URL and the app (for app contexts in the test)."""

    url: str
    app: Flask
    server: BaseWSGIServer
    thread: threading.Thread = field(repr=False)


def _whole_bodies(app: Flask) -> Any:
    """The app with each answer's body read whole (and its iterable closed) before it is sent.

    Werkzeug's development server does not close a response's iterable when the browser
    hangs up in the middle of it (say, a page left while its favicon was on its way): the
    open file of a static answer then raises an unraisable ResourceWarning, an error under
    the suite's filterwarnings. gunicorn closes it; only this test server needs the help."""

    def serve(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        answer = app(environ, start_response)
        try:
            return [b"".join(answer)]
        finally:
            if hasattr(answer, "close"):
                answer.close()

    return serve


@pytest.fixture
def live_server(
    tmp_path: Path, make_database: Callable[[], str], live_server_config: dict[str, Any]
) -> Iterator[LiveServer]:
    """The app on a fresh migrated database (the suite's), served over HTTP on a free port,
    CSRF on."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings = {"WTF_CSRF_ENABLED": True, "BASE_URL": url, **live_server_config}
    app = make_app(tmp_path, make_database(), **settings)
    server = make_server("127.0.0.1", port, _whole_bodies(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url, app, server, thread)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        with app.app_context():
            from helpdesk.extensions import db

            db.engine.dispose()


@dataclass
class ConsoleLog:
    """Console errors and uncaught page exceptions seen by the pages being watched."""

    errors: list[str] = field(default_factory=list)

    def watch(self, page: Any) -> Any:
        """Record this page's problems; returns the page."""
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        return page

    def _console(self, message: Any) -> None:
        # The browser asks for /favicon.ico on its own; the app has none, and that is no error
        # of the page itself.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            self.errors.append(f"console: {message.text} ({message.location.get('url')})")


@pytest.fixture
def watch_console() -> ConsoleLog:
    """Collects console errors of the pages a test hands to `.watch(page)`."""
    return ConsoleLog()


# --- helpers for the lifecycle, script-safety and accessibility tests --------------------

#: What every page of these tests waits for at most (ms): generous for a loaded 2-core CI box.
TIMEOUT_MS = 10_000


@pytest.fixture
def open_page(new_context: Any, watch_console: ConsoleLog) -> Any:
    """open_page(): a page in a fresh browser context (own cookies), its console watched."""

    def create(**context_args: Any) -> Any:
        page = watch_console.watch(new_context(**context_args).new_page())
        page.set_default_timeout(TIMEOUT_MS)
        return page

    return create


def log_in(page: Any, base_url: str, email: str, password: str) -> None:
    """Log in at /staff/login through the form, as a person would, and land in the inbox."""
    page.goto(f"{base_url}/staff/login")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Inbox", exact=True).wait_for()
    # The heading shows before the deferred scripts have run: until htmx has processed
    # the page (at DOMContentLoaded), Enter in the search field submits the form as a
    # plain GET, with every empty filter in the URL (the CI failure of session 7).
    page.wait_for_load_state("load")


#: True once no htmx request has been in flight for five polls in a row (100 ms apart).
#: A browser runs overdue timers in the order they fell due, so a search still counting
#: down its typing delay (300 ms) starts before the later polls and resets the count.
_SETTLED = """() => {
  const busy = document.querySelector('.htmx-request') !== null;
  window.__idlePolls = busy ? 0 : (window.__idlePolls || 0) + 1;
  return window.__idlePolls >= 10;
}"""


def settle(page: Any) -> None:
    """Wait until htmx is idle: past the search field's typing delay (typing still counting
    down fires one more search) and with no request in flight. A test that clicks or
    navigates on before that races the last live search. Idle for a second (ten polls), not
    half of one: on a loaded CI machine the search field's 300 ms timer fired after half a
    second of idle, and the next navigation aborted that search (htmx:sendAbort)."""
    page.evaluate("window.__idlePolls = 0")
    page.wait_for_function(_SETTLED, polling=100)


def deliver_mail(server: LiveServer) -> None:
    """Drain the outbox over SMTP now (what `flask mail send` does)."""
    with server.app.app_context():
        from helpdesk.mail.sender import send_pending

        report = send_pending()
    assert report.error is None and report.failed == 0, report.summary()


class Mailbox:
    """The messages one address received on the test's SMTP server, read one at a time."""

    def __init__(self, smtp: Any, address: str) -> None:
        self.smtp = smtp
        self.address = address
        self.read = 0

    def mine(self) -> list[Any]:
        """Every message sent to this address so far."""
        return [m for m in self.smtp.messages if self.address in str(m["To"])]

    def next(self, timeout: float = 5.0) -> Any:
        """The next unread message to this address (fails when none arrives in time)."""
        deadline = time.monotonic() + timeout
        while len(self.mine()) <= self.read and time.monotonic() < deadline:
            time.sleep(0.02)
        messages = self.mine()
        assert len(messages) > self.read, f"no new email to {self.address}"
        self.read += 1
        return messages[self.read - 1]


def mail_text(message: Any) -> str:
    """The plain-text body of an email."""
    return str(message.get_body(preferencelist=("plain",)).get_content())


def tracking_link(message: Any) -> str:
    """The personal tracking link in one of our emails."""
    found = re.search(r"http://127\.0\.0\.1:\d+/track/link/\S+", mail_text(message))
    assert found is not None, mail_text(message)
    return found.group(0)
