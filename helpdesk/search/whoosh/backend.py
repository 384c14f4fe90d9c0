"""The Whoosh backend: searches on the live index, batches of queued changes written by one
writer at a time, segments merged beside the live index (or, without the speed-ups, in the
commits and when idle), rebuilds beside the live index, checks."""

from __future__ import annotations

import logging
import shutil
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, select

from ...domain.inbox import InboxQuery
from ...models import Complaint
from ..base import CACHED_RANK, OLD_ANALYSIS, Applied, CheckReport, Hits, IndexUnavailable
from ..documents import SearchDocument
from ..failures import quietly
from ..indexing.queue import drain, enqueue_now, forget, row_ids_now
from ..indexing.queue import state as queue_state
from ..language.nodes import Node
from ..language.text import ANALYSIS_VERSION
from .build import PARALLEL_FROM, build_index
from .fast.files import open_fast_index
from .fast.reads import FAST
from .health import Health, compare_with_database
from .pool import SearcherPool
from .reads import STOCK
from .schema import analysis_of, make_schema
from .search import Ranked, rank
from .segments import SegmentCache
from .store import IndexStore, generation_of, open_index
from .writes import apply_batch, delete_now, merge_apart, merge_small

log = logging.getLogger(__name__)


class WhooshBackend:
    """Search files on local disk, shared by every worker process of this server."""

    name = "whoosh"
    in_transaction = False  # changes are queued; the indexer writes them in batches

    def __init__(
        self,
        index_dir: Path,
        engine: Callable[[], Engine],
        zone: Callable[[], ZoneInfo],
        cache_size: int = 64,
        lock_timeout: float = 10.0,
        procs: int = 2,
        parallel_from: int = PARALLEL_FROM,
        *,
        fast: bool = True,
    ) -> None:
        self.store = IndexStore(index_dir)
        self.schema = make_schema()
        self._engine = engine
        self._zone = zone
        self._lock = threading.Lock()
        self._health = Health()
        #: The speed-ups (whoosh/fast) on, or Whoosh's public API only (LIBRARY_PATCHES=0).
        self.fast = fast
        #: Segments merged beside the live index (`merge_apart`, a speed-up): batch
        #: commits of the background indexer need not merge.
        self.merges_apart = fast
        self._merged_apart = False  # no merge_apart call yet in this process
        self._segments = SegmentCache(FAST if fast else STOCK)
        self._searchers = SearcherPool(opener=open_fast_index if fast else open_index)
        self._results: OrderedDict[tuple[object, ...], Ranked] = OrderedDict()
        self.cache_size = cache_size
        self.lock_timeout = lock_timeout
        self.procs = procs
        self.parallel_from = parallel_from
        #: True after a batch commit that merged nothing (the indexer then optimises).
        self.unmerged = False

    # --- reading --------------------------------------------------------------------------
    # Searches borrow an open searcher of the live index's current version from a small
    # pool (opening one costs about 2 ms); a new version (a commit or a rebuild) is seen at
    # once, as its token differs. What is costly to read (columns, category and status
    # masks) is cached per segment, which never changes.

    def search(self, node: Node, query: InboxQuery, include_internal: bool) -> Hits:
        """Run a parsed query; IndexUnavailable when the index is missing or unreadable."""
        need = query.offset + query.per_page
        token = self._token()
        if token is None:
            raise IndexUnavailable("missing index")
        ranked, error = quietly(lambda: self._ranked(token, node, query, include_internal, need))
        if ranked is None:
            raise IndexUnavailable(f"corrupt index: {error}")
        return Hits(ranked.ids[query.offset : need], ranked.total, ranked.facets)

    def cache_token(self) -> object | None:
        """What identifies the live index's current content (None: do not cache)."""
        return self._token() if self.cache_size > 0 else None

    def _token(self) -> tuple[Path, int] | None:
        """(live folder, generation) of the index, from the folder listing alone."""
        live = self.store.current_dir()
        generation = generation_of(live) if live is not None else None
        return None if live is None or generation is None else (live, generation)

    def _ranked(
        self,
        token: tuple[Path, int],
        node: Node,
        query: InboxQuery,
        include_internal: bool,
        need: int,
    ) -> Ranked:
        """The ranked matches, from the per-process cache while the index is unchanged."""
        key = (
            token,
            node,
            include_internal,
            query.statuses,
            query.categories,
            query.assignee_id,
            query.unassigned,
            query.due_on_or_before,
            query.due_before,
            query.sort,
        )
        with self._lock:
            ranked = self._results.get(key) if need <= CACHED_RANK else None
        if ranked is not None:
            return ranked
        with self._searchers.borrow(token) as searcher:
            ranked = rank(
                searcher,
                self._segments,
                node,
                query,
                include_internal,
                self._zone(),
                max(need, CACHED_RANK),
            )
        self._remember(key, ranked)
        return ranked

    def _remember(self, key: tuple[object, ...], ranked: Ranked) -> None:
        if self.cache_size <= 0:
            return
        with self._lock:
            self._results[key] = ranked
            while len(self._results) > self.cache_size:
                self._results.popitem(last=False)

    def health(self) -> str:
        """'ok', 'missing index' (when complaints exist), 'corrupt index: …' or
        'read-only index: …' (whoosh/health)."""
        return self._health.of(self.store.current_dir(), self._complaint_count)

    def _complaint_count(self) -> int:
        with self._engine().connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(Complaint)) or 0)

    # --- writing ------------------------------------------------------------------------
    # Requests only queue changes (indexing/queue); the indexer applies them a batch per
    # commit and optimises when the queue is idle. How a batch, a merge or a deletion is
    # written is whoosh/writes.

    def writing(self, timeout: float) -> AbstractContextManager[bool]:
        """Hold the writers' lock (yields False when it stayed busy for `timeout` seconds)."""
        return self.store.write_lock(timeout)

    def apply(self, ids: list[int], *, merge: bool = True) -> Applied:
        """Write these complaints' current documents in one commit (call it holding
        `writing`): 'applied', 'kept' while a rebuild runs, 'waiting' without an index.
        Without `merge` the commit merges nothing (`merge_apart` does it)."""
        applied = apply_batch(
            self.store, self.schema, self._engine(), ids, self.lock_timeout, merge=merge
        )
        if applied != "waiting":
            self.unmerged = True
        return applied

    def rebuilding(self) -> bool:
        """True while a rebuild runs (the indexer then passes over the rows it keeps)."""
        return self.store.rebuild_running()

    def optimise(self) -> bool:
        """Merge the small segments left by batches into one (when the queue is idle);
        False when there was nothing to merge or another writer is busy."""
        merged = merge_small(self.store, self.lock_timeout)
        if merged is not None:
            self.unmerged = False
        return bool(merged)

    def merge_apart(self, idle: bool) -> bool | None:
        """Merge a full size tier of the batches' small segments (every small one when
        `idle`) without holding up batches (whoosh/writes). True when merged, False when
        there was nothing to merge, None when the merge was dropped."""
        merged = merge_apart(self.store, idle, self.lock_timeout, first=not self._merged_apart)
        self._merged_apart = True
        if idle and merged is not None:
            self.unmerged = False
        return merged

    def index(self, ids: set[int]) -> None:
        """Queue these complaints and apply the queue now (bulk changes behind the ORM's
        back, `search check --fix`). Never raises for a broken index: the rows stay queued."""
        engine = self._engine()
        if ids:
            enqueue_now(engine, ids)
        _, error = quietly(lambda: drain(self, engine, lock_timeout=self.lock_timeout))
        if error:
            log.error("search index update failed (%s): %d ids stay queued", error, len(ids))

    def remove(self, ids: set[int]) -> None:
        """Delete these documents now; when the lock stays busy, queue them instead."""
        if not delete_now(self.store, ids, self.lock_timeout):
            enqueue_now(self._engine(), ids)

    # --- rebuild and check --------------------------------------------------------------

    def reindex(
        self, progress: bool = True, batches: Iterable[list[SearchDocument]] | None = None
    ) -> int:
        """Build a fresh index from the database beside the live one, then swap it in."""
        engine = self._engine()
        with ExitStack() as stack:
            if not stack.enter_context(self.store.rebuilding()):
                raise RuntimeError("another rebuild of the search index is running")
            covered = row_ids_now(engine)  # the database read below includes these changes
            path = self.store.new_version_dir()
            try:
                count = build_index(
                    path,
                    self.schema,
                    engine,
                    self.procs,
                    self.parallel_from,
                    progress,
                    batches,
                    fast=self.fast,
                )
            except BaseException:
                shutil.rmtree(path, ignore_errors=True)  # the live index stays as it was
                raise
            with self.store.write_lock(max(self.lock_timeout, 60.0)) as held:
                if not held:
                    raise RuntimeError("search index busy: could not swap in the rebuilt index")
                self.store.swap(path)
                stack.close()  # release the rebuild lock: queued rows may now leave the queue
                forget(engine, covered)
        self.index(set())  # what was queued during the rebuild goes into the new index
        return count

    def check(self, fix: bool = False) -> CheckReport:
        """Compare every complaint's marker with the index; `fix` re-indexes what differs."""
        with self._engine().connect() as conn:
            report = CheckReport(pending=queue_state(conn).rows)
        problem = self.health()
        if problem != "ok":
            report.problem = problem
            if fix:
                self.reindex(progress=False)
                report.fixed = True
            return report
        live = self.store.current_dir()
        if live is None:  # an empty database without an index yet: nothing to compare
            return report
        index = open_index(live)
        if analysis_of(index.schema) < ANALYSIS_VERSION:
            report.problem = OLD_ANALYSIS  # still searched; new word forms after a rebuild
            if fix:
                self.reindex(progress=False)
                report.fixed = True
            return report
        compare_with_database(index, self._engine(), report)
        if fix and not report.ok:
            self.index(set(report.missing) | set(report.stale) | set(report.extra))
            report.fixed = True
        return report
