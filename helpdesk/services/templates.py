"""Outcome templates: the editable response text per kind and language, and filling it in.

Defaults (domain.outcome_texts) are written into the table when missing; managers edit them
with an optimistic version check, so a stale edit is refused instead of overwriting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..domain.final_texts import final_default_text
from ..domain.outcome_texts import default_text
from ..domain.outcomes import MAX_BODY, OutcomeKind, fill_placeholders, unknown_placeholders
from ..extensions import db
from ..models import Complaint, OutcomeTemplate, Staff
from ..models.types import utcnow
from .outcome_errors import NotAllowed, require_manager


class StaleTemplate(Exception):
    """Someone saved the template after the editor was opened."""


class TemplateInvalid(ValueError):
    """The text cannot be saved; `.message` is meant for the field."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


__all__ = [
    "NotAllowed",
    "StaleTemplate",
    "TemplateInvalid",
    "complaint_values",
    "download_link_note",
    "ensure_default_templates",
    "get_template",
    "list_templates",
    "prefill_final_text",
    "prefill_text",
    "preview_text",
    "update_template",
]


def languages() -> tuple[str, ...]:
    """The languages templates exist in (the app's languages)."""
    return tuple(current_app.config["LANGUAGES"])


def ensure_default_templates() -> int:
    """Write the default text for every missing kind and language; returns how many were added."""
    existing = {(t.kind, t.language) for t in db.session.scalars(select(OutcomeTemplate))}
    added = 0
    for kind in OutcomeKind:
        for language in languages():
            if (kind.value, language) in existing:
                continue
            db.session.add(
                OutcomeTemplate(
                    kind=kind.value, language=language, body=default_text(kind, language)
                )
            )
            added += 1
    if added:
        try:
            db.session.commit()
        except IntegrityError:
            # Another request wrote the same defaults at the same moment: theirs are identical.
            db.session.rollback()
            return 0
    return added


def list_templates() -> list[OutcomeTemplate]:
    """Every kind in every language, ordered by kind then language (defaults where unsaved)."""
    stored = {(t.kind, t.language): t for t in db.session.scalars(select(OutcomeTemplate))}
    return [
        stored.get((kind.value, language)) or _default(kind, language)
        for kind in OutcomeKind
        for language in languages()
    ]


def _default(kind: OutcomeKind, language: str) -> OutcomeTemplate:
    """The default text as an unsaved template (version 0: never saved).

    Reading never writes: a GET that shows a template must not change the database, so the
    defaults are only written by ensure_default_templates() (demo seed) or a manager's save.
    """
    return OutcomeTemplate(
        kind=kind.value, language=language, body=default_text(kind, language), version=0
    )


def get_template(kind: OutcomeKind, language: str) -> OutcomeTemplate:
    """The template of a kind in a language (English if that language is not configured)."""
    if language not in languages():
        language = "en"
    query = select(OutcomeTemplate).filter_by(kind=kind.value, language=language)
    return db.session.scalars(query).first() or _default(kind, language)


@dataclass(frozen=True)
class TemplateEdit:
    """A manager's new text for one template, with the version their editor showed."""

    body: str
    version_seen: int


def update_template(
    kind: OutcomeKind,
    language: str,
    edit: TemplateEdit,
    *,
    staff: Staff,
    now: datetime | None = None,
) -> OutcomeTemplate:
    """Save a new text (managers only); raises TemplateInvalid, StaleTemplate or NotAllowed."""
    require_manager(staff)
    body = edit.body.replace("\r\n", "\n").strip()
    check_template_body(body)
    template = get_template(kind, language)
    if template.version != edit.version_seen:
        raise StaleTemplate
    if template.id is None:  # the first save of this default: the row is made now
        template.version = None
        db.session.add(template)
    template.body = body
    template.updated_at = now or utcnow()
    template.updated_by_id = staff.id
    try:
        db.session.commit()
    except (StaleDataError, IntegrityError) as exc:
        # Saved by someone else between our read and our write: the version column (or, for
        # a first save, the unique kind+language) caught it.
        db.session.rollback()
        raise StaleTemplate from exc
    return template


def check_template_body(body: str) -> None:
    """Raise TemplateInvalid for an empty, too long or unknown-placeholder text."""
    if len(body) < 10:
        raise TemplateInvalid(_("Write a response text of at least 10 characters."))
    if len(body) > MAX_BODY:
        raise TemplateInvalid(_("The text may be at most %(count)d characters.", count=MAX_BODY))
    unknown = unknown_placeholders(body)
    if unknown:
        names = ", ".join("{" + key + "}" for key in unknown)
        raise TemplateInvalid(
            _("Unknown placeholder: %(names)s. Check the spelling against the list.", names=names)
        )


def complaint_values(complaint: Complaint) -> dict[str, str]:
    """The placeholders known from the complaint itself, in the complaint's language."""
    with force_locale(complaint.language):
        no_order = _("(no order number)")
    return {
        "name": complaint.name,
        "reference": complaint.display_reference,
        "shop": str(current_app.config["SHOP_NAME"]),
        "order_number": complaint.order_number or no_order,
    }


def prefill_text(kind: OutcomeKind, complaint: Complaint) -> str:
    """The template in the complaint's language with the complaint's own facts filled in.

    The kind's own placeholders ({amount}, {carrier}, …) stay visible: they are filled from
    the form's fields when the outcome is sent.
    """
    template = get_template(kind, complaint.language)
    return fill_placeholders(template.body, complaint_values(complaint))


def prefill_final_text(kind: OutcomeKind, complaint: Complaint) -> str:
    """The final response's default text (it follows the review: "After reviewing …") in the
    complaint's language, its own facts filled in and the kind's placeholders left visible."""
    language = complaint.language if complaint.language in languages() else "en"
    return fill_placeholders(final_default_text(kind, language), complaint_values(complaint))


SAMPLE_VALUES = {
    "name": "Jamie de Vries",
    "reference": "ABCD-EFGH-JKMN",
    "order_number": "NL-2026-004512",
    "amount": "€ 24,95",
    "carrier": "PostNL",
    "tracking_number": "3SABCD1234567",
    "items": "1 × Canvas tote bag, green",
}


def preview_text(body: str, language: str) -> str:
    """A text filled with sample values, as a customer would read it."""
    values = dict(SAMPLE_VALUES, shop=str(current_app.config["SHOP_NAME"]))
    values["download_link_note"] = download_link_note(language)
    return fill_placeholders(body, values)


def download_link_note(language: str) -> str:
    """The sentence that tells the customer where the replacement file's download link is."""
    days = int(current_app.config["DOWNLOAD_LINK_DAYS"])
    with force_locale(language):
        return str(
            _(
                "You can download it with the personal link in this email or on your complaint "
                "page; the link works for %(days)d days, and while your complaint is open, your "
                "complaint page offers a fresh one.",
                days=days,
            )
        )
