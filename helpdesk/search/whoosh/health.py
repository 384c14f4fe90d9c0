"""Is the live Whoosh index sound: the health answer of /healthz, and the markers `search
check` compares with the database."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from ..base import CheckReport
from ..documents import compare_markers
from ..failures import quietly
from .store import fingerprint, has_index, open_index, write_problem

#: A healthy index is probed again when its files change, or after this many seconds.
HEALTH_TTL = 30.0


def _probe(live: Path) -> None:
    """Open the index and read a little of every segment (raises when something is broken)."""
    with open_index(live).reader() as reader:
        for leaf, _ in reader.leaf_readers():
            if leaf.doc_count_all():
                leaf.stored_fields(0)
                leaf.stored_fields(leaf.doc_count_all() - 1)
            next(iter(leaf.lexicon("status")), None)


class Health:
    """The live index's health; an "ok" is remembered while its files stay the same."""

    def __init__(self) -> None:
        self._healthy: tuple[tuple[object, ...], float] | None = None  # (files, when)

    def of(self, live: Path | None, complaints: Callable[[], int]) -> str:
        """'ok', 'missing index' (when `complaints()` says complaints exist), 'corrupt
        index: …' or 'read-only index: …' (no file can be written in it)."""
        if live is None or not has_index(live):
            return "missing index" if complaints() else "ok"
        # Opening the index costs ~10 ms at 100,000 complaints, and a load balancer asks
        # every few seconds: an "ok" holds while the files stay the same, for a while.
        key, now = fingerprint(live), time.monotonic()
        healthy = self._healthy
        if healthy is None or healthy[0] != key or now - healthy[1] >= HEALTH_TTL:
            _, error = quietly(lambda: _probe(live))
            self._healthy = None if error else (key, now)
            if error:
                return f"corrupt index: {error}"
        # Permissions and mounts change no file: a file is made and removed every time
        # (microseconds), so a read-only index is reported before the indexer fails on it.
        problem = write_problem(live)
        return f"read-only index: {problem}" if problem else "ok"


def compare_with_database(index: Any, engine: Engine, report: CheckReport) -> None:
    """Every indexed complaint's marker against the database's (into `report`)."""
    with index.reader() as reader:
        indexed = {int(f["id"]): f.get("marker") for f in reader.all_stored_fields()}
    with engine.connect() as conn:
        compare_markers(conn, indexed, report)
