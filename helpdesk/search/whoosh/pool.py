"""Open Whoosh searchers kept between searches, one version of the index at a time.

Opening a searcher opens and reads the head of every segment's files (about 2 ms on the
100,000-complaint index), so searches borrow one from this pool and give it back. A
searcher is only lent to one caller at a time (its files are read with seek and read),
belongs to one index version (live folder and generation: a commit or a rebuild makes a
new one, and the old ones are closed on the next borrow), and is closed instead of
returned when the search failed (say, on a corrupt index). Whatever is still pooled is
closed when the pool is collected, so no file is left for the garbage collector.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .store import open_index

Token = tuple[Path, int]


def _close_all(idle: list[tuple[Token, Any]]) -> None:
    while idle:
        idle.pop()[1].close()


class SearcherPool:
    """Up to `size` idle searchers of the current index version."""

    def __init__(self, size: int = 4, opener: Callable[[Path], Any] = open_index) -> None:
        self.size = size
        #: Opens the index of a folder (store.open_index, or the speed-ups' open_fast_index).
        self._open = opener
        self._idle: list[tuple[Token, Any]] = []
        self._lock = threading.Lock()
        weakref.finalize(self, _close_all, self._idle)

    @contextmanager
    def borrow(self, token: Token) -> Iterator[Any]:
        """A searcher of the index version `token`, for the duration of the block."""
        searcher, stale = self._take(token)
        for old in stale:
            old.close()
        if searcher is None:
            searcher = self._open(token[0]).searcher()
        try:
            yield searcher
        except BaseException:
            searcher.close()
            raise
        with self._lock:
            if len(self._idle) < self.size:
                self._idle.append((token, searcher))
                return
        searcher.close()

    def _take(self, token: Token) -> tuple[Any | None, list[Any]]:
        """An idle searcher of `token` (or None), and the idle ones of other versions."""
        with self._lock:
            stale = [s for t, s in self._idle if t != token]
            mine = [s for t, s in self._idle if t == token]
            found = mine.pop() if mine else None
            self._idle[:] = [(token, s) for s in mine]
        return found, stale

    def close(self) -> None:
        """Close every idle searcher."""
        with self._lock:
            _close_all(self._idle)
