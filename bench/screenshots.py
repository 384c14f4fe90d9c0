"""Screenshots of the pages a shop judges the helpdesk by, at a laptop's and a phone's width.

The inbox, the inbox searching, a case page and the complaint form, each at 1366 px and at
390 px wide, as PNG files in docs/screenshots/ (the inbox and the case page as the first
screen shows them; the form whole). The app runs on a fresh SQLite database in a temporary
folder with the demo data (`flask demo seed`: 60 complaints, seed 42), served by Werkzeug on
127.0.0.1; Debian's Chromium is driven by Playwright, logged in as the demo manager (the
widest header). Each page's width is checked on the way: a page wider than its window is
reported and the script exits 1.

    .venv/bin/python bench/screenshots.py [--out DIR] [--lang en|nl]
"""

from __future__ import annotations

import argparse
import logging
import socket
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
SIZES = {"1366": {"width": 1366, "height": 900}, "390": {"width": 390, "height": 844}}
SEARCH = {"en": "refund", "nl": "pakket"}


def build_app(folder: Path) -> Flask:
    """A migrated app on a SQLite file in `folder`, with the demo data."""
    from flask_migrate import upgrade

    from helpdesk import create_app
    from helpdesk.demo.seeding import seed_demo

    data = folder / "data"
    app = create_app(
        {
            "SECRET_KEY": "screenshots-only",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'helpdesk.sqlite3'}",
            "DATA_DIR": str(data),
            "UPLOAD_DIR": str(data / "uploads"),
            "RAW_EMAIL_DIR": str(data / "raw-email"),
            "SEARCH_INDEX_DIR": str(data / "search-index"),
            "SEARCH_INDEX_INLINE": True,
            "RATELIMIT_ENABLED": False,
            "SMTP_URL": "smtp://127.0.0.1:9",
        }
    )
    with app.app_context():
        upgrade()
        seed_demo(60, seed=42)
    return app


def busiest_open_case(app: Flask) -> str:
    """The reference of the open complaint with the longest thread (a case page worth seeing)."""
    from sqlalchemy import func, select

    from helpdesk.extensions import db
    from helpdesk.models import Complaint, Message
    from helpdesk.models.complaint import OPEN_STATUSES

    with app.app_context():
        reference = db.session.scalar(
            select(Complaint.reference)
            .join(Message, Message.complaint_id == Complaint.id)
            .where(Complaint.status.in_(OPEN_STATUSES))
            .group_by(Complaint.id)
            .order_by(func.count(Message.id).desc(), Complaint.id)
            .limit(1)
        )
    assert reference is not None, "the demo data has no open complaint"
    return str(reference)


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """The app on a free port of 127.0.0.1, in a thread; yields its base URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request is noise
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def overflow(page: Any) -> int:
    """How many pixels the page is wider than its window (0 when it fits)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def save(page: Any, out: Path, name: str, problems: list[str], full: bool = False) -> None:
    """One screenshot of the settled page as `name`.png; a line in `problems` if too wide."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => document.getAnimations().length === 0")
    width = page.viewport_size["width"]
    if (wider := overflow(page)) > 0:
        problems.append(f"{name}: {wider} px wider than the window ({width} px)")
    path = out / f"{name}.png"
    page.screenshot(path=str(path), full_page=full)
    print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def shoot(base: str, out: Path, reference: str, lang: str) -> list[str]:
    """Every screenshot at both widths; one line per page wider than its window."""
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    suffix = "" if lang == "en" else f"-{lang}"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size, viewport in SIZES.items():
            phone = viewport["width"] < 600
            context = browser.new_context(
                viewport=viewport,
                device_scale_factor=2 if phone else 1,
                is_mobile=phone,
                has_touch=phone,
                locale="nl-NL" if lang == "nl" else "en-GB",
            )
            page = context.new_page()
            page.goto(f"{base}/complaints/new?lang={lang}")
            save(page, out, f"submit-form{suffix}-{size}", problems, full=True)
            page.goto(f"{base}/staff/login?lang={lang}")
            page.get_by_label("Email" if lang == "en" else "E-mail", exact=True).fill(
                "manager@demo.example"
            )
            page.locator("input[type=password]").fill("demo-manager-password")
            page.locator("main form button[type=submit]").click()
            page.wait_for_url(f"{base}/staff/**")
            page.goto(f"{base}/staff/")
            save(page, out, f"inbox{suffix}-{size}", problems)
            page.locator("#inbox-q").fill(SEARCH[lang])
            page.wait_for_selector(".snippet-row")
            save(page, out, f"inbox-search{suffix}-{size}", problems)
            page.goto(f"{base}/staff/complaints/{reference}")
            save(page, out, f"case{suffix}-{size}", problems)
            context.close()
        browser.close()
    return problems


def main() -> int:
    """Build, serve, shoot; 1 when a page was wider than its window."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--lang", choices=("en", "nl"), default="en")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="helpdesk-screenshots-") as tmp:
        app = build_app(Path(tmp))
        reference = busiest_open_case(app)
        with serving(app) as base:
            problems = shoot(base, args.out.resolve(), reference, args.lang)
    for line in problems:
        print(f"overflow: {line}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
