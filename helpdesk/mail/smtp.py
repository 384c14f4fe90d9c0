"""The SMTP connection: settings from HELPDESK_SMTP_URL, one lazily opened session per drain.

Supported URLs:
- ``smtp://[user:pass@]host[:port]`` plain SMTP (port 25 unless given);
- ``smtp+starttls://[user:pass@]host[:port]`` upgraded with STARTTLS (port 587);
- ``smtps://[user:pass@]host[:port]`` implicit TLS from the first byte (port 465).
TLS certificates are verified against the system store (``SSL_CERT_FILE`` is honoured).
User and password are URL-decoded, so ``%40`` in a user name is an ``@``.
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from types import TracebackType
from urllib.parse import unquote, urlsplit

#: Seconds to wait for the server at any step (connect, greeting, each command).
DEFAULT_TIMEOUT = 10.0

_SCHEMES = {"smtp": ("plain", 25), "smtp+starttls": ("starttls", 587), "smtps": ("tls", 465)}


class SMTPConfigError(ValueError):
    """HELPDESK_SMTP_URL cannot be understood."""


@dataclass(frozen=True)
class SMTPSettings:
    """Where and how to deliver."""

    host: str
    port: int
    security: str  # plain | starttls | tls
    username: str | None = None
    password: str | None = None
    timeout: float = DEFAULT_TIMEOUT

    @property
    def display(self) -> str:
        """host:port and the security, never the password (for messages people read)."""
        return f"{self.host}:{self.port} ({self.security})"


def parse_smtp_url(url: str, *, timeout: float = DEFAULT_TIMEOUT) -> SMTPSettings:
    """Settings from an smtp://, smtp+starttls:// or smtps:// URL; raises SMTPConfigError."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise SMTPConfigError(f"invalid SMTP URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        raise SMTPConfigError(
            f"unsupported SMTP URL scheme {scheme!r}: use smtp, smtp+starttls or smtps"
        )
    if not parts.hostname:
        raise SMTPConfigError("the SMTP URL has no host")
    security, default_port = _SCHEMES[scheme]
    return SMTPSettings(
        host=parts.hostname,
        port=port or default_port,
        security=security,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        timeout=timeout,
    )


class SMTPConnection:
    """A session opened on first use and closed on exit; connection errors propagate."""

    def __init__(self, settings: SMTPSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SMTPConnection:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if s.security == "tls":
            smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        try:
            smtp.ehlo()
            if s.security == "starttls":
                smtp.starttls(context=context)
                smtp.ehlo()
            if s.username:
                smtp.login(s.username, s.password or "")
        except BaseException:
            _quietly_close(smtp)
            raise
        return smtp

    def send(self, message: EmailMessage, sender: str, recipient: str) -> None:
        """Deliver one message to one recipient (raises smtplib errors or OSError)."""
        if self._smtp is None:
            self._smtp = self._open()
        self._smtp.send_message(message, from_addr=sender, to_addrs=[recipient])

    def close(self) -> None:
        """QUIT politely; a dead connection is simply dropped."""
        if self._smtp is not None:
            smtp, self._smtp = self._smtp, None
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                _quietly_close(smtp)

    def reset(self) -> None:
        """Forget a connection that broke, so the next send opens a fresh one."""
        if self._smtp is not None:
            _quietly_close(self._smtp)
            self._smtp = None


def _quietly_close(smtp: smtplib.SMTP) -> None:
    with contextlib.suppress(OSError):
        smtp.close()
