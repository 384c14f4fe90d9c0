"""An outcome in plain words, for the panels of both sides (the staff case page and the
customer's case page): its facts (refund, items, carrier, file) and, for staff only, its
root cause."""

from __future__ import annotations

from flask_babel import gettext as _

from ..models import Outcome
from ..services.root_causes import label as root_cause_words
from ..web import select_locale_cached
from ..words.numbers import euros_in


def outcome_facts(outcome: Outcome, language: str | None = None) -> list[tuple[str, str]]:
    """The facts of an outcome in plain words: (label, value) pairs."""
    language = language or select_locale_cached()
    facts: list[tuple[str, str]] = []
    data = outcome.data or {}
    if outcome.amount_cents is not None:
        how = _("full refund") if data.get("full") else _("partial refund")
        facts.append((_("Refund"), f"{euros_in(outcome.amount_cents, language)} ({how})"))
    for key, label in (
        ("items", _("Items sent")),
        ("carrier", _("Carrier")),
        ("tracking_number", _("Tracking number")),
    ):
        if data.get(key):
            facts.append((label, str(data[key])))
    if outcome.attachment is not None:
        facts.append((_("Replacement file"), outcome.attachment.original_name))
    return facts


def outcome_root_cause(outcome: Outcome) -> list[tuple[str, str]]:
    """Why it happened, for staff: the root cause and its note as (label, value) pairs."""
    cause = outcome.root_cause
    if cause is None:
        return []
    facts = [(_("Root cause"), root_cause_words(cause))]
    if outcome.root_cause_note:
        facts.append((_("Root cause note"), outcome.root_cause_note))
    return facts
