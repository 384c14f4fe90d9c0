"""Writing emails to the outbox inside the caller's transaction (sending is mail.sender's job)."""

from __future__ import annotations

from email.utils import make_msgid
from typing import TYPE_CHECKING, Any

from flask import current_app, render_template
from flask_babel import force_locale

from ..extensions import db
from ..models import OutboxEmail
from ..models.types import utcnow

if TYPE_CHECKING:
    from ..models import Complaint


def queue_email(
    *,
    kind: str,
    to: str,
    template: str,
    language: str,
    complaint: Complaint | None = None,
    **context: Any,
) -> OutboxEmail:
    """Render templates/email/<template>.txt (+ .html if present) in `language` and queue it.

    The template's first line is `Subject: …`; the rest is the body. No commit here: the
    email exists exactly when the change that caused it does.
    """
    with force_locale(language):
        rendered = render_template(
            f"email/{template}.txt", complaint=complaint, language=language, **context
        )
        html = _render_optional(f"email/{template}.html", complaint=complaint, **context)
    first, _, body = rendered.lstrip().partition("\n")
    if not first.lower().startswith("subject:"):
        raise ValueError(f"email/{template}.txt must start with 'Subject:'")
    domain = current_app.config["MAIL_FROM"].rpartition("@")[2] or "helpdesk.local"
    email = OutboxEmail(
        complaint=complaint,
        kind=kind,
        language=language,
        to_addr=to,
        subject=first.split(":", 1)[1].strip(),
        body_text=body.strip() + "\n",
        body_html=html,
        message_id=make_msgid(domain=domain),
        created_at=utcnow(),
        next_attempt_at=utcnow(),
    )
    db.session.add(email)
    return email


def _render_optional(template: str, **context: Any) -> str | None:
    loader = current_app.jinja_env.loader
    if loader is None:
        return None
    try:
        loader.get_source(current_app.jinja_env, template)
    except Exception:  # noqa: BLE001 — no HTML version of this email
        return None
    return render_template(template, **context)
