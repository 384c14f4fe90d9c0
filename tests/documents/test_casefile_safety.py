"""Nothing in user content makes WeasyPrint fetch or embed anything: a canary HTTP server on
127.0.0.1 must receive no request, and the PDF must hold no embedded file."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from flask import Flask
from pypdf import PdfReader

from helpdesk.documents.casefile import case_file_pdf
from helpdesk.documents.pdf import render_pdf
from helpdesk.services.casefile import load_case_file
from helpdesk.services.customer import add_customer_message
from helpdesk.services.submission import NewComplaint, Upload, submit_complaint
from tests.services.outcomes_support import png_bytes


class Canary:
    """An HTTP server that answers everything and remembers every path asked for."""

    def __init__(self) -> None:
        seen = self.requests = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                seen.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.end_headers()
                self.wfile.write(png_bytes())

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def canary() -> Iterator[Canary]:
    server = Canary()
    yield server
    server.close()


def payloads(port: int, secret: Path) -> list[str]:
    """Every way we know of asking a renderer to fetch or embed something."""
    base = f"http://127.0.0.1:{port}"
    return [
        f'<img src="{base}/img.png">',
        f'<link rel="stylesheet" href="{base}/style.css">',
        f'<link rel="attachment" href="file://{secret}">',
        f'<a rel="attachment" href="{base}/attach.bin">x</a>',
        f"<style>@import url({base}/import.css); body {{ background: url({base}/bg.png) }}</style>",
        f'<div style="background-image: url({base}/inline.png)">x</div>',
        f'<object data="{base}/object.pdf"></object><embed src="{base}/embed.svg">',
        f'<iframe src="{base}/frame.html"></iframe><video poster="{base}/poster.png"></video>',
        '<img src="http://169.254.169.254/latest/meta-data/">',
        f'<img src="file://{secret}"><svg><image href="{base}/svg.png"/></svg>',
        f'<base href="{base}/"><img src="relative.png">',
    ]


def test_user_content_never_fetches_or_embeds(app: Flask, canary: Canary, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET CONTENT")
    hostile = "\n".join(payloads(canary.port, secret))
    complaint = submit_complaint(
        NewComplaint(
            name=f'Eve <img src="http://127.0.0.1:{canary.port}/name.png">',
            email="eve@example.com",
            order_number=f"<object data='file://{secret}'>",
            category="other",
            description=hostile,
        ),
        [Upload(f'"><img src="http://127.0.0.1:{canary.port}/file.png">.png', png_bytes())],
    )
    add_customer_message(complaint, hostile)
    for internal in (False, True):
        with app.test_request_context():
            case = load_case_file(complaint.reference, internal=internal)
            assert case is not None
            data = case_file_pdf(case)
        assert canary.requests == []
        assert b"/EmbeddedFile" not in data
        assert b"TOP SECRET" not in data
        reader = PdfReader(io.BytesIO(data))
        text = "".join(page.extract_text() for page in reader.pages)
        assert "TOP SECRET" not in text
        # The markup is shown as the text the customer typed.
        assert "<img" in text and "169.254.169.254" in text
        assert len(reader.attachments) == 0


def test_the_renderer_itself_refuses_every_foreign_url(
    app: Flask, canary: Canary, tmp_path: Path
) -> None:
    """The second wall: even markup that escaped escaping cannot reach out."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET CONTENT")
    static = Path(app.static_folder or "static") / "pdf"
    html = "<html><body><p>raw</p>" + "".join(payloads(canary.port, secret)) + "</body></html>"
    data = render_pdf(html, static_dir=static, stylesheet="casefile.css")
    assert canary.requests == []
    assert b"/EmbeddedFile" not in data
    assert b"TOP SECRET" not in data
    assert len(PdfReader(io.BytesIO(data)).attachments) == 0


def test_static_files_outside_the_pdf_folder_are_refused(app: Flask, canary: Canary) -> None:
    static = Path(app.static_folder or "static") / "pdf"
    html = (
        '<link rel="stylesheet" href="helpdesk-static:../css/app.css">'
        '<link rel="attachment" href="helpdesk-static:casefile.css">'
        '<img src="helpdesk-static:../../README.md"><p>x</p>'
    )
    data = render_pdf(html, static_dir=static, stylesheet="casefile.css")
    assert b"/EmbeddedFile" not in data
    assert b"Complaints helpdesk" not in data
