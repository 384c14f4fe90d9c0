"""What an inbox listing asks for: filters, text, sort and page (shared by SQL and search)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

SORTS = ("due", "relevance", "newest", "oldest")


@dataclass(frozen=True)
class InboxQuery:
    """One inbox request. Empty tuples mean "any"; dates come from the business calendar."""

    text: str = ""
    statuses: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    assignee_id: int | None = None
    unassigned: bool = False
    #: "due soon": sla_due_on on or before this date (and a clock running).
    due_on_or_before: date | None = None
    #: "overdue": sla_due_on strictly before this date (today).
    due_before: date | None = None
    #: "In mediation": only complaints with a referral the dispute body has not decided yet.
    in_mediation: bool = False
    #: "Emails failed": only complaints with an email the outbox gave up on.
    email_failed: bool = False
    sort: str = "due"
    page: int = 1
    per_page: int = 25

    @property
    def offset(self) -> int:
        """Rows to skip for this page."""
        return (max(self.page, 1) - 1) * self.per_page
