"""Flask-Babel's translations looked up once per request and locale, not once per gettext.

Flask-Babel's `Domain.get_translations` runs for every `gettext`, `lazy_gettext` string and
label a page shows: it finds the locale, formats it as a string (Babel builds the
identifier anew each time) and looks the catalogue up in a dictionary. A page calls it
dozens of times (docs/performance.md, "Profiles and fixes"). The patch keeps the answer on
the request's Flask-Babel context beside the locale it was found for: a different locale
object (a language switch, `force_locale`, `flask_babel.refresh`) or another domain looks
it up again, through Flask-Babel's own code.
"""

from __future__ import annotations

from typing import Any

import flask_babel

#: Flask-Babel's own method (kept for the tests and for uninstalling).
original_get_translations = flask_babel.Domain.get_translations
_MEMO = "helpdesk_translations"


def get_translations(self: flask_babel.Domain) -> Any:
    """`Domain.get_translations`, remembered for the context's current locale."""
    ctx = flask_babel._get_current_context()
    if ctx is None:
        return original_get_translations(self)
    locale = flask_babel.get_locale()
    memo = getattr(ctx, _MEMO, None)
    if memo is not None and memo[0] is locale and memo[1] is self:
        return memo[2]
    translations = original_get_translations(self)
    setattr(ctx, _MEMO, (locale, self, translations))
    return translations


def install() -> None:
    """Patch Flask-Babel's Domain (idempotent)."""
    flask_babel.Domain.get_translations = get_translations
