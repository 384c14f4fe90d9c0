"""The inbox's URL parameters: read forgivingly, written back into links, turned into a query.

Filters, quick filters, facets, sort and page links all build their URLs from one
`InboxFilters` with `args(**changes)`, so the search text and the sort travel with every
link and a change of filter or text starts again at page 1.

The status left at its default ("") means open complaints without text and every status
with text: a search looks everywhere unless staff narrow it (`status_in_effect`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..domain.inbox import SORTS, InboxQuery
from ..models.complaint import OPEN_STATUSES
from ..words import labels

PER_PAGE = 25
MAX_PAGE = 10_000
OPEN_KEYS = OPEN_STATUSES  # sorted, as ix_complaint_open_due lists them
STATUS_CHOICES = ("", "open", "all", *labels.STATUSES)


@dataclass(frozen=True)
class InboxFilters:
    """The inbox's URL parameters, checked: anything unknown falls back to the default."""

    q: str = ""
    status: str = ""  # "" the default: "open" without text, "all" with text
    category: str = ""
    assignee: str = ""  # "" any | "mine" | "unassigned" | a staff id
    due: str = ""  # "" | "soon" | "overdue"
    mediation: str = ""  # "" | "open": with a referral not yet decided, whatever the status
    mail: str = ""  # "" | "failed": with an email the outbox gave up on, whatever the status
    sort: str = ""  # "" = the default: best match with text, due first without
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> InboxFilters:
        """Read request.args forgivingly (a bad value is ignored, never an error)."""
        text = " ".join((args.get("q") or "").split())[:500]
        status = args.get("status") or ""
        category = args.get("category") or ""
        assignee = args.get("assignee") or ""
        due = args.get("due") or ""
        mediation = args.get("mediation") or ""
        mail = args.get("mail") or ""
        sort = args.get("sort") or ""
        page = args.get("page") or "1"
        whatever_status = mediation == "open" or mail == "failed"
        if status not in STATUS_CHOICES or (status in ("", "open") and whatever_status):
            # Cases in mediation are mostly past their final response (not "open"), and an
            # email can fail at any point: these filters list them whatever the status
            # unless one status is chosen.
            status = "all" if whatever_status else ""
        return cls(
            q=text,
            status=status,
            category=category if category in labels.CATEGORIES else "",
            assignee=assignee if _is_assignee(assignee) else "",
            due=due if due in ("soon", "overdue") else "",
            mediation=mediation if mediation == "open" else "",
            mail=mail if mail == "failed" else "",
            sort=sort if sort in SORTS else "",
            page=min(int(page), MAX_PAGE) if page.isdigit() and int(page) > 0 else 1,
        )

    @property
    def status_in_effect(self) -> str:
        """The status filter the list applies: the chosen one, else "all" while searching
        (a search looks at every status unless narrowed) and "open" without text."""
        return self.status or ("all" if self.q else "open")

    @property
    def sort_in_effect(self) -> str:
        """The order the list is in: the chosen one, else best match with text, due first
        without (relevance means nothing without words to match)."""
        if self.sort == "relevance" and not self.q:
            return "due"
        return self.sort or ("relevance" if self.q else "due")

    def args(self, **changes: Any) -> dict[str, Any]:
        """URL parameters for these filters with `changes` (defaults left out). Changing
        anything but the page starts again at page 1."""
        if "page" not in changes:
            changes["page"] = 1 if changes else self.page
        values = {**self.__dict__, **changes}
        return {k: v for k, v in values.items() if v != _DEFAULTS[k]}

    def to_query(self, *, me: int, today: date, next_business_day: date) -> InboxQuery:
        """The InboxQuery these filters ask for, for staff member `me` on `today`."""
        statuses: tuple[str, ...] = ()
        status = self.status_in_effect
        if status == "open":
            statuses = OPEN_KEYS
        elif status != "all":
            statuses = (status,)
        return InboxQuery(
            text=self.q,
            statuses=statuses,
            categories=(self.category,) if self.category else (),
            assignee_id=me if self.assignee == "mine" else _int_or_none(self.assignee),
            unassigned=self.assignee == "unassigned",
            due_on_or_before=next_business_day if self.due == "soon" else None,
            due_before=today if self.due == "overdue" else None,
            in_mediation=self.mediation == "open",
            email_failed=self.mail == "failed",
            sort=self.sort_in_effect,
            page=self.page,
            per_page=PER_PAGE,
        )


#: The value of every filter left at its default (what `args` leaves out of a URL).
_DEFAULTS = InboxFilters().__dict__


def _is_assignee(value: str) -> bool:
    """True for an assignee filter value we understand."""
    return value in ("", "mine", "unassigned") or (value.isdigit() and len(value) < 10)


def _int_or_none(value: str) -> int | None:
    """A staff id from the URL, or None."""
    return int(value) if value.isdigit() else None
