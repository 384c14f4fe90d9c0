"""Writing emails to the outbox inside the caller's transaction (sending is mail.sender's job),
and what operators need to look after it: counts, the unsent list, sending given-up ones again."""

from __future__ import annotations

from collections.abc import Sequence
from email.utils import make_msgid
from typing import TYPE_CHECKING, Any

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import func, select, update

from ..extensions import db
from ..models import OutboxEmail
from ..models.types import utcnow
from .html_part import html_part

if TYPE_CHECKING:
    from ..models import Complaint


def queue_email(
    *,
    kind: str,
    to: str,
    template: str,
    language: str,
    complaint: Complaint | None = None,
    attachments: list[dict[str, Any]] | None = None,
    **context: Any,
) -> OutboxEmail:
    """Render templates/email/<template>.txt in `language`, with an HTML part made from the
    text (outbox.html_part), and queue it.

    `attachments` name files made when the email is sent (mail.attachments), e.g. the
    customer's case file: [{"kind": "casefile", "variant": "customer"}].

    The template's first line is `Subject: …`; the rest is the body. No commit here: the
    email exists exactly when the change that caused it does.
    """
    with force_locale(language):
        rendered = render_template(
            f"email/{template}.txt", complaint=complaint, language=language, **context
        )
    first, _, body = rendered.lstrip().partition("\n")
    if not first.lower().startswith("subject:"):
        raise ValueError(f"email/{template}.txt must start with 'Subject:'")
    subject, text = first.split(":", 1)[1].strip(), body.strip() + "\n"
    shop = str(current_app.config["SHOP_NAME"])
    html = html_part(subject=subject, text=text, language=language, shop_name=shop)
    domain = current_app.config["MAIL_FROM"].rpartition("@")[2] or "helpdesk.local"
    email = OutboxEmail(
        complaint=complaint,
        kind=kind,
        language=language,
        to_addr=to,
        subject=subject,
        body_text=text,
        body_html=html,
        attachments=attachments or None,
        message_id=make_msgid(domain=domain),
        created_at=utcnow(),
        next_attempt_at=utcnow(),
    )
    db.session.add(email)
    return email


def outbox_counts() -> dict[str, int]:
    """How many emails are waiting, sent and given up (failed)."""
    waiting = func.count().filter(OutboxEmail.sent_at.is_(None), OutboxEmail.failed_at.is_(None))
    row = db.session.execute(
        select(
            waiting,
            func.count(OutboxEmail.sent_at),
            func.count(OutboxEmail.failed_at),
        )
    ).one()
    return {"waiting": int(row[0]), "sent": int(row[1]), "failed": int(row[2])}


def list_unsent(limit: int = 50) -> list[OutboxEmail]:
    """Emails given up or still waiting, the given-up ones first, oldest first."""
    query = (
        select(OutboxEmail)
        .where(OutboxEmail.sent_at.is_(None))
        .order_by(OutboxEmail.failed_at.is_(None), OutboxEmail.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def requeue_values() -> dict[str, Any]:
    """What sending an email again resets: no longer given up, tried afresh, due now."""
    return {"failed_at": None, "attempts": 0, "next_attempt_at": utcnow()}


def requeue(ids: Sequence[int] = (), *, all_failed: bool = False) -> int:
    """Send given-up (or waiting) emails again at the next drain; returns how many (one commit)."""
    if not ids and not all_failed:
        return 0
    condition = OutboxEmail.id.in_(ids) if ids else OutboxEmail.failed_at.is_not(None)
    result = db.session.execute(
        update(OutboxEmail)
        .where(condition, OutboxEmail.sent_at.is_(None))
        .values(**requeue_values())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]
