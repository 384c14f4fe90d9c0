"""The date styles of words.dates in English and Dutch, on real dates, and the same words for
the same date on a page and in an email."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import OutboxEmail
from helpdesk.models.types import utcnow
from helpdesk.words import dates
from tests.services.outcomes_support import fast_staff, give_refund, new_complaint, open_case

#: Monday 14 December 2026, 15:05:29 UTC: 16:05 in Amsterdam (winter time, UTC+1).
WINTER = datetime(2026, 12, 14, 15, 5, 29, tzinfo=UTC)
#: Wednesday 1 July 2026, 14:05 UTC: 16:05 in Amsterdam (summer time, UTC+2).
SUMMER = datetime(2026, 7, 1, 14, 5, tzinfo=UTC)

STYLES = [
    ("day", "en", date(2026, 12, 14), "Monday 14 December 2026"),
    ("day", "nl", date(2026, 12, 14), "maandag 14 december 2026"),
    ("day", "en", WINTER, "Monday 14 December 2026"),
    ("day", "nl", SUMMER, "woensdag 1 juli 2026"),
    ("day_time", "en", WINTER, "Monday 14 December 2026, 16:05"),
    ("day_time", "nl", WINTER, "maandag 14 december 2026 om 16:05"),
    ("short_day", "en", date(2026, 12, 14), "14 Dec 2026"),
    ("short_day", "nl", date(2026, 12, 14), "14 dec 2026"),
    ("short_day", "nl", date(2026, 3, 5), "5 mrt 2026"),
    ("moment", "en", WINTER, "14 Dec 2026, 16:05"),
    ("moment", "nl", WINTER, "14 dec 2026 16:05"),
    ("moment", "en", SUMMER, "1 Jul 2026, 16:05"),
    ("moment", "nl", SUMMER, "1 jul 2026 16:05"),
]


@pytest.mark.parametrize(("style", "language", "value", "expected"), STYLES)
def test_each_style_in_each_language(
    app: Flask, style: dates.Style, language: str, value: date, expected: str
) -> None:
    with force_locale(language):
        assert dates.in_words(value, style) == expected


def test_moments_are_shop_time_and_the_day_follows_the_shop(app: Flask) -> None:
    """23:30 UTC on the 14th is already the 15th in Amsterdam; a naive moment is UTC."""
    late = datetime(2026, 12, 14, 23, 30, tzinfo=UTC)
    with force_locale("en"):
        assert dates.day(late) == "Tuesday 15 December 2026"
        assert dates.moment(late) == "15 Dec 2026, 00:30"
        assert dates.moment(late.replace(tzinfo=None)) == "15 Dec 2026, 00:30"


def test_another_shop_time_zone(new_app: object) -> None:
    other = new_app(TIMEZONE="America/New_York")  # type: ignore[operator]
    with other.app_context(), force_locale("en"):
        assert dates.moment(WINTER) == "14 Dec 2026, 10:05"


def test_never_seconds_never_month_first(app: Flask) -> None:
    """The issue's "12/3/26, 4:13 AM" and "4:13:29 AM" cannot come back."""
    for language in ("en", "nl"):
        with force_locale(language):
            for style in dates.STYLES:
                text = dates.in_words(WINTER, style)
                assert ":29" not in text and "AM" not in text and "PM" not in text, text
                assert "12/" not in text and "/14" not in text, text
                assert text.index("14") < text.lower().index("dec"), text


def test_none_and_a_bare_date_in_a_timed_style(app: Flask) -> None:
    with force_locale("en"):
        assert dates.moment(None) == "" and dates.day(None, "—") == "—"
        assert dates.moment(date(2026, 12, 14)) == "14 Dec 2026"
        assert dates.day_time(date(2026, 12, 14)) == "Monday 14 December 2026"


def test_durations(app: Flask) -> None:
    with force_locale("nl"):
        assert dates.duration(timedelta(minutes=5)) == "5 minuten"
    with force_locale("en"):
        assert dates.duration(timedelta(seconds=30)) == "30 seconds"


def test_templates_have_the_filters(app: Flask) -> None:
    template = app.jinja_env.from_string("{{ d|day }} · {{ m|moment }} · {{ d|short_day }}")
    with force_locale("nl"):
        text = template.render(d=date(2026, 12, 14), m=WINTER)
    assert text == "maandag 14 december 2026 · 14 dec 2026 16:05 · 14 dec 2026"


def test_the_review_deadline_reads_the_same_on_the_page_and_in_the_email(
    app: Flask, client: FlaskClient
) -> None:
    """The issue: seconds on the page, a weekday in the email. Now one style, both places."""
    complaint = new_complaint(language="nl", now=utcnow() - timedelta(days=2))
    outcome = give_refund(complaint, fast_staff("agent"), now=utcnow())
    email = db.session.scalars(select(OutboxEmail).filter_by(kind="outcome")).one()
    deadline = outcome.sent_at + timedelta(days=int(app.config["REVIEW_PERIOD_DAYS"]))
    with force_locale("nl"):
        words = dates.day_time(deadline)
    assert " om " in words
    assert words in email.body_text
    open_case(client, complaint)
    page = client.get("/track/case?lang=nl").get_data(as_text=True)
    assert words in page
