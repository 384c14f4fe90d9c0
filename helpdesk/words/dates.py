"""Date formatting for pages, in the page's language, without Flask-Babel's per-call lookups.

Flask-Babel's `format_datetime` looks up the locale, the format defaults and the time zone
on every call; a case page formats some twenty moments. Here the locale is read once per
call from what Flask-Babel already chose for the request, the text is Babel's own
(`babel.dates`, same patterns), and results are memoised: the same moment in the same
format, language and zone always reads the same.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import flask_babel
from babel import Locale, dates
from flask import current_app
from flask_babel import get_locale

#: Results kept per process (each entry is a short string).
_CACHE_SIZE = 8192


def page_locale() -> str:
    """The locale Flask-Babel chose for this request ("en" outside one)."""
    locale = get_locale()
    return str(locale) if locale is not None else "en"


@lru_cache(maxsize=16)
def _locale(name: str) -> Locale:
    return Locale.parse(name)


@lru_cache(maxsize=_CACHE_SIZE)
def _moment_text(moment: datetime, fmt: str, locale: str, zone: str) -> str:
    local = moment.astimezone(ZoneInfo(zone))
    return str(dates.format_datetime(local, fmt, locale=_locale(locale)))


@lru_cache(maxsize=_CACHE_SIZE)
def _day_text(day: date, fmt: str, locale: str) -> str:
    return str(dates.format_date(day, fmt, locale=_locale(locale)))


def moment_text(moment: datetime, fmt: str) -> str:
    """`moment` in the shop's time zone (HELPDESK_TIMEZONE), as `fmt` in the page's language:
    "short", "medium", "long", "full" or a Babel pattern."""
    return _moment_text(moment, fmt, page_locale(), current_app.config["TIMEZONE"])


def day_text(day: date, fmt: str) -> str:
    """A date as `fmt` in the page's language (a datetime as Flask-Babel shows it: first
    moved to the user's time zone)."""
    if isinstance(day, datetime):
        return str(flask_babel.format_date(day, fmt))
    return _day_text(day, fmt, page_locale())
