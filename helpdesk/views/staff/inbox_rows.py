"""The inbox rows as the template shows them, worked out in Python once per row.

A page has 25 rows with two clock badges each; looking the words, classes and dates up
here keeps the template's row loop to plain attribute reads (no calls through Jinja).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup

from ...runtime.clock import business_calendar, shop_timezone
from ...services.badges import ClockBadge, Words, clock_badges
from ...services.inbox import InboxPage
from ...words import labels


@dataclass(frozen=True, slots=True)
class BadgeCell:
    """One clock badge of a row: its words, CSS class and due date (ISO)."""

    text: str
    css: str
    due: str


@dataclass(frozen=True, slots=True)
class InboxRow:
    """Everything one inbox row shows."""

    id: int
    reference: str
    display_reference: str
    new_answer: bool
    snippets: list[Markup]
    name: str
    category: str
    status: str
    status_words: str
    #: The assignee's name, None when nobody is assigned.
    assignee: str | None
    ack: BadgeCell
    response: BadgeCell
    #: The remedy the customer asked for in lower case ("refund"), None when not stated.
    wants: str | None = None
    #: The complaint's first words (an email's subject), under the customer's name.
    gist: str = ""
    #: Named exactly by the search (its code, order number or email address).
    exact: bool = False


def _gist(gist: str, snippets: list[Markup]) -> str:
    """The first words, unless a snippet of the search starts with them already."""
    for snippet in snippets:
        start = snippet.striptags()[:15]
        if start and gist.startswith(start):
            return ""
    return gist


def _cell(badge: ClockBadge) -> BadgeCell:
    """The template's view of a badge."""
    return BadgeCell(badge.text, badge.css, badge.clock.due.isoformat())


def _wants(key: str | None, seen: dict[str, str]) -> str | None:
    """The remedy asked for as the row's small mark reads it ("refund"), looked up once."""
    if not key:
        return None
    if key not in seen:
        word = labels.preferred_solution_label(key)
        seen[key] = word[:1].lower() + word[1:]
    return seen[key]


def inbox_rows(
    page: InboxPage, now: datetime, status_words: dict[str, str], category_words: dict[str, str]
) -> list[InboxRow]:
    """The page's complaints as rows, badges as of `now`, in the page's language."""
    words: Words = {}
    wants: dict[str, str] = {}
    cal, tz = business_calendar(), shop_timezone()
    rows = []
    for complaint in page.rows:
        ack, response = clock_badges(complaint, now, words, cal=cal, tz=tz)
        snippets = page.snippets.get(complaint.id, [])
        assignee = complaint.assignee
        status, category = complaint.status, complaint.category
        rows.append(
            InboxRow(
                id=complaint.id,
                reference=complaint.reference,
                display_reference=complaint.display_reference,
                new_answer=complaint.id in page.new_answer,
                snippets=snippets,
                name=complaint.name,
                category=category_words.get(category, category),
                status=status,
                status_words=status_words.get(status, status),
                assignee=assignee.name if assignee is not None else None,
                ack=_cell(ack),
                response=_cell(response),
                wants=_wants(complaint.preferred_solution, wants),
                gist=_gist(complaint.gist, snippets),
                exact=complaint.id in page.exact,
            )
        )
    return rows
