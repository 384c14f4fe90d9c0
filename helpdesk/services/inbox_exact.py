"""Exact hits in the inbox: text that is one whole reference code, order number or email
address finds the complaints it names whatever the inbox filters, first on the page and
marked as exact matches (the one identifier sure to be unique should not need a second
click because the status filter was still on "open").

The search backend finds the named complaints among every complaint (`search.exact_matches`,
an index lookup), and one query by id tells which of them the filters leave out; `inbox`
puts those on the first page, before the results.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import search
from ..domain.inbox import InboxQuery
from .inbox_sql import within_filters


@dataclass(frozen=True)
class ExactHits:
    """The complaints the typed text names, newest first, and those the filters leave out."""

    ids: list[int] = field(default_factory=list)
    outside: list[int] = field(default_factory=list)


def find_exact_hits(query: InboxQuery) -> ExactHits:
    """The complaints `query.text` names exactly (none unless it is one whole code, order
    number or email address), and which of them the filters of `query` leave out."""
    ids = search.exact_matches(query.text) if query.text else []
    if not ids:
        return ExactHits()
    inside = within_filters(ids, query)
    return ExactHits(ids, [i for i in ids if i not in inside])
