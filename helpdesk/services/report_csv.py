"""The report as CSV for a spreadsheet (policy clause 7, "Download CSV"): the tidy table of
every figure (period, measure, category, value), and one row per complaint.

Both are UTF-8 with a byte-order mark (so Excel reads the encoding), CRLF line ends (the
csv module's), ISO dates (YYYY-MM-DD) and a point as the decimal sign: rates and averages
with four decimals, euros with two. An empty value means "none" (a median of no
complaints, a rate of nothing). The per-complaint rows hold no personal data (no name,
email or text): reference code, dates, keys and figures only. A text cell that starts like a
formula (= + - @) is written with an apostrophe in front, so a spreadsheet shows it as text.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, func, select, type_coerce

from ..domain.reports import Compliance, Period, week_start
from ..domain.sla import local_date
from ..extensions import db
from ..models import Complaint, Rating, Referral, RootCause
from ..runtime.clock import shop_timezone
from ..words.labels import CATEGORIES
from .report_queries import ReportFilters, conditions
from .reports import Report, Scores

BOM = "\ufeff"
TIDY_HEADER = ("period", "measure", "category", "value")
ALL = "all"
#: Rows written per chunk of the per-complaint export (bounded memory at 100,000).
CHUNK = 2000

Row = tuple[str, str, str, str]


def period_label(period: Period) -> str:
    """An ISO 8601 interval of dates: 2026-12-01/2026-12-17."""
    return f"{period.start.isoformat()}/{period.end.isoformat()}"


def _number(value: float | int | None, decimals: int = 4) -> str:
    """A count as it is, a rate or an average with `decimals` decimals, None as ""."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return f"{value:.{decimals}f}"


def _euros(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def tidy_rows(report: Report) -> list[Row]:
    """Every figure of `report` as (period, measure, category, value) rows."""
    label = period_label(report.period)
    rows: list[Row] = []

    def add(measure: str, category: str, value: float | int | str | None) -> None:
        text = value if isinstance(value, str) else _number(value)
        rows.append((label, measure, category, text))

    add("complaints", ALL, report.complaints)
    totals = report.per_week.by_category()
    for category in CATEGORIES:
        add("complaints", category, totals.get(category, 0))
    for week in report.per_week.weeks:
        # The week's days inside the report's period (the first and last may be partial).
        span = Period(max(week, report.period.start), min(_sunday(week), report.period.end))
        week_label = period_label(span)
        for category in CATEGORIES:
            rows.append((week_label, "complaints_per_week", category,
                         str(report.per_week.count(week, category))))  # fmt: skip
    for name, figures in (("ack", report.acknowledgement), ("response", report.response)):
        _clock_rows(add, name, figures.compliance)
        add(f"{name}_days_median", ALL, figures.median_days)
        add(f"{name}_days_p90", ALL, figures.p90_days)
    for kind, n in sorted(report.outcomes.items()):
        add("outcomes", kind, n)
    add("refunds", ALL, report.refunds)
    add("refund_total_eur", ALL, _euros(report.refund_cents))
    add("review_requests", ALL, report.review_requested)
    add("review_rate", ALL, report.review_rate)
    add("final_responses", ALL, report.final_responses)
    add("review_changed_outcome", ALL, report.review_changed)
    add("review_change_rate", ALL, report.review_change_rate)
    add("referred_to_mediation", ALL, report.referred)
    add("mediation_rate", ALL, report.mediation_rate)
    for decision, n in sorted(report.decisions.items()):
        add("mediation_decisions", decision, n)
    for (sought, given), n in sorted(report.remedies.items()):
        add("remedy_sought_given", f"{sought}>{given}", n)
    add("remedy_asked", ALL, report.remedy_asked)
    add("remedy_granted", ALL, report.remedy_granted)
    add("remedy_granted_rate", ALL, report.remedy_granted_rate)
    for name, scores in (
        ("resolution", report.resolution_scores),
        ("handling", report.handling_scores),
    ):
        _score_rows(add, f"satisfaction_{name}", scores)
    for key, n in sorted(report.root_causes.items()):
        add("root_causes", key, n)
    return rows


def _sunday(day: date) -> date:
    """The last day of the week of `day`."""
    return week_start(day) + timedelta(days=6)


def _clock_rows(add: Any, name: str, compliance: Compliance) -> None:
    add(f"{name}_met", ALL, compliance.met)
    add(f"{name}_missed", ALL, compliance.missed)
    add(f"{name}_open_overdue", ALL, compliance.open_overdue)
    add(f"{name}_open_in_time", ALL, compliance.open_in_time)
    add(f"{name}_compliance_rate", ALL, compliance.rate)


def _score_rows(add: Any, measure: str, scores: Scores) -> None:
    for score in range(1, 6):
        add(measure, str(score), scores.counts.get(score, 0))
    add(f"{measure}_answers", ALL, scores.answers)
    add(f"{measure}_average", ALL, scores.average)


#: What a spreadsheet reads as the start of a formula (and tab / CR, which some strip first).
FORMULA_STARTS = frozenset("=+-@\t\r")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def neutralise(cell: str) -> str:
    """A text cell a spreadsheet would run as a formula, with an apostrophe in front (shown
    as text, OWASP's advice); a plain number (a negative amount) stays a number."""
    if cell[:1] in FORMULA_STARTS and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def _csv_text(rows: Iterable[Iterable[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    # The test inline (not a call per cell): 100,000 complaints have 2.2 million cells.
    writer.writerows(
        [neutralise(cell) if cell[:1] in FORMULA_STARTS else cell for cell in row] for row in rows
    )
    return out.getvalue()


def tidy_csv(reports: Iterable[Report]) -> str:
    """The tidy table of one or more reports (say, a period and the one before), with BOM."""
    rows: list[Iterable[str]] = [TIDY_HEADER]
    for report in reports:
        rows.extend(tidy_rows(report))
    return BOM + _csv_text(rows)


# --- one row per complaint -------------------------------------------------------------

COMPLAINT_HEADER = (
    "reference",
    "received_on",
    "category",
    "channel",
    "language",
    "status",
    "preferred_solution",
    "outcome",
    "root_cause",
    "refund_eur",
    "acknowledged_on",
    "days_to_acknowledge",
    "acknowledged_on_time",
    "responded_on",
    "days_to_respond",
    "responded_on_time",
    "review_requested_on",
    "review_changed_outcome",
    "rating_resolution",
    "rating_handling",
    "referrals",
    "mediation_decision",
)


def complaint_csv(period: Period, filters: ReportFilters) -> Iterator[str]:
    """The per-complaint table, in pieces of text (BOM and header first), oldest first."""
    yield BOM + _csv_text([COMPLAINT_HEADER])
    tz = shop_timezone()
    referrals = (
        select(
            Referral.complaint_id,
            func.count().label("referrals"),
            func.max(Referral.decision).label("decision"),
        )
        .group_by(Referral.complaint_id)
        .subquery()
    )
    query = (
        select(
            Complaint.reference,
            Complaint.received_on,
            Complaint.category,
            Complaint.channel,
            Complaint.language,
            Complaint.status,
            Complaint.preferred_solution,
            Complaint.outcome_kind,
            RootCause.key,
            Complaint.outcome_refund_cents,
            type_coerce(Complaint.acknowledged_at, DateTime()),
            Complaint.days_to_acknowledge,
            Complaint.acknowledged_on_time,
            type_coerce(Complaint.responded_at, DateTime()),
            Complaint.days_to_respond,
            Complaint.responded_on_time,
            type_coerce(Complaint.review_requested_at, DateTime()),
            Complaint.review_changed,
            Rating.score,
            Rating.handling_score,
            referrals.c.referrals,
            referrals.c.decision,
        )
        .outerjoin(RootCause, RootCause.id == Complaint.outcome_root_cause_id)
        .outerjoin(Rating, Rating.complaint_id == Complaint.id)
        .outerjoin(referrals, referrals.c.complaint_id == Complaint.id)
        .where(*conditions(period, filters))
        .order_by(Complaint.received_on, Complaint.id)
        .execution_options(yield_per=CHUNK)
    )
    moment = _ShopDays(tz)
    # Core rows (no ORM layer), the moments as the database has them (UTC): 2 s of CPU
    # for 100,000 complaints before, most of it per-value conversions.
    for chunk in db.session.connection().execute(query).partitions(CHUNK):
        yield _csv_text(_complaint_row(row, moment) for row in chunk)


def _complaint_row(row: Any, moment: _ShopDays) -> list[str]:
    (reference, received_on, category, channel, language, status, sought, outcome, cause,
     cents, acknowledged_at, ack_days, ack_on_time, responded_at, response_days,
     response_on_time, review_at, changed, score, handling, referred, decision) = row  # fmt: skip
    return [
        reference, "" if received_on is None else received_on.isoformat(), category, channel,
        language, status, sought or "", outcome or "", cause or "",
        "" if cents is None else _euros(cents),
        moment(acknowledged_at), "" if ack_days is None else str(ack_days), _YES_NO[ack_on_time],
        moment(responded_at), "" if response_days is None else str(response_days),
        _YES_NO[response_on_time], moment(review_at), _YES_NO[changed],
        "" if score is None else str(score), "" if handling is None else str(handling),
        str(referred or 0), decision or "",
    ]  # fmt: skip


#: A flag as the CSV writes it (SQLite gives 1/0, PostgreSQL True/False: equal keys).
_YES_NO: dict[bool | None, str] = {None: "", True: "yes", False: "no"}


class _ShopDays:
    """A stored moment (UTC; naive on SQLite) as the shop's date, ISO. Per UTC day the
    zone's offset is looked up once: on a day it does not change (all but about two a
    year) the local date is the UTC date, the day before or the day after by the minutes
    of the day plus that offset; on a day it changes, each moment is converted."""

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        self.days: dict[date, tuple[int | None, tuple[str, str, str]]] = {}

    def __call__(self, value: datetime | None) -> str:
        if value is None:
            return ""
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        day = value.date()
        found = self.days.get(day)
        if found is None:
            found = self.days[day] = self._day(day)
        offset, names = found
        if offset is None:
            return local_date(value.replace(tzinfo=UTC), self.tz).isoformat()
        return names[(value.hour * 60 + value.minute + offset) // 1440 + 1]

    def _day(self, day: date) -> tuple[int | None, tuple[str, str, str]]:
        """The zone's offset in minutes all through this UTC day (None when it changes), and
        the dates of the day before, the day, and the day after."""
        start = datetime.combine(day, datetime.min.time(), UTC)
        offsets = {
            int((moment.astimezone(self.tz).utcoffset() or timedelta()).total_seconds() // 60)
            for moment in (start, start + timedelta(days=1, microseconds=-1))
        }
        one = timedelta(days=1)
        names = ((day - one).isoformat(), day.isoformat(), (day + one).isoformat())
        return (offsets.pop() if len(offsets) == 1 else None), names
