"""The mail server of bench/under_fire.py: a real aiosmtpd server in the bench process that
accepts every message and records it, except during a refusal window, when it answers each
transaction with a temporary refusal, in turn `421` to MAIL FROM (the server is closing the
connection) and `451` to RCPT TO (a local problem): the two ways a real relay says "not now".
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from typing import Any

REFUSE_MAIL = "421 4.3.2 Service shutting down, try again later"
REFUSE_RCPT = "451 4.3.0 Local problem, try again later"


@dataclass(frozen=True)
class Received:
    """One message the server accepted."""

    at: float  # time.monotonic()
    to: tuple[str, ...]
    message_id: str
    subject: str


@dataclass
class RefusingSink:
    """The handler: accepts and records, or refuses while `window` (monotonic start, end)
    says so."""

    port: int
    window: tuple[float, float] = (0.0, 0.0)
    received: list[Received] = field(default_factory=list)
    refused: dict[str, int] = field(default_factory=lambda: {"421 MAIL": 0, "451 RCPT": 0})
    _turn: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def url(self) -> str:
        """HELPDESK_SMTP_URL for it."""
        return f"smtp://127.0.0.1:{self.port}"

    def refusing(self) -> bool:
        """True inside the refusal window."""
        return self.window[0] <= time.monotonic() < self.window[1]

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, mail_options: Any
    ) -> str:
        if self.refusing():
            with self._lock:
                self._turn += 1
                session.refuse_rcpt = self._turn % 2 == 0
                if not session.refuse_rcpt:
                    self.refused["421 MAIL"] += 1
                    return REFUSE_MAIL
        else:
            session.refuse_rcpt = False
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if getattr(session, "refuse_rcpt", False):
            with self._lock:
                self.refused["451 RCPT"] += 1
            return REFUSE_RCPT
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append(
            Received(
                time.monotonic(),
                tuple(envelope.rcpt_tos),
                str(message.get("Message-ID", "")).strip(),
                str(message.get("Subject", "")),
            )
        )
        return "250 OK"


@contextmanager
def serving(sink: RefusingSink) -> Iterator[RefusingSink]:
    """The aiosmtpd server answering with `sink` on its port, stopped afterwards."""
    from aiosmtpd.controller import Controller

    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
