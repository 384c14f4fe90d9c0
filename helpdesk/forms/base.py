"""The base of every form: Flask-WTF's, with WTForms' own messages loaded once per language
and the hidden inputs written directly (forms.hidden).

Flask-WTF reads and parses the WTForms message catalogue (a .mo file) again for every
request that builds a form; the catalogue never changes while the process runs, so it is
kept per locale here. What the messages say is the same.
"""

from __future__ import annotations

from typing import Any

from babel import support
from flask import current_app, has_request_context
from flask_babel import get_locale
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms.i18n import messages_path

from .hidden import hidden_inputs

_CATALOGUES: dict[str, support.NullTranslations] = {}


def _catalogue() -> support.NullTranslations | None:
    """WTForms' messages in the request's language (None outside a request, as Flask-WTF)."""
    if not has_request_context() or "babel" not in current_app.extensions:
        return None
    locale = get_locale()
    key = str(locale)
    found = _CATALOGUES.get(key)
    if found is None:
        found = support.Translations.load(messages_path(), [locale], domain="wtforms")
        _CATALOGUES[key] = found
    return found


class _Translations:
    """What flask_wtf.i18n.Translations does, with the cached catalogue."""

    def gettext(self, string: str) -> str:
        """The message in the request's language."""
        found = _catalogue()
        return string if found is None else found.ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The singular or plural message in the request's language."""
        found = _catalogue()
        if found is None:
            return singular if n == 1 else plural
        return found.ungettext(singular, plural, n)


_TRANSLATIONS = _Translations()


class Form(FlaskForm):  # type: ignore[misc]
    """FlaskForm with the WTForms catalogue cached per language."""

    class Meta(FlaskForm.Meta):  # type: ignore[misc]
        """Flask-WTF's settings; only where the WTForms messages come from differs."""

        def get_translations(self, form: Any) -> Any:
            """The cached catalogue, unless WTF_I18N_ENABLED is off (then WTForms' own)."""
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return _TRANSLATIONS

    def hidden_tag(self, *fields: Any) -> Markup:
        """Flask-WTF's hidden inputs; the whole form's are written without widget calls."""
        if fields:
            chosen: Markup = super().hidden_tag(*fields)
            return chosen
        return hidden_inputs(self)
