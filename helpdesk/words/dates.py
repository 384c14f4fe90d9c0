"""Dates and times as people read them: the one place in the helpdesk where a date or a time
becomes words, for pages, emails and the case file PDF alike.

A few named styles, chosen by what the reader does with the date (STYLES):

- `day`: "Monday 14 December 2026" / "maandag 14 december 2026", a date someone plans by
  (a due date, the last day to file with a dispute body);
- `day_time`: "Monday 14 December 2026, 16:05" / "maandag 14 december 2026 om 16:05", a
  deadline that ends at a moment rather than with the day (the last moment to ask for a review);
- `short_day`: "14 Dec 2026" / "14 dec. 2026", a date in a table or a list, or the day
  something was done;
- `moment`: "14 Dec 2026, 16:05" / "14 dec. 2026 16:05", when something happened.

Never seconds, never the month before the day, times in the shop's time zone
(HELPDESK_TIMEZONE), words in the language Flask-Babel chose (the page's; emails and the PDF
are rendered inside `force_locale(customer's language)`). Templates use the filters of the
same names (`{{ complaint.received_at|moment }}`, registered by web.init_app); Python code
calls the functions. `tests/test_date_words.py` fails when a template or a module writes a
date any other way.

Results are memoised: the same value in the same style, language and zone always reads the
same, and a case page formats some twenty moments.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

from babel import Locale, dates
from flask import current_app
from flask_babel import get_locale

Style = Literal["day", "day_time", "short_day", "moment"]

#: Babel patterns per style and language; a language not listed reads the English patterns
#: with its own month and weekday names.
STYLES: dict[Style, dict[str, str]] = {
    "day": {"en": "EEEE d MMMM y", "nl": "EEEE d MMMM y"},
    "day_time": {"en": "EEEE d MMMM y, HH:mm", "nl": "EEEE d MMMM y 'om' HH:mm"},
    "short_day": {"en": "d MMM y", "nl": "d MMM y"},
    "moment": {"en": "d MMM y, HH:mm", "nl": "d MMM y HH:mm"},
}
#: Styles that show a time of day (so a bare date cannot be written in them).
_TIMED: frozenset[Style] = frozenset({"day_time", "moment"})

#: Results kept per process (each entry is a short string).
_CACHE_SIZE = 8192


def page_locale() -> str:
    """The locale Flask-Babel chose for this request or email ("en" outside one)."""
    locale = get_locale()
    return str(locale) if locale is not None else "en"


def shop_zone() -> str:
    """The shop's time zone name (HELPDESK_TIMEZONE)."""
    return str(current_app.config["TIMEZONE"])


@lru_cache(maxsize=16)
def _locale(name: str) -> Locale:
    return Locale.parse(name)


def pattern(style: Style, locale: str) -> str:
    """The Babel pattern of `style` in `locale` ("nl_NL" reads the "nl" one)."""
    patterns = STYLES[style]
    return patterns.get(locale) or patterns.get(locale.split("_")[0]) or patterns["en"]


@lru_cache(maxsize=_CACHE_SIZE)
def _words(value: date, style: Style, locale: str, zone: str) -> str:
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        local = aware.astimezone(ZoneInfo(zone))
        if style in _TIMED:
            return str(dates.format_datetime(local, pattern(style, locale), locale=_locale(locale)))
        value = local.date()
    elif style in _TIMED:
        style = "short_day" if style == "moment" else "day"  # a date has no time to show
    return str(dates.format_date(value, pattern(style, locale), locale=_locale(locale)))


def in_words(value: date | None, style: Style, *, missing: str = "") -> str:
    """`value` (a date, or a moment: naive ones are UTC) in `style`, in the current language
    and the shop's time zone; `missing` for None."""
    if value is None:
        return missing
    return _words(value, style, page_locale(), shop_zone())


def day(value: date | None, missing: str = "") -> str:
    """'Monday 14 December 2026' / 'maandag 14 december 2026': a date people plan by."""
    return in_words(value, "day", missing=missing)


def day_time(value: date | None, missing: str = "") -> str:
    """'Monday 14 December 2026, 16:05' / 'maandag 14 december 2026 om 16:05': a deadline
    that ends at a moment."""
    return in_words(value, "day_time", missing=missing)


def short_day(value: date | None, missing: str = "") -> str:
    """'14 Dec 2026' / '14 dec. 2026': a date in a table, or the day something was done."""
    return in_words(value, "short_day", missing=missing)


def moment(value: date | None, missing: str = "") -> str:
    """'14 Dec 2026, 16:05' / '14 dec. 2026 16:05': when something happened."""
    return in_words(value, "moment", missing=missing)


def duration(length: timedelta) -> str:
    """A length of time in the current language, rounded: '5 minutes' / '5 minuten'."""
    locale = _locale(page_locale())
    return str(dates.format_timedelta(length, threshold=1.1, locale=locale))


#: The template filters (web.init_app registers them under these names).
FILTERS = {
    "day": day,
    "day_time": day_time,
    "short_day": short_day,
    "moment": moment,
}
