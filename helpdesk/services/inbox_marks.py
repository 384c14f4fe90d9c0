"""The inbox rows' marks: in mediation (and its reply overdue) and email failed.

Asking for a page's marks took two statements an inbox view (7 % of its py-spy samples), though few
complaints ever carry one. The quick-filter counts already say how many do: none, and
nothing is asked. Otherwise each process keeps every open referral's reply dates and every
complaint with a given-up email, with the value of the inbox's change counter they were
read at (in the same statement): its triggers (migration 0015) raise it on any referral
written and any email given up or no longer so, so while it stands at the value the page's
counts were read at, the kept marks are what asking again would give. When it has moved
they are read again; when there are more than KEEP_AT_MOST, or the transaction has written
(no counter value, see inbox_counts), the page's own are asked for, as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import InboxChanges, OutboxEmail, Referral
from .email_status import FAILED, failed_email_flags
from .mediation import OPEN_REFERRAL, mediation_flags

#: At most this many complaints of a mark are kept per process; more are asked per page.
KEEP_AT_MOST = 500

_COUNTER = select(InboxChanges.changes).where(InboxChanges.id == 1).scalar_subquery()
#: Every open referral's reply dates, with the counter (one row a referral).
_OPEN_REFERRALS = select(
    Referral.complaint_id, Referral.reply_due_on, Referral.replied_on, _COUNTER
).where(OPEN_REFERRAL)
#: Every complaint with a given-up email, with the counter.
_FAILED_MAIL = (
    select(OutboxEmail.complaint_id, _COUNTER)
    .where(FAILED, OutboxEmail.complaint_id.is_not(None))
    .distinct()
)

#: Reply dates (due, replied) of a complaint's open referrals.
Replies = tuple[tuple[date, date | None], ...]


@dataclass(frozen=True)
class Marks:
    """Which of a page's complaints are in mediation, which of those have a reply overdue,
    and which have a given-up email."""

    in_mediation: set[int] = field(default_factory=set)
    reply_overdue: set[int] = field(default_factory=set)
    failed_mail: set[int] = field(default_factory=set)


class _Kept:
    """A process's kept marks, each with the counter value it was read at (replaced whole,
    never changed in place, so threads need no lock)."""

    def __init__(self) -> None:
        self.mediation: tuple[int, dict[int, Replies]] | None = None
        self.failed_mail: tuple[int, frozenset[int]] | None = None


def _kept() -> _Kept:
    kept: _Kept | None = current_app.extensions.get("inbox_marks")
    if kept is None:
        kept = current_app.extensions.setdefault("inbox_marks", _Kept())
    return kept


def page_marks(
    ids: list[int], today: date, counts: Mapping[str, int], changes: int | None
) -> Marks:
    """The marks of the complaints `ids` on `today`, given the quick-filter counts and the
    counter value they were read at (`inbox_counts.counts_and_changes`)."""
    if not ids:
        return Marks()
    flags = _mediation(ids, today, counts["mediation"], changes)
    return Marks(
        in_mediation=set(flags),
        reply_overdue={i for i, overdue in flags.items() if overdue},
        failed_mail=_failed_mail(ids, counts["email_failed"], changes),
    )


def _mediation(ids: list[int], today: date, count: int, changes: int | None) -> dict[int, bool]:
    """{id: reply overdue} of the complaints among `ids` with an open referral."""
    if count == 0:
        return {}
    if changes is None or count > KEEP_AT_MOST:
        return mediation_flags(ids, today)
    kept = _kept()
    found = kept.mediation
    if found is None or found[0] != changes:
        read_at, replies = _open_referrals()
        if read_at != changes:  # moved since the counts were read: used once, not kept
            return _overdue(replies, ids, today)
        found = kept.mediation = (changes, replies)
    return _overdue(found[1], ids, today)


def _open_referrals() -> tuple[int | None, dict[int, Replies]]:
    """The counter's value and every open referral's reply dates, per complaint."""
    rows = db.session.execute(_OPEN_REFERRALS).all()
    replies: dict[int, list[tuple[date, date | None]]] = {}
    for complaint_id, due, replied, _read_at in rows:
        replies.setdefault(complaint_id, []).append((due, replied))
    return (rows[0][3] if rows else None), {i: tuple(dates) for i, dates in replies.items()}


def _overdue(replies: Mapping[int, Replies], ids: list[int], today: date) -> dict[int, bool]:
    """As mediation_flags: True when a referral's reply is due before today and not sent."""
    return {
        i: any(replied is None and due < today for due, replied in replies[i])
        for i in ids
        if i in replies
    }


def _failed_mail(ids: list[int], count: int, changes: int | None) -> set[int]:
    """The complaints among `ids` with a given-up email."""
    if count == 0:
        return set()
    if changes is None or count > KEEP_AT_MOST:
        return failed_email_flags(ids)
    kept = _kept()
    found = kept.failed_mail
    if found is None or found[0] != changes:
        rows = db.session.execute(_FAILED_MAIL).all()
        read_at = rows[0][1] if rows else None
        failed = frozenset(int(row[0]) for row in rows)
        if read_at != changes:  # moved since the counts were read: used once, not kept
            return set(failed.intersection(ids))
        found = kept.failed_mail = (changes, failed)
    return set(found[1].intersection(ids))
