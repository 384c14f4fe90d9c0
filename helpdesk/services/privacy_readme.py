"""The README.txt of a personal-data export: what each part of the ZIP holds, in plain words
and in the language of the person's latest complaint, with the moment of the export written
the way that language writes it, and how long the shop keeps the data (read from the
settings, like the /privacy page). The text is templates/export/privacy_readme.txt."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask import current_app, render_template
from flask_babel import force_locale, gettext

from ..words.dates import day_time

if TYPE_CHECKING:
    from .privacy_data import PersonData


def readme_language(person: PersonData) -> str:
    """The language of the latest complaint from this address; the shop's default without one."""
    config = current_app.config
    languages = config["LANGUAGES"]
    complaints = sorted(person.data["complaints"], key=lambda c: str(c.get("created_at") or ""))
    if complaints and complaints[-1].get("language") in languages:
        return str(complaints[-1]["language"])
    return str(config.get("BABEL_DEFAULT_LOCALE") or languages[0])


def readme_text(person: PersonData) -> str:
    """README.txt for this export."""
    with force_locale(readme_language(person)):
        return render_template("export/privacy_readme.txt", **_words(person))


def _words(person: PersonData) -> dict[str, str]:
    config = current_app.config
    data = person.data
    notes = (
        gettext("notes our staff wrote about the complaint")
        if data["internal_notes_included"]
        else gettext(
            "left out of this export (they would reveal other people's data or our legal defence)"
        )
    )
    retention = config.get("RETENTION_DAYS")
    retention_text = (
        gettext(
            "A closed complaint is anonymised %(days)s days after it was closed: what stays "
            "(category, dates, outcome kind) can no longer be linked to you.",
            days=retention,
        )
        if retention is not None
        else gettext("A closed complaint is kept until you ask us to erase it.")
    )
    hold_text = gettext(
        "We keep a complaint at least %(days)s days after our last answer and while a dispute "
        "body handles it, because you (or we) may still need it then.",
        days=config["LEGAL_HOLD_DAYS"],
    )
    return {
        "shop": config["SHOP_NAME"],
        "exported_on": day_time(datetime.fromisoformat(str(data["generated_at"]))),
        "email": person.email,
        "notes": notes,
        "retention": retention_text,
        "hold": hold_text,
        "complaints_address": config["SHOP_COMPLAINTS_EMAIL"],
    }
