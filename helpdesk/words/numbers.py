"""Numbers as people read them, in the page's language: counts, shares, averages, euros and
the change from one period to the next ("1,234" / "1.234", "12.5%" / "12,5%", "€ 31.00" /
"€ 31,00"). Babel's own number patterns; None (nothing to count: a share of no complaints)
reads as an en dash. Results are memoised per language (a report page writes some 700
numbers, most of them small counts it writes many times).
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale, numbers
from flask_babel import gettext as _

from .dates import page_locale

#: What a figure that cannot be given reads as (a rate of nothing, a median of none).
NONE = "–"


@lru_cache(maxsize=16)
def _locale(name: str) -> Locale:
    return Locale.parse(name)


@lru_cache(maxsize=8192)
def _decimal(value: float, fmt: str, language: str) -> str:
    return str(numbers.format_decimal(value, format=fmt, locale=_locale(language)))


@lru_cache(maxsize=4096)
def _percent(value: float, language: str) -> str:
    return str(numbers.format_percent(value, format="#,##0.0%", locale=_locale(language)))


@lru_cache(maxsize=4096)
def _euros(cents: int, language: str) -> str:
    return str(numbers.format_currency(cents / 100, "EUR", locale=_locale(language)))


def count(value: int | None) -> str:
    """A whole number with the language's grouping: 1,234 / 1.234."""
    if value is None:
        return NONE
    return _decimal(value, "#,##0", page_locale())


def decimal(value: float | None, places: int = 1) -> str:
    """A number with `places` decimals: 3.5 / 3,5."""
    if value is None:
        return NONE
    fmt = "#,##0." + "0" * places if places else "#,##0"
    return _decimal(value, fmt, page_locale())


def percent(share: float | None) -> str:
    """A share (0.125) as a percentage with one decimal: 12.5% / 12,5%."""
    if share is None:
        return NONE
    return _percent(share, page_locale())


def euros(cents: int | None) -> str:
    """An amount of euro cents as money: €31.00 / € 31,00."""
    if cents is None:
        return NONE
    return _euros(cents, page_locale())


def euros_in(cents: int, language: str) -> str:
    """An amount of euro cents as people of `language` write it, whatever the page's
    language (an outcome's text and email, the case file): €12.50 / € 12,50."""
    return _euros(cents, language)


def change(now: float | None, before: float | None, *, places: int = 0) -> str:
    """now - before with its sign (+3, −2, ±0), `places` decimals; NONE when either is."""
    if now is None or before is None:
        return NONE
    difference = now - before
    if round(difference, places) == 0:
        return "±" + decimal(0, places)
    sign = "+" if difference > 0 else "−"
    return sign + decimal(abs(difference), places)


def point_change(now: float | None, before: float | None) -> str:
    """The change of a share in percentage points, one decimal: +4.2 pp / −1,0 pp."""
    if now is None or before is None:
        return NONE
    # "pp": percentage points (Dutch "%-punt"), not per cent of the share before.
    return str(_("%(change)s pp", change=change(now * 100, before * 100, places=1)))


def money_change(now: int, before: int) -> str:
    """The change of an amount of euro cents as money with its sign: +€5.50."""
    if now == before:
        return "±" + euros(0)
    sign = "+" if now > before else "−"
    return sign + euros(abs(now - before))
