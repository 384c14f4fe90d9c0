"""Fixtures for the mail tests: complaints made through the real service, outbox rows, SMTP
servers that refuse some recipients or speak TLS, and .eml bytes built with EmailMessage."""

from __future__ import annotations

import shutil
import ssl
import subprocess
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from helpdesk.extensions import db
from helpdesk.models import Complaint, OutboxEmail
from helpdesk.models.types import utcnow
from helpdesk.services.submission import NewComplaint, submit_complaint
from tests.conftest import RefusingSink, free_port, serving


@pytest.fixture
def new_complaint(app: Flask) -> Callable[..., Complaint]:
    """Submit a complaint through the real service: new_complaint(email=..., language=...)."""

    def create(email: str = "anna@example.com", **fields: Any) -> Complaint:
        data = {
            "name": "Anna de Vries",
            "email": email,
            "order_number": None,
            "category": "digital",
            "description": "The download link gives an error.",
        }
        data.update(fields)
        return submit_complaint(NewComplaint(**data))

    return create


@pytest.fixture
def queue_row(app: Flask) -> Callable[..., OutboxEmail]:
    """Put one email straight into the outbox (no complaint unless given)."""

    def create(to: str = "anna@example.com", **fields: Any) -> OutboxEmail:
        now = utcnow()
        values: dict[str, Any] = {
            "kind": "reply",
            "language": "en",
            "to_addr": to,
            "subject": "About your complaint",
            "body_text": "Hello,\nhere is our answer.\n",
            "message_id": f"<{uuid.uuid4().hex}@shop.example>",
            "created_at": now,
            "next_attempt_at": now,
        }
        values.update(fields)
        row = OutboxEmail(**values)
        db.session.add(row)
        db.session.commit()
        return row

    return create


@pytest.fixture
def refusing_server() -> Iterator[RefusingSink]:
    """A real aiosmtpd server that refuses some recipients."""
    with serving(RefusingSink(free_port())) as sink:
        yield sink


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key, made with the openssl tool."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def server_tls_context(tls_files: tuple[Path, Path]) -> ssl.SSLContext:
    """The TLS context the test SMTP server presents."""
    cert, key = tls_files
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    return context


def eml(
    body: str = "My download does not work.",
    *,
    sender: str = "Jan Jansen <jan@example.nl>",
    subject: str = "Problem with my order",
    message_id: str | None = "<m1@mail.example.nl>",
    headers: dict[str, str] | None = None,
    html: str | None = None,
    charset: str = "utf-8",
    attachments: tuple[tuple[str, bytes, str], ...] = (),
) -> bytes:
    """Real RFC 822 bytes built with EmailMessage."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "info@iopro.nl"
    message["Subject"] = subject
    message["Date"] = "Tue, 24 Nov 2026 10:00:00 +0100"
    if message_id:
        message["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        message[name] = value
    if body is not None:
        message.set_content(body, charset=charset)
    if html is not None:
        if body:
            message.add_alternative(html, subtype="html")
        else:
            message.set_content(html, subtype="html")
    for filename, data, content_type in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


def png_bytes() -> bytes:
    """A small real PNG made with Pillow."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def at(text: str) -> datetime:
    """An aware UTC moment from ISO text."""
    return datetime.fromisoformat(text)
