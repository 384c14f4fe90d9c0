"""The PostgreSQL backend: tsvectors in `search_document`, for several app servers sharing
one database (no local files, so every server sees every update at once).

Changes are queued (indexing/queue) and the indexer writes a batch of documents in one short
transaction that first locks the complaints' rows (SELECT … FOR UPDATE), so two writers of
the same complaint write in commit order and the last write is the newest text. With
`in_transaction` (SEARCH_INDEX_IN_TRANSACTION=1) a change writes its own entries before it
commits instead: measured slower per submission (docs/performance.md), as concurrent
requests then wait for each other's row locks and vocabulary inserts. The tokens are split by our
tokenizer before PostgreSQL sees them, which keeps hits identical to the Whoosh backend.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, TextClause, delete, exists, select, text
from sqlalchemy.exc import SQLAlchemyError

from ...domain.inbox import InboxQuery
from ...models import Complaint
from ...models.search import SearchEntry
from ..base import OLD_ANALYSIS, Applied, CheckReport, Hits, IndexUnavailable
from ..documents import compare_markers
from ..indexing.queue import drain
from ..indexing.queue import state as queue_state
from ..language.nodes import Node, Phrase, Word, leaves
from ..language.text import candidate_distance, is_fuzzy_match
from ..sql import inbox_conditions
from .page import read_rows, search_statement
from .query import Compiler
from .sql import HAS_ANALYSIS, HAS_PAIRS, ensure_schema
from .writes import rebuild, write_rows

log = logging.getLogger(__name__)

#: work_mem of one search's transaction (see below).
WORK_MEM = "64MB"


def _planner_settings(**settings: str) -> TextClause:
    """One statement setting these for the rest of the transaction (set_config(…, true), as
    SET LOCAL does): four SET LOCALs were four round trips a search."""
    calls = ", ".join(f"set_config('{name}', '{value}', true)" for name, value in settings.items())
    return text(f"SELECT {calls}")


#: The planner settings of a search's transaction:
#: - no parallel workers: one search is one client's request among others on the same cores,
#:   and workers only add their start-up cost to it (measured in docs/performance.md);
#: - no JIT compilation: at 1,000,000 complaints a common word's plan costs more than
#:   jit_above_cost, and compiling took 14 ms of a 60 ms statement;
#: - WORK_MEM: the matches CTE of a common word at 1,000,000 complaints (300,000 rows) is
#:   bigger than the default 4 MB, and would be written to a temporary file;
#: - for words and phrases, no sequential scan: matching words is the GIN index's job, and a
#:   sequential scan reads every vector. A search by filters alone leaves it to the planner.
_EVERY_SEARCH = {"max_parallel_workers_per_gather": "0", "jit": "off", "work_mem": WORK_MEM}
FILTER_SETTINGS = _planner_settings(**_EVERY_SEARCH)
SEARCH_SETTINGS = _planner_settings(**_EVERY_SEARCH, enable_seqscan="off")


class PostgresBackend:
    """Full-text search inside the database."""

    name = "postgres"
    cache_size = 0  # other servers change the rows: nothing is remembered per process
    unmerged = False
    merges_apart = False
    lock_timeout = 10.0

    def __init__(
        self,
        engine: Callable[[], Engine],
        zone: Callable[[], ZoneInfo],
        procs: int = 2,
        in_transaction: bool = False,
    ) -> None:
        self._engine = engine
        self._zone = zone
        self.procs = procs
        self._schema_ready = False
        self._pairs = False  # every row has pair lexemes (see _pairs_for)
        #: Write a change's entry in its own transaction (indexing/hooks) instead of queueing
        #: it for the indexer: see docs/performance.md for both measured.
        self.in_transaction = in_transaction

    def cache_token(self) -> object | None:
        """No per-process caching: every server must see every change at once."""
        return None

    # --- writing ------------------------------------------------------------------------

    def _ensure(self, conn: Connection) -> None:
        if not self._schema_ready:
            ensure_schema(conn)
            self._schema_ready = True

    def index(self, ids: set[int]) -> None:
        """Rewrite these complaints' rows (and drop the rows of deleted complaints)."""
        if not ids:
            return
        with self._engine().begin() as conn:
            self._ensure(conn)
            write_rows(conn, sorted(ids))

    def index_in(self, conn: Connection, ids: Iterable[int]) -> None:
        """Rewrite these complaints' rows inside the caller's transaction (indexing/hooks,
        when `in_transaction`): they commit with the change itself."""
        self._ensure(conn)
        write_rows(conn, sorted(set(ids)))

    # The queue (indexing/queue): rows written while not `in_transaction`, or by a change
    # whose entry could not be written in its transaction, applied by the indexer.

    def writing(self, timeout: float) -> AbstractContextManager[bool]:
        """No lock of our own: each write locks its complaints' rows (see _write)."""
        return nullcontext(True)

    def apply(self, ids: list[int], *, merge: bool = True) -> Applied:
        """Rewrite these complaints' rows in one transaction (nothing to merge)."""
        self.index(set(ids))
        return "applied"

    def rebuilding(self) -> bool:
        """A rebuild rewrites rows in place: the queue never waits for it."""
        return False

    def optimise(self) -> bool:
        """Nothing to merge (PostgreSQL's autovacuum looks after the GIN indexes)."""
        return False

    def merge_apart(self, idle: bool) -> bool | None:
        """Nothing to merge."""
        return False

    def remove(self, ids: set[int]) -> None:
        """Delete these complaints' rows."""
        with self._engine().begin() as conn:
            conn.execute(delete(SearchEntry).where(SearchEntry.complaint_id.in_(sorted(ids))))

    def reindex(self, progress: bool = True) -> int:
        """Rewrite every row (writes.rebuild: searches keep working meanwhile), then apply
        what waited in the queue (as the Whoosh backend does): changes queued before the
        tables existed, or while a write failed, would otherwise wait for an indexer."""
        count = rebuild(self._engine(), self.procs, progress)
        self._schema_ready = True
        drain(self, self._engine())
        return count

    # --- reading ------------------------------------------------------------------------

    def vocabulary_near(self, word: str, max_edits: int, include_internal: bool) -> set[str]:
        """Words in the vocabulary within `max_edits` edits (trigram candidates, then the
        same edit-distance rule as Whoosh)."""
        threshold = 0.1 if len(word) <= 5 else 0.2
        spread = candidate_distance(max_edits)
        try:
            with self._engine().begin() as conn:
                conn.execute(
                    text("SELECT set_config('pg_trgm.similarity_threshold', :t, true)"),
                    {"t": str(threshold)},
                )
                rows = conn.scalars(
                    text(
                        "SELECT word FROM search_word WHERE word % :w AND left(word, 1) = :c "
                        "AND length(word) BETWEEN :lo AND :hi"
                    ),
                    {"w": word, "c": word[:1], "lo": len(word) - spread, "hi": len(word) + spread},
                ).all()
        except SQLAlchemyError:  # pg_trgm missing: typos are not forgiven, search goes on
            log.warning("typo lookup failed (is pg_trgm installed?)", exc_info=True)
            return set()
        return {w for w in rows if is_fuzzy_match(w, word, max_edits)}

    def search(self, node: Node, query: InboxQuery, include_internal: bool) -> Hits:
        """Run the query in the database; IndexUnavailable when the tables are unusable."""
        try:
            return self._search(node, query, include_internal)
        except SQLAlchemyError as exc:
            log.exception("PostgreSQL search failed")
            raise IndexUnavailable(f"corrupt index: {type(exc).__name__}") from exc

    def _search(self, node: Node, query: InboxQuery, include_internal: bool) -> Hits:
        near_cache: dict[Word, set[str]] = {}

        def near(word: Word) -> set[str]:
            """The vocabulary's typo neighbours of a word (looked up once per search)."""
            if word not in near_cache:
                near_cache[word] = self.vocabulary_near(word.word, word.fuzzy, include_internal)
            return near_cache[word]

        compiler = Compiler(include_internal, self._zone(), near, self._pairs_for(node))
        alternatives = compiler.conditions(node)
        filters = inbox_conditions(query, SearchEntry)
        with self._engine().begin() as conn:
            conn.execute(SEARCH_SETTINGS if compiler.uses_text else FILTER_SETTINGS)
            rows = conn.execute(search_statement(compiler, alternatives, filters, query)).all()
        ids, facets, total = read_rows(rows, query)
        return Hits(ids, total, facets)

    def _pairs_for(self, node: Node) -> bool:
        """True when the query has a phrase of two words or more and every row of the index
        has its pair lexemes (once true, it stays true: remembered per process)."""
        if self._pairs or not any(
            isinstance(leaf, Phrase) and len(leaf.words) > 1 for leaf in leaves(node)
        ):
            return self._pairs
        try:
            with self._engine().connect() as conn:
                self._pairs = bool(conn.scalar(HAS_PAIRS))
        except SQLAlchemyError:  # no search_layout yet: an index from before pairs
            return False
        return self._pairs

    # --- health and check ----------------------------------------------------------------

    def _current_analysis(self) -> bool:
        """True when every row was written with today's word forms (language.text)."""
        try:
            with self._engine().connect() as conn:
                return bool(conn.scalar(HAS_ANALYSIS))
        except SQLAlchemyError:  # no search_layout yet: old rows, or none written at all
            with self._engine().connect() as conn:
                return not conn.scalar(select(exists().where(SearchEntry.complaint_id > 0)))

    def health(self) -> str:
        """'missing index' when complaints exist but none is indexed (or the GIN index is
        missing); 'ok' otherwise. Row-by-row staleness is `flask search check`'s job."""
        try:
            with self._engine().connect() as conn:
                has_complaints = conn.scalar(select(exists().where(Complaint.id > 0)))
                if not has_complaints:
                    return "ok"
                has_rows = conn.scalar(select(exists().where(SearchEntry.complaint_id > 0)))
                gin = conn.scalar(
                    text(
                        "SELECT count(*) FROM pg_indexes WHERE tablename = 'search_document' "
                        "AND indexname LIKE 'search_document_%_gin'"
                    )
                )
        except SQLAlchemyError as exc:
            return f"corrupt index: {type(exc).__name__}"
        return "ok" if has_rows and gin == 2 else "missing index"

    def check(self, fix: bool = False) -> CheckReport:
        """Compare each complaint's marker with its row; `fix` rewrites what differs."""
        report = CheckReport()
        with self._engine().connect() as conn:
            rows = conn.execute(select(SearchEntry.complaint_id, SearchEntry.marker)).all()
            compare_markers(conn, dict(rows), report)
            report.pending = queue_state(conn).rows
        health = self.health()
        if health != "ok" and not report.missing:
            report.problem = health
        elif not self._current_analysis():
            report.problem = OLD_ANALYSIS
            if fix:
                self.reindex(progress=False)
                report.fixed = True
                return report
        if fix and not report.ok:
            with self._engine().begin() as conn:
                ensure_schema(conn)
            self.index(set(report.missing) | set(report.stale) | set(report.extra))
            drain(self, self._engine())
            report.fixed = True
        return report
