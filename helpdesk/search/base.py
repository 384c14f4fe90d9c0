"""What every search backend promises, and the result types the rest of the app sees."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, Protocol
from zoneinfo import ZoneInfo

from markupsafe import Markup

from ..domain.inbox import InboxQuery
from ..words.labels import CATEGORIES, STATUSES
from .language.nodes import Node

#: How many ordered ids a search keeps in its per-process cache (pages beyond run again).
CACHED_RANK = 100

#: What a backend did with a batch of queued changes: "applied" (the rows may go), "kept"
#: (written, but a rebuild runs whose new index may predate it: the rows stay for it),
#: "waiting" (not written: no index yet, or it is broken; the rows stay).
Applied = Literal["applied", "kept", "waiting"]

#: `search check`'s problem for an index written with older word forms (still searched;
#: words whose new forms it lacks find less until `search reindex`).
OLD_ANALYSIS = "built with older word forms, run `flask --app wsgi search reindex`"


@dataclass
class SearchPage:
    """One page of search results.

    `facets` count the matches per category and per status, each with every other filter
    applied but not its own (so the counts show what choosing another category would
    give). Snippets are HTML built from escaped text, with matches in <mark>.
    """

    complaint_ids: list[int]
    total: int
    facets: dict[str, dict[str, int]]
    snippets: dict[int, list[Markup]] = field(default_factory=dict)
    hint: str | None = None
    fallback: bool = False


@dataclass
class Hits:
    """What a backend found: ordered ids of the asked slice, the total and the facets."""

    ids: list[int]
    total: int
    facets: dict[str, dict[str, int]]


@dataclass
class CheckReport:
    """How the index compares with the database."""

    missing: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)
    pending: int = 0
    problem: str | None = None
    checked: int = 0
    fixed: bool = False

    @property
    def ok(self) -> bool:
        """True when nothing is missing, stale, extra, queued or broken."""
        return not (self.missing or self.stale or self.extra or self.pending or self.problem)


class IndexUnavailable(Exception):
    """The index is missing or unreadable: search falls back to the database."""


class Backend(Protocol):
    """A search backend (Whoosh files, or PostgreSQL full-text search)."""

    name: str
    cache_size: int  # pages remembered per process; 0 = none

    def cache_token(self) -> object | None:
        """Changes whenever the index changes (None: results must not be cached)."""

    def health(self) -> str:
        """'ok', 'missing index' or 'corrupt index: …'."""

    def search(self, node: Node, query: InboxQuery, include_internal: bool) -> Hits:
        """Run a parsed query with the inbox filters, sort and paging; IndexUnavailable."""

    def index(self, ids: set[int]) -> None:
        """Queue these complaints and apply the queue now (deleted ones leave the index)."""

    # The search queue (indexing/queue) and the background indexer (search.indexer).
    lock_timeout: float  # seconds a writer waits for the index's write lock
    unmerged: bool  # batches left segments that optimise() would merge
    merges_apart: bool  # merge_apart() can merge beside the live index (batches need not)
    in_transaction: bool  # entries written in the change's own transaction (indexing/hooks)

    def writing(self, timeout: float) -> AbstractContextManager[bool]:
        """Hold the index's write lock (yields False when it stayed busy)."""

    def apply(self, ids: list[int], *, merge: bool = True) -> Applied:
        """Write these complaints' current documents in one commit (holding `writing`);
        without `merge` the commit merges nothing."""

    def rebuilding(self) -> bool:
        """True while a rebuild runs."""

    def optimise(self) -> bool:
        """Merge what batches left behind (when idle); True when something was merged."""

    def merge_apart(self, idle: bool) -> bool | None:
        """Merge what batches left (a full tier; everything small when `idle`) without
        holding up batches: True merged, False nothing to merge, None dropped."""

    def remove(self, ids: set[int]) -> None:
        """Take these complaints out of the index."""

    def reindex(self, progress: bool) -> int:
        """Rebuild everything from the database; returns the number of documents."""

    def check(self, fix: bool) -> CheckReport:
        """Compare with the database; with `fix`, re-index what differs."""


def empty_facets() -> dict[str, dict[str, int]]:
    """Every category and status key with a zero count."""
    return {"category": dict.fromkeys(CATEGORIES, 0), "status": dict.fromkeys(STATUSES, 0)}


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """The UTC moment a shop-local day begins."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def day_after_start(day: date, zone: ZoneInfo) -> datetime:
    """The UTC moment the shop-local day after `day` begins."""
    return day_start(day + timedelta(days=1), zone)


def like_prefix(prefix: str) -> str:
    """A LIKE pattern matching values that start with `prefix` taken literally (escape "\\")."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"
