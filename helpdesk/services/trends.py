"""Rising trends (policy clause 7: "told when a category or product rises well above its
usual level"): a category, root cause or product keyword whose weekly count passes the rule
of domain.improvement.check_trend (services.trend_alerts stores each new one and emails it
to the managers once).

What is counted, per week (Monday to Sunday, shop dates):

- category: complaints received that week;
- root cause: first outcomes given that week, by their root cause (a root cause is known
  only once an outcome is given, so counting by receipt would always lag);
- keyword: complaints received that week whose description uses the word. The shop keeps
  no catalogue of products, so product keywords are the customers' own words: letters
  only, at least KEYWORD_MIN_LENGTH long, not an English or Dutch stop word (the search
  tokenizer's lists), and used in at most KEYWORD_MAX_SHARE of the complaints of the
  weeks before (more is everyday language: greetings, "order", "refund"; measured on the
  demo data those are in 6-33 % of complaints, a product's name in 1-2 %). Each week before
  is scaled to the volume of the week checked (its count times this week's complaints over
  that week's), so a keyword rises only when its share of the complaints does: a week in
  which all complaints double is told by the category alerts, not by a hundred words. A
  product's name that suddenly turns up in many complaints passes the rule. At most
  MAX_KEYWORD_ALERTS keywords per run, those furthest above their threshold.

Two weeks are checked each run: the week so far (so a spike is told as it happens) and the
last complete week (so one that passed the rule only on Sunday is told on Monday). A week's
history is the TREND_WEEKS weeks before it, from the week of the first complaint on.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import case, func, select

from ..domain.improvement import (
    TREND_WEEKS,
    TrendCheck,
    check_trend,
)
from ..domain.reports import week_start
from ..extensions import db
from ..models import Complaint, Outcome, RootCause
from ..runtime.clock import shop_timezone
from ..search.language.text import STOP_EN, STOP_NL, tokens
from .report_queries import month_changes

DIMENSIONS = ("category", "root_cause", "keyword")
KEYWORD_MIN_LENGTH = 4
KEYWORD_MAX_SHARE = 0.05
MAX_KEYWORD_ALERTS = 10
#: Descriptions read per round trip while counting keywords.
CHUNK = 2000
_STOP = STOP_EN | STOP_NL

#: Called with how many complaints' descriptions were just read (for a progress bar).
Progress = Callable[[int], None]


@dataclass(frozen=True)
class Trend:
    """One key whose count in one week passed the rule."""

    dimension: str
    key: str
    week: date
    check: TrendCheck


def weeks_checked(today: date) -> list[date]:
    """The Mondays of the last complete week and of the week so far."""
    this_week = week_start(today)
    return [this_week - timedelta(weeks=1), this_week]


def _span(week: date) -> list[date]:
    """The history weeks of `week` and the week itself, oldest first."""
    return [week - timedelta(weeks=n) for n in range(TREND_WEEKS, -1, -1)]


def find_trends(
    today: date,
    *,
    progress: Progress | None = None,
    dimensions: tuple[str, ...] = DIMENSIONS,
) -> list[Trend]:
    """Every key rising in a checked week (see the module's docstring), of `dimensions`
    only if given (keywords read every description of nine weeks; the others count)."""
    weeks = weeks_checked(today)
    first = _span(weeks[0])[0]
    counts = {
        "category": _category_counts(first, today),
        "root_cause": _root_cause_counts(first, today) if "root_cause" in dimensions else {},
        "keyword": _keyword_counts(first, today, progress) if "keyword" in dimensions else {},
    }
    totals: Counter[date] = Counter()
    for by_week in counts["category"].values():
        totals.update(by_week)
    since = _first_week()
    found: list[Trend] = []
    for dimension in (d for d in DIMENSIONS if d in dimensions):
        scale = totals if dimension == "keyword" else None
        rising = [
            Trend(dimension, key, week, check)
            for week in weeks
            for key, by_week in sorted(counts[dimension].items())
            if (check := _check(by_week, week, since, scale)).rising
        ]
        if dimension == "keyword":
            rising = [t for t in rising if not _everyday(counts["keyword"][t.key], totals, t.week)]
            rising.sort(key=lambda t: t.check.threshold - t.check.count)
            rising = rising[:MAX_KEYWORD_ALERTS]
        found.extend(rising)
    return found


def _everyday(by_week: Counter[date], totals: Counter[date], week: date) -> bool:
    """True for a word used in more than KEYWORD_MAX_SHARE of the complaints of the weeks
    before `week`."""
    history = _span(week)[:-1]
    used = sum(by_week.get(day, 0) for day in history)
    return used > KEYWORD_MAX_SHARE * sum(totals.get(day, 0) for day in history)


def _check(
    by_week: Counter[date], week: date, since: date | None, totals: Counter[date] | None
) -> TrendCheck:
    """The rule for one key and week; the weeks before the first complaint ever are no
    history (a new helpdesk has no usual level yet: domain.improvement.TREND_MIN_HISTORY).
    With `totals` (keywords) each week before is scaled to the volume of `week`, and weeks
    without complaints are left out."""
    history: list[float] = []
    for day in _span(week)[:-1]:
        if since is None or day < since:
            continue
        if totals is None:
            history.append(by_week.get(day, 0))
        elif totals.get(day):
            history.append(by_week.get(day, 0) * totals.get(week, 0) / totals[day])
    return check_trend(history, by_week.get(week, 0))


def _first_week() -> date | None:
    """The week of the first complaint received (None without complaints)."""
    first = db.session.scalar(select(func.min(Complaint.received_on)))
    return week_start(first) if first is not None else None


def _category_counts(first: date, today: date) -> dict[str, Counter[date]]:
    """Complaints received per category per week, from the week of `first` on."""
    query = (
        select(Complaint.received_on, Complaint.category, func.count())
        .where(Complaint.received_on >= first, Complaint.received_on <= today)
        .group_by(Complaint.received_on, Complaint.category)
    )
    found: dict[str, Counter[date]] = defaultdict(Counter)
    for day, category, n in db.session.execute(query):
        found[category][week_start(cast(date, day))] += int(n)
    return found


def _root_cause_counts(first: date, today: date) -> dict[str, Counter[date]]:
    """First outcomes given per root cause per week (shop dates of sending), counted in SQL
    by week: each week's bounds are the shop's Mondays at midnight as moments (so the
    zone's daylight saving holds), up to the end of today."""
    tz = shop_timezone()
    weeks = [first + timedelta(weeks=n) for n in range((week_start(today) - first).days // 7 + 1)]
    ends = [_midnight(week, tz) for week in weeks[1:]] + [_midnight(today + timedelta(days=1), tz)]
    week = case(*((Outcome.sent_at < end, index) for index, end in enumerate(ends)))
    query = (
        select(week, RootCause.key, func.count())
        .join(RootCause, RootCause.id == Outcome.root_cause_id)
        .where(
            Outcome.is_final.is_(False),
            Outcome.sent_at >= _midnight(first, tz),
            Outcome.sent_at < ends[-1],
        )
        .group_by(week, RootCause.key)
    )
    found: dict[str, Counter[date]] = defaultdict(Counter)
    for index, key, n in db.session.execute(query):
        found[key][weeks[int(index)]] += int(n)
    return found


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    """The moment the shop's day begins."""
    return datetime.combine(day, time.min, tz)


def keywords(text: str) -> set[str]:
    """The words of a description that count as keywords."""
    return {
        word
        for word in tokens(text)
        if len(word) >= KEYWORD_MIN_LENGTH and word.isalpha() and word not in _STOP
    }


def _keyword_counts(
    first: date, today: date, progress: Progress | None
) -> dict[str, Counter[date]]:
    """Complaints per keyword per week (each complaint counts a word once)."""
    found: dict[str, Counter[date]] = defaultdict(Counter)
    for chunk in _descriptions(first, today):
        for day, description in chunk:
            week = week_start(day)
            for word in keywords(description):
                found[word][week] += 1
        if progress is not None:
            progress(len(chunk))
    return found


def _descriptions(first: date, today: date) -> Iterator[list[tuple[date, str]]]:
    """(shop date of receipt, description) of the complaints received since `first`, in
    chunks (keyset on id)."""
    last = 0
    while True:
        query = (
            select(Complaint.id, Complaint.received_on, Complaint.description)
            .where(
                Complaint.received_on >= first,
                Complaint.received_on <= today,
                Complaint.id > last,
            )
            .order_by(Complaint.id)
            .limit(CHUNK)
        )
        rows = db.session.execute(query).all()
        if not rows:
            return
        last = rows[-1][0]
        # received_on is never NULL here: it is bounded in the WHERE.
        yield [(cast(date, day), text) for _id, day, text in rows]


def count_descriptions(today: date) -> int:
    """How many descriptions find_trends reads (the length of its progress bar)."""
    first = _span(weeks_checked(today)[0])[0]
    query = select(func.count()).where(
        Complaint.received_on >= first, Complaint.received_on <= today
    )
    return int(db.session.scalar(query) or 0)


#: What the reports page checks as it opens (keywords only in the daily command).
COUNTED = ("category", "root_cause")


def rising_now(today: date) -> list[Trend]:
    """The categories and root causes rising in the checked weeks, as find_trends finds
    them, kept per app while no month's report counter moves (services.report_counts: the
    counters move with every complaint received and every outcome given, whatever its
    month) and today stays today."""
    marks = tuple(sorted(month_changes("0000-00", "9999-99").items()))
    kept = current_app.extensions.get("rising_now")
    if kept is not None and kept[0] == (today, marks):
        return list(kept[1])
    found = find_trends(today, dimensions=COUNTED)
    if tuple(sorted(month_changes("0000-00", "9999-99").items())) == marks:
        current_app.extensions["rising_now"] = ((today, marks), tuple(found))
    return found
