"""One inbox row as read from the database: the columns the list and its clocks need.

The inbox shows 25 complaints a page; reading them as plain rows (no ORM identity map, no
description text, no password hash of the assignee) costs a fraction of loading whole
Complaint objects. `InboxItem` has the attribute names of a Complaint, so the clocks,
badges and templates read it the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import func

from ..domain.reference import format_reference
from ..models import Complaint, Staff

#: Characters of the description read per row, and at most how many of them a row shows.
OPENING_READ = 240
GIST_SHOWN = 100


@dataclass(frozen=True, slots=True)
class Assignee:
    """Who a listed complaint is assigned to."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class InboxItem:
    """What the inbox lists of one complaint."""

    id: int
    reference: str
    name: str
    category: str
    status: str
    received_at: datetime
    ack_due_on: date
    response_due_on: date
    acknowledged_at: datetime | None
    paused_since: datetime | None
    responded_at: datetime | None
    review_requested_at: datetime | None
    final_at: datetime | None
    last_customer_message_at: datetime | None
    preferred_solution: str | None
    channel: str
    #: The first OPENING_READ characters of the description.
    opening: str
    assignee: Assignee | None

    @property
    def display_reference(self) -> str:
        """The code as people read it: XXXX-XXXX-XXXX."""
        return format_reference(self.reference)

    @property
    def gist(self) -> str:
        """What the complaint is about at a glance: an email's subject (its description's
        first line), else the description's first words, cut at a word with "…"."""
        return first_words(self.opening, subject_only=self.channel == "email")


#: How a greeting line starts, in English and Dutch ("Good afternoon,", "Geachte heer,").
GREETINGS = frozenset({"hello", "hi", "hey", "dear", "good", "greetings", "to"}) | frozenset(
    {"beste", "geachte", "hallo", "hoi", "dag", "goedemorgen", "goedemiddag", "goedenavond"}
)


def _is_greeting(line: str) -> bool:
    """A short first line that only greets: "Hello there,", "Beste klantenservice,"."""
    words = line.lower().split()
    return 0 < len(words) <= 5 and line.rstrip().endswith(",") and words[0].strip(",") in GREETINGS


# Remembered: a function of its arguments alone, so a kept answer cannot go stale, and the
# same complaints head every agent's inbox page (2 % of the page's CPU, py-spy). 2,048
# openings of at most OPENING_READ characters keep about 1 MB.
@lru_cache(maxsize=2048)
def first_words(opening: str, *, subject_only: bool = False, limit: int = GIST_SHOWN) -> str:
    """The start of `opening` on one line, after a greeting line ("Hello there,", "Beste
    klantenservice,"): its first line only with `subject_only`; at most `limit` characters,
    cut after a whole word with "…" when there is more."""
    text = opening.strip()
    first, _, rest = text.partition("\n")
    if rest.strip() and _is_greeting(first):
        text = rest.strip()  # (an email without a subject starts with its greeting)
    if subject_only:
        text = text.split("\n", 1)[0]
    words = " ".join(text.split())
    more = len(words) > limit or (not subject_only and len(opening) >= OPENING_READ)
    if len(words) > limit:
        cut = words[: limit + 1].rsplit(" ", 1)[0] if " " in words[:limit] else words[:limit]
        words = cut.rstrip(" ,.;:-")
    return words + "…" if more and words else words


#: The complaint's columns of an InboxItem, in field order (the assignee follows them).
ITEM_COLUMNS = (
    Complaint.id,
    Complaint.reference,
    Complaint.name,
    Complaint.category,
    Complaint.status,
    Complaint.received_at,
    Complaint.ack_due_on,
    Complaint.response_due_on,
    Complaint.acknowledged_at,
    Complaint.paused_since,
    Complaint.responded_at,
    Complaint.review_requested_at,
    Complaint.final_at,
    Complaint.last_customer_message_at,
    Complaint.preferred_solution,
    Complaint.channel,
    func.substr(Complaint.description, 1, OPENING_READ),
)
#: The assignee's columns, selected after ITEM_COLUMNS (outer join: None when unassigned).
ASSIGNEE_COLUMNS = (Staff.id, Staff.name)
_WIDTH = len(ITEM_COLUMNS)


def item_from_row(row: Any) -> InboxItem:
    """An InboxItem from a row that starts with ITEM_COLUMNS then ASSIGNEE_COLUMNS."""
    staff_id, staff_name = row[_WIDTH], row[_WIDTH + 1]
    assignee = Assignee(staff_id, staff_name) if staff_id is not None else None
    values: list[Any] = [*row[:_WIDTH], assignee]
    return InboxItem(*values)
