"""The dispute bodies a customer can take a complaint to after our final response (policy
clause 6): which ones, whether the shop takes part, and by when the customer must file.

`dispute_bodies()` is the one place pages, emails and the case file read them from
(HELPDESK_MEDIATION_BODIES, parsed at start-up by config.parse_mediation), in the current
locale: callers wrap it in `flask_babel.force_locale(language)` for a customer's language.
Besides these bodies two routes are always open, `general_routes()`: the competent court, and
free advice from ECC Netherlands for purchases across borders.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _

from ..config import MediationSetting, parse_mediation
from ..models import Complaint
from ..runtime.clock import shop_timezone

#: European Consumer Centre Netherlands: free advice on purchases across borders.
ECC_URL = "https://www.eccnederland.nl/"


@dataclass(frozen=True)
class DisputeBody:
    """A dispute body as the customer reads it, in the current locale."""

    name: str
    url: str
    takes_part: bool
    filing_limit_months: int | None
    description: str


@dataclass(frozen=True)
class NoticeEntry:
    """A dispute body in one complaint's deadlock notice: with the last day to file, if any."""

    body: DisputeBody
    file_by: date | None


@dataclass(frozen=True)
class GeneralRoute:
    """A way open to every customer whatever the shop takes part in, as one sentence."""

    text: str
    url: str | None = None


def general_routes() -> list[GeneralRoute]:
    """The court, and ECC Netherlands across borders, in the current locale."""
    return [
        GeneralRoute(
            _("You can also always take the dispute to the competent court (de rechter).")
        ),
        GeneralRoute(
            _(
                "For a purchase across borders within Europe, ECC Netherlands (European Consumer "
                "Centre Netherlands) gives free advice; it does not decide disputes:"
            ),
            ECC_URL,
        ),
    ]


def dispute_bodies() -> list[DisputeBody]:
    """The configured dispute bodies, names and descriptions in the current locale."""
    locale = get_locale()
    dutch = locale is not None and locale.language == "nl"
    return [_in_language(setting, dutch) for setting in _settings()]


def _in_language(setting: MediationSetting, dutch: bool) -> DisputeBody:
    """The setting's Dutch words when asked for and given, else its English ones."""
    name = (setting.name_nl if dutch else "") or setting.name
    description = (setting.description_nl if dutch else "") or setting.description
    return DisputeBody(
        name, setting.url, setting.takes_part, setting.filing_limit_months, description
    )


def _settings() -> list[MediationSetting]:
    """MEDIATION_BODIES as parsed settings (a test may set the text form instead)."""
    value = current_app.config["MEDIATION_BODIES"]
    if isinstance(value, str):
        return _parsed(value)
    return list(value)


@lru_cache(maxsize=8)
def _parsed(text: str) -> list[MediationSetting]:
    return parse_mediation(text)


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it is shorter (31 Jan + 1 →
    28 or 29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def filing_deadline(complained_at: datetime, months: int) -> date:
    """The last day to file with a body that allows `months` after the complaint to us
    (counted from the day it reached us, in the shop's time zone)."""
    return add_months(complained_at.astimezone(shop_timezone()).date(), months)


@dataclass(frozen=True)
class DeadlockNotice:
    """What the final response tells a customer about taking the complaint further."""

    bodies: list[NoticeEntry]
    routes: list[GeneralRoute]


def dispute_notice(complaint: Complaint) -> DeadlockNotice:
    """This complaint's deadlock notice in the current locale: the bodies, each with its last
    day to file, and the routes always open."""
    entries = [
        NoticeEntry(
            body,
            filing_deadline(complaint.received_at, body.filing_limit_months)
            if body.filing_limit_months
            else None,
        )
        for body in dispute_bodies()
    ]
    return DeadlockNotice(entries, general_routes())
