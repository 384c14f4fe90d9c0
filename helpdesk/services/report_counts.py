"""The counts behind a report, a month at a time, kept in memory and checked against the
month's change counter (issue 13 item 7: a year's report at 100,000 complaints).

A period splits into month pieces (its first and last may be part of a month). What a piece
counts (services.report_queries) is additive: the period's counts are the sum of its
pieces'. Each process keeps the pieces it counted, each with the change counter of its
month (models.ReportMonth) at the time. That counter is raised by database triggers in
the same transaction as every insert, delete or change of a complaint's report columns and
every change to a rating or a referral (migration 0013), so a kept piece whose counter has
not moved is exactly what counting again would give; any other piece is counted again.
The counters are read before and after counting, and a piece is kept only when its
month's did not move in between (a change committed meanwhile may or may not be in it).

What depends on today (whether an open clock is overdue) is kept as the open clocks' due
dates, and judged when a report asks. The newest comments are kept like the counts: the
COMMENTS_SHOWN newest of each piece, of which the period shows the newest.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app

from ..domain.reports import Period, week_start
from . import report_queries as q
from .report_queries import GroupKey, RatingComment, ReportFilters

#: Pieces kept per process (a piece is a few hundred small numbers: some 30 KB).
MAX_PIECES = 512
#: The newest comments a report shows.
COMMENTS_SHOWN = 10


@dataclass
class Counts:
    """Everything a report counts over a span of days (see report_queries for each)."""

    #: Complaints per (week, category): the Monday of the week, only the span's days of it.
    weeks: Counter[tuple[date, str]] = field(default_factory=Counter)
    #: report_queries.CLOCK_COUNTS, over all the days.
    clocks: Counter[str] = field(default_factory=Counter)
    ack_open_due: Counter[date] = field(default_factory=Counter)
    response_open_due: Counter[date] = field(default_factory=Counter)
    taken: Counter[tuple[int | None, int | None]] = field(default_factory=Counter)
    #: Per outcome group: complaints, refunds, refund cents.
    groups: dict[GroupKey, tuple[int, int, int]] = field(default_factory=dict)
    ratings: Counter[tuple[int, int | None]] = field(default_factory=Counter)
    referred: int = 0
    decisions: Counter[str | None] = field(default_factory=Counter)
    #: The newest commented ratings, newest first (at most COMMENTS_SHOWN).
    comments: list[RatingComment] = field(default_factory=list)

    def add(self, other: Counts) -> None:
        """Add another span's counts (the spans do not overlap)."""
        self.weeks.update(other.weeks)
        self.clocks.update(other.clocks)
        self.ack_open_due.update(other.ack_open_due)
        self.response_open_due.update(other.response_open_due)
        self.taken.update(other.taken)
        for key, (n, refunds, cents) in other.groups.items():
            had = self.groups.get(key, (0, 0, 0))
            self.groups[key] = (had[0] + n, had[1] + refunds, had[2] + cents)
        self.ratings.update(other.ratings)
        self.referred += other.referred
        self.decisions.update(other.decisions)
        if other.comments:
            both = sorted([*self.comments, *other.comments], key=lambda c: c.newness)
            self.comments = both[::-1][:COMMENTS_SHOWN]


def count(period: Period, filters: ReportFilters) -> Counts:
    """The counts of the complaints received in `period` that match `filters`, counted in
    SQL now: what a piece holds."""
    ack_due, response_due = q.open_clocks(period, filters)
    referred, decisions = q.referral_counts(period, filters)
    weeks: Counter[tuple[date, str]] = Counter()
    clocks: Counter[str] = Counter()
    for row in q.day_counts(period, filters):
        weeks[(week_start(row.day), row.category)] += row.complaints
        clocks.update(row.clocks)
    return Counts(
        weeks=weeks,
        clocks=clocks,
        ack_open_due=Counter(ack_due),
        response_open_due=Counter(response_due),
        taken=Counter({(ack, response): n for ack, response, n in q.days_taken(period, filters)}),
        groups=q.outcome_groups(period, filters),
        ratings=Counter({(s, h): n for s, h, n in q.rating_counts(period, filters)}),
        referred=referred,
        decisions=Counter(decisions),
        comments=q.latest_comments(period, filters, COMMENTS_SHOWN),
    )


def month_pieces(period: Period) -> list[Period]:
    """The period cut at the month boundaries, oldest first."""
    pieces, start = [], period.start
    while start <= period.end:
        following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        end = min(period.end, following - timedelta(days=1))
        pieces.append(Period(start, end))
        start = following
    return pieces


def month_key(day: date) -> str:
    """The counter's name for the month of `day`: YYYY-MM."""
    return f"{day.year:04d}-{day.month:02d}"


class _Kept:
    """The pieces one app has counted: (start, end, filters) -> (month counter, counts);
    the least recently used go first. A lock, for threaded workers."""

    def __init__(self) -> None:
        self.pieces: OrderedDict[tuple[date, date, ReportFilters], tuple[int, Counts]] = (
            OrderedDict()
        )
        self.lock = threading.Lock()

    def get(self, key: tuple[date, date, ReportFilters], mark: int) -> Counts | None:
        with self.lock:
            found = self.pieces.get(key)
            if found is None or found[0] != mark:
                return None
            self.pieces.move_to_end(key)
            return found[1]

    def put(self, key: tuple[date, date, ReportFilters], mark: int, counts: Counts) -> None:
        with self.lock:
            self.pieces[key] = (mark, counts)
            self.pieces.move_to_end(key)
            while len(self.pieces) > MAX_PIECES:
                self.pieces.popitem(last=False)


def _kept() -> _Kept:
    """This app's pieces (each app its own: a test's app never sees another's database)."""
    kept = current_app.extensions.get("report_counts")
    if kept is None:
        kept = current_app.extensions["report_counts"] = _Kept()
    assert isinstance(kept, _Kept)
    return kept


def counts(period: Period, filters: ReportFilters) -> Counts:
    """The counts of the period: kept pieces whose month has not changed, the others
    counted now (and kept when their month did not change meanwhile)."""
    kept = _kept()
    first, last = month_key(period.start), month_key(period.end)
    marks = q.month_changes(first, last)
    total = Counts()
    counted: list[tuple[Period, int, Counts]] = []
    for piece in month_pieces(period):
        mark = marks.get(month_key(piece.start), 0)
        found = kept.get((piece.start, piece.end, filters), mark)
        if found is None:
            found = count(piece, filters)
            counted.append((piece, mark, found))
        total.add(found)
    if counted:
        after = q.month_changes(first, last)
        for piece, mark, found in counted:
            if after.get(month_key(piece.start), 0) == mark:
                kept.put((piece.start, piece.end, filters), mark, found)
    return total


def root_cause_share(period: Period, root_cause_id: int) -> tuple[int, int]:
    """Complaints received in `period` that ended with this root cause, and those that ended
    with any root cause (a corrective action's before and after; no filter), from the
    kept counts."""
    groups = counts(period, ReportFilters()).groups.items()
    count = sum(n for key, (n, _r, _c) in groups if key.root_cause_id == root_cause_id)
    total = sum(n for key, (n, _r, _c) in groups if key.root_cause_id is not None)
    return count, total
