"""The outbox: emails written in the same transaction as the change that causes them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from .complaint import Complaint


class OutboxEmail(db.Model):  # type: ignore[name-defined,misc]
    """An email waiting to go out (sent_at None) or sent; drained by `flask mail send`."""

    __tablename__ = "outbox_email"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id"), index=True)
    # acknowledgement | info_request | reply | outcome | final_response | review_received | ...
    kind: Mapped[str] = mapped_column(String(30))
    language: Mapped[str] = mapped_column(String(5), default="en")
    to_addr: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    # Files made when the email is sent, e.g. [{"kind": "casefile", "variant": "customer"}]
    # for the final response's case file (mail.attachments renders them).
    attachments: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    message_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    # Set when delivery was given up (a permanent refusal, repeated): never retried by itself.
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    complaint: Mapped[Complaint | None] = relationship()


class InboundEmail(db.Model):  # type: ignore[name-defined,misc]
    """An email as it arrived (the raw RFC 822 bytes in a file), kept as evidence.

    The evidence bundle carries it unchanged, so a mediator can check the original headers.
    """

    __tablename__ = "inbound_email"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id"), index=True)
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    complaint: Mapped[Complaint] = relationship(back_populates="inbound_emails")
