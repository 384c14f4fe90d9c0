"""Template gettext that looks the translations up once per rendering, not once per call.

Flask-Babel installs Jinja's i18n callables as lambdas that find the translations again
(g → domain → locale → cache) on every call, and a staff page makes dozens of calls. A
context processor gives each rendering callables bound to the translations of that moment
(so a language switch or `force_locale` is seen by the next rendering), with Jinja's
"newstyle" behaviour kept: autoescaped results, %-formatting, `num` (and `context`)
filled in. Macros imported without context still reach Flask-Babel's global callables,
which give the same words. `_` is bound too, so a call skips Jinja's alias of it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from flask_babel import get_translations
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

_new = str.__new__


def _finish(context: Context, text: str, variables: dict[str, Any]) -> str:
    """What Jinja's newstyle gettext does with a translation: escape-aware %-formatting."""
    if not variables and "%" not in text:
        # Formatting would give the text as it is (most of a page's words): the same Markup
        # without Markup.__new__ and Markup.__mod__, two Python calls each.
        return _new(Markup, text) if context.eval_ctx.autoescape else text
    # The catalogue is ours, as in Jinja: the variables are escaped by Markup.__mod__.
    rv: str = Markup(text) if context.eval_ctx.autoescape else text  # noqa: S704
    return rv % variables


def _callables() -> dict[str, Callable[..., str]]:
    """gettext, ngettext, pgettext and npgettext bound to this rendering's translations."""
    translations = get_translations()
    find, find_n = translations.ugettext, translations.ungettext
    find_p, find_np = translations.upgettext, translations.unpgettext

    @pass_context
    def gettext(__context: Context, __string: str, **variables: Any) -> str:
        return _finish(__context, find(__string), variables)

    @pass_context
    def ngettext(
        __context: Context, __singular: str, __plural: str, __num: int, **variables: Any
    ) -> str:
        variables.setdefault("num", __num)
        return _finish(__context, find_n(__singular, __plural, __num), variables)

    @pass_context
    def pgettext(__context: Context, __string_ctx: str, __string: str, **variables: Any) -> str:
        variables.setdefault("context", __string_ctx)
        return _finish(__context, find_p(__string_ctx, __string), variables)

    @pass_context
    def npgettext(
        __context: Context,
        __string_ctx: str,
        __singular: str,
        __plural: str,
        __num: int,
        **variables: Any,
    ) -> str:
        variables.setdefault("context", __string_ctx)
        variables.setdefault("num", __num)
        found = find_np(__string_ctx, __singular, __plural, __num)
        return _finish(__context, found, variables)

    return {
        "gettext": gettext,
        # `_` itself, not Jinja's alias of it (a second call through the context that looks
        # "gettext" up again, for each of a page's dozens of words).
        "_": gettext,
        "ngettext": ngettext,
        "pgettext": pgettext,
        "npgettext": npgettext,
    }


def init_app(app: Flask) -> None:
    """Give every rendering its own translation callables (after Flask-Babel's init_app)."""
    app.context_processor(_callables)
