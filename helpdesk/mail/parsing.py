"""Reading one RFC 822 message as the helpdesk needs it, tolerating broken MIME, odd charsets
and missing headers: sender, subject, body text, attachments, and whether a robot sent it."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message
from email.utils import parseaddr
from pathlib import PurePosixPath, PureWindowsPath

from .text import clean_text, html_to_text

_ADDRESS = re.compile(r"^[^@\s<>\"(),;:]+@[^@\s<>\"(),;:]+\.[^@\s<>\"(),;:]+$")
_MESSAGE_ID = re.compile(r"^<[^<>\s]{1,250}>$")
_BOUNCE_SENDERS = frozenset({"mailer-daemon", "postmaster"})
_PRECEDENCE = frozenset({"bulk", "junk", "list", "auto_reply"})
_EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
}


@dataclass(frozen=True)
class ParsedEmail:
    """What an incoming message says, as plain values."""

    message_id: str
    from_name: str
    from_addr: str
    subject: str
    body: str
    content_language: str = ""
    attachments: list[tuple[str, bytes]] = field(default_factory=list)
    automatic: str | None = None  # why a robot sent it (auto-reply, bounce, list), else None


#: Real mail nests a few levels (a forward of a reply with an attachment); deeper is an attack.
MAX_DEPTH = 40
#: Larger than any message we would accept (5 attachments of 10 MB, encoded, and text).
MAX_BYTES = 80 * 1024 * 1024


class UnreadableEmail(ValueError):
    """A message that can never be taken in, however often it is tried (quarantine it)."""


def parse_email(raw: bytes) -> ParsedEmail:
    """Parse `raw`: missing or broken parts come back empty; raises UnreadableEmail only for
    a message no retry can help (too large, MIME parts nested deeper than MAX_DEPTH)."""
    if len(raw) > MAX_BYTES:
        raise UnreadableEmail(f"larger than {MAX_BYTES // 1024 // 1024} MB")
    try:
        message = message_from_bytes(raw, policy=policy.default)
    except RecursionError:
        raise UnreadableEmail("MIME structure too deep to parse") from None
    parts = mime_parts(message)
    from_name, from_addr = _sender(message)
    body_part = _body_part(parts)
    return ParsedEmail(
        message_id=_message_id(message, raw),
        from_name=from_name,
        from_addr=from_addr,
        subject=" ".join(clean_text(header(message, "Subject")).split())[:300],
        body=_body_text(body_part) if body_part is not None else "",
        content_language=header(message, "Content-Language"),
        attachments=_attachments(parts, body_part),
        automatic=_automatic(message, from_addr),
    )


def header(message: Message, name: str) -> str:
    """A header's decoded value; its raw text when the parser trips over it; '' when missing."""
    try:
        value = message.get(name)
    except Exception:  # noqa: BLE001 — the stdlib header parser raises almost anything
        return _raw_header(message, name)
    return "" if value is None else str(value)


def _raw_header(message: Message, name: str) -> str:
    """The header's text as it came, without decoding (for headers the parser cannot read)."""
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return str(value)
    return ""


def _sender(message: Message) -> tuple[str, str]:
    """(display name, address) from From, else Sender; address "" when unusable."""
    for name in ("From", "Sender"):
        display, address = parseaddr(header(message, name))
        address = address.strip()
        if _ADDRESS.match(address) and len(address) <= 320:
            return " ".join(clean_text(display).split())[:200], address
    return "", ""


def _message_id(message: Message, raw: bytes) -> str:
    """The Message-ID, or a stable stand-in from the content so a repeat is still recognised."""
    value = header(message, "Message-ID").strip()
    if _MESSAGE_ID.match(value):
        return value
    basis = value.encode("utf-8", "replace") if value else raw
    return f"<{hashlib.sha256(basis).hexdigest()[:40]}@ingest.invalid>"


def _is_attachment(part: Message) -> bool:
    try:
        disposition = part.get_content_disposition()
        return disposition == "attachment" or bool(part.get_filename())
    except Exception:  # noqa: BLE001 — unreadable MIME headers: treat the part as text
        return False


def mime_parts(message: Message) -> list[Message]:
    """Every part in the order Message.walk() gives, without its recursion (a crafted
    message nested 1,000 levels deep made walk() raise RecursionError); raises
    UnreadableEmail for parts nested deeper than MAX_DEPTH."""
    found: list[Message] = []
    stack: list[tuple[Message, int]] = [(message, 0)]
    while stack:
        part, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise UnreadableEmail(f"MIME parts nested deeper than {MAX_DEPTH} levels")
        found.append(part)
        children = part.get_payload() if part.is_multipart() else None
        if isinstance(children, list):
            stack.extend((c, depth + 1) for c in reversed(children) if isinstance(c, Message))
    return found


def _body_part(parts: list[Message]) -> Message | None:
    """The text/plain part to read, else the text/html one."""
    plain = html = None
    for part in parts:
        if part.is_multipart() or _is_attachment(part):
            continue
        kind = part.get_content_type()
        if kind == "text/plain" and plain is None:
            plain = part
        elif kind == "text/html" and html is None:
            html = part
    return plain or html


def _payload(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001 — an undecodable part is an empty one
        return b""
    return data if isinstance(data, bytes) else b""


def _body_text(part: Message) -> str:
    """Decoded text of the body part (unknown or wrong charsets degrade to replacement chars)."""
    data = _payload(part)
    try:
        text = data.decode(part.get_content_charset() or "utf-8", "replace")
    except (LookupError, ValueError, TypeError):  # unknown or malformed charset name
        text = data.decode("utf-8", "replace")
    if part.get_content_type() == "text/html":
        text = html_to_text(text)
    return clean_text(text).strip()


def _attachments(parts: list[Message], body_part: Message | None) -> list[tuple[str, bytes]]:
    """(safe file name, bytes) of every part that is a file; the chosen body is not one."""
    found: list[tuple[str, bytes]] = []
    for index, part in enumerate(parts, start=1):
        if part is body_part or part.is_multipart() or not _is_attachment(part):
            continue
        data = _payload(part)
        if data:
            found.append((_filename(part, index), data))
    return found


def _filename(part: Message, index: int) -> str:
    """A plain base name (no folders, no control characters), invented when missing."""
    try:
        name = part.get_filename() or ""
    except Exception:  # noqa: BLE001 — an unreadable name gets an invented one
        name = ""
    name = PureWindowsPath(PurePosixPath(clean_text(name)).name).name.strip()
    if not name or name in (".", ".."):
        name = f"attachment-{index}{_EXTENSIONS.get(part.get_content_type(), '')}"
    return name[-200:]


def _automatic(message: Message, from_addr: str) -> str | None:
    """Why this message must not be answered with a new complaint (mail loops), or None."""
    auto = header(message, "Auto-Submitted").strip().lower()
    if auto and not auto.startswith("no"):
        return f"Auto-Submitted: {auto}"
    precedence = header(message, "Precedence").strip().lower()
    if precedence in _PRECEDENCE:
        return f"Precedence: {precedence}"
    if "Return-Path" in message and header(message, "Return-Path").strip() in ("", "<>"):
        return "bounce (empty Return-Path)"
    if from_addr.partition("@")[0].lower() in _BOUNCE_SENDERS:
        return f"bounce (from {from_addr})"
    if message.get_content_type() == "multipart/report":
        return "delivery or read report"
    if header(message, "X-Autoreply") or header(message, "X-Autorespond"):
        return "auto-reply"
    if header(message, "List-Id") or header(message, "List-Unsubscribe"):
        return "mailing list"
    return None
