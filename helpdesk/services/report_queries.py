"""The statements behind the reports: each counts in SQL (GROUP BY, FILTER) over the
complaints received in a period, so only small result sets reach Python.

The same statements run on SQLite and PostgreSQL. Every one starts from the complaints whose
shop date of receipt (complaint.received_on) lies in the period, narrowed by category,
channel and language; the three over complaints alone read only ix_complaint_report, which
holds every column they count (no complaint row is read). A complaint's outcome for the
reports is the one it ended with (its final response, else its first outcome), kept on the
complaint by services.outcomes (domain.reports.ended_with).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from ..domain.lifecycle import Status
from ..domain.reports import Period
from ..extensions import db
from ..models import Complaint, Rating, Referral, ReportMonth, RootCause


@dataclass(frozen=True)
class ReportFilters:
    """Which complaints a report covers besides the period (None: all)."""

    category: str | None = None
    channel: str | None = None
    language: str | None = None


def conditions(period: Period, filters: ReportFilters) -> list[ColumnElement[bool]]:
    """The WHERE of every report statement."""
    found = [Complaint.received_on >= period.start, Complaint.received_on <= period.end]
    if filters.category is not None:
        found.append(Complaint.category == filters.category)
    if filters.channel is not None:
        found.append(Complaint.channel == filters.channel)
    if filters.language is not None:
        found.append(Complaint.language == filters.language)
    return found


#: What `day_counts` counts per day and category besides the complaints themselves.
CLOCK_COUNTS = ("ack_met", "ack_missed", "response_met", "response_missed", "review_requested")


@dataclass(frozen=True)
class DayCounts:
    """The complaints received on one day in one category, and their clocks."""

    day: date
    category: str
    complaints: int
    clocks: dict[str, int]


def day_counts(period: Period, filters: ReportFilters) -> list[DayCounts]:
    """Per day and category: complaints, both clocks met and missed (open_clocks has the
    open ones), and review requests. At most a row per day and category, read in the
    index's order (no sort)."""
    counted = (
        func.count().filter(Complaint.acknowledged_on_time.is_(True)),
        func.count().filter(Complaint.acknowledged_on_time.is_(False)),
        func.count().filter(Complaint.responded_on_time.is_(True)),
        func.count().filter(Complaint.responded_on_time.is_(False)),
        func.count(Complaint.review_requested_at),
    )
    query = (
        select(Complaint.received_on, Complaint.category, func.count(), *counted)
        .where(*conditions(period, filters))
        .group_by(Complaint.received_on, Complaint.category)
    )
    found = []
    for day, category, complaints, *clocks in db.session.execute(query):
        counts = dict(zip(CLOCK_COUNTS, map(int, clocks), strict=True))
        # received_on is never NULL here: the period's bounds are in the WHERE.
        found.append(DayCounts(cast(date, day), category, int(complaints), counts))
    return found


def open_clocks(period: Period, filters: ReportFilters) -> tuple[dict[date, int], dict[date, int]]:
    """The due dates of the open clocks (complaints per due date): acknowledgements not
    given, and responses not given whose clock runs (a paused clock's due date moves on
    when the customer answers: it is never overdue). A clock is overdue once today is past
    its due date; the caller judges that, so these counts keep from day to day."""
    ack_open = Complaint.acknowledged_on_time.is_(None)
    response_running = and_(
        Complaint.responded_on_time.is_(None),
        Complaint.status != Status.AWAITING_CUSTOMER.value,
    )
    query = (
        select(Complaint.ack_due_on, ack_open, Complaint.response_due_on, response_running,
               func.count())
        .where(*conditions(period, filters), or_(ack_open, response_running))
        .group_by(Complaint.ack_due_on, ack_open, Complaint.response_due_on, response_running)
    )  # fmt: skip
    ack: dict[date, int] = {}
    response: dict[date, int] = {}
    for ack_due, is_ack_open, response_due, is_running, n in db.session.execute(query):
        if is_ack_open:
            ack[ack_due] = ack.get(ack_due, 0) + int(n)
        if is_running:
            response[response_due] = response.get(response_due, 0) + int(n)
    return ack, response


def days_taken(period: Period, filters: ReportFilters) -> list[tuple[int | None, int | None, int]]:
    """(business days to acknowledge, to respond, complaints), None for a running clock."""
    query = (
        select(Complaint.days_to_acknowledge, Complaint.days_to_respond, func.count())
        .where(*conditions(period, filters))
        .group_by(Complaint.days_to_acknowledge, Complaint.days_to_respond)
    )
    return [(ack, response, int(n)) for ack, response, n in db.session.execute(query)]


class GroupKey(NamedTuple):
    """What complaints alike in an outcome group share: the remedy sought, the outcome
    ended with, its root cause (id) and whether a final response changed the first."""

    sought: str | None
    kind: str | None
    root_cause_id: int | None
    changed: bool | None


def outcome_groups(period: Period, filters: ReportFilters) -> dict[GroupKey, tuple[int, int, int]]:
    """The complaints grouped by remedy sought, outcome ended with, its root cause and
    whether a final response changed the first outcome: (complaints, refunds, refund cents)
    per group."""
    keys = (
        Complaint.preferred_solution,
        Complaint.outcome_kind,
        Complaint.outcome_root_cause_id,
        Complaint.review_changed,
    )
    query = (
        select(
            *keys,
            func.count(),
            func.count(Complaint.outcome_refund_cents),
            func.sum(Complaint.outcome_refund_cents),
        )
        .where(*conditions(period, filters))
        .group_by(*keys)
    )
    return {
        GroupKey(row[0], row[1], row[2], None if row[3] is None else bool(row[3])): (
            int(row[4]),
            int(row[5]),
            int(row[6] or 0),
        )
        for row in db.session.execute(query)
    }


def rating_counts(period: Period, filters: ReportFilters) -> list[tuple[int, int | None, int]]:
    """(resolution score, handling score or None, ratings)."""
    query = (
        select(Rating.score, Rating.handling_score, func.count())
        .join(Complaint, Complaint.id == Rating.complaint_id)
        .where(*conditions(period, filters))
        .group_by(Rating.score, Rating.handling_score)
    )
    rows = db.session.execute(query)
    return [(int(s), None if h is None else int(h), int(n)) for s, h, n in rows]


@dataclass(frozen=True)
class RatingComment:
    """One customer's words with their two scores."""

    reference: str
    rated_at: datetime
    score: int
    handling_score: int | None
    comment: str
    #: The rating's id: the order of two ratings made in the same moment (newest first).
    rating_id: int = 0

    @property
    def newness(self) -> tuple[datetime, int]:
        """What "newest first" sorts by."""
        return (self.rated_at, self.rating_id)


#: The newest commented ratings looked at first (see latest_comments).
NEWEST_RATINGS = 500


def latest_comments(period: Period, filters: ReportFilters, limit: int) -> list[RatingComment]:
    """The newest ratings with a comment, newest first.

    The newest NEWEST_RATINGS commented ratings (ix_rating_created_at) usually hold them
    when the period is recent; only when they do not is every rating of the period's
    complaints read and sorted (a database plans the joined query that way regardless)."""
    newest = (
        select(Rating)
        .where(Rating.comment != "")
        .order_by(Rating.created_at.desc(), Rating.id.desc())
        .limit(NEWEST_RATINGS)
        .subquery()
    )
    found = _comments(aliased(Rating, newest), period, filters, limit)
    if len(found) < limit:
        found = _comments(Rating, period, filters, limit)
    return found


def _comments(
    rating: Any, period: Period, filters: ReportFilters, limit: int
) -> list[RatingComment]:
    query = (
        select(
            Complaint.reference,
            rating.created_at,
            rating.score,
            rating.handling_score,
            rating.comment,
            rating.id,
        )
        .select_from(rating)
        .join(Complaint, Complaint.id == rating.complaint_id)
        .where(*conditions(period, filters), rating.comment != "")
        .order_by(rating.created_at.desc(), rating.id.desc())
        .limit(limit)
    )
    return [RatingComment(*row) for row in db.session.execute(query)]


def referral_counts(period: Period, filters: ReportFilters) -> tuple[int, dict[str | None, int]]:
    """How many complaints were referred to a dispute body, and referrals per decision
    (None: no decision yet). Read from the referrals (few), each joined to its complaint."""
    joined = select(Referral.complaint_id, Referral.decision).join(
        Complaint, Complaint.id == Referral.complaint_id
    )
    rows = db.session.execute(joined.where(*conditions(period, filters))).all()
    decisions: dict[str | None, int] = {}
    for _complaint_id, decision in rows:
        decisions[decision] = decisions.get(decision, 0) + 1
    return len({complaint_id for complaint_id, _decision in rows}), decisions


def root_cause_keys() -> dict[int, tuple[str, str | None]]:
    """Every root cause's key and own name (None: the translated words of its key), by id."""
    rows = db.session.execute(select(RootCause.id, RootCause.key, RootCause.name))
    return {cause_id: (key, name) for cause_id, key, name in rows}


def month_changes(first: str, last: str) -> dict[str, int]:
    """The change counters of the months from `first` to `last` (YYYY-MM; a month never
    changed has none: 0)."""
    query = select(ReportMonth.month, ReportMonth.changes).where(
        ReportMonth.month >= first, ReportMonth.month <= last
    )
    return {month: int(changes) for month, changes in db.session.execute(query)}
