"""Where the Whoosh index lives on disk, and how processes share it safely.

Layout, all beside SEARCH_INDEX_DIR (say data/search-index):

- `search-index` is a symlink to the live version in `search-index.d/<stamp>`; a rebuild
  fills a new version and swaps the link atomically, so searches never see a half index.
- `search-index.lock` (flock) serialises writers across processes (the indexer, a
  rebuild's swap, `search check --fix`); `search-index.rebuild` (flock) is held while a
  rebuild runs, so that queued changes stay queued for the new index.

The changes waiting to be indexed are rows of the `search_queue` table (indexing/queue), not
files: they are written in the transaction of the change itself.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from whoosh.filedb.filestore import FileStorage

log = logging.getLogger(__name__)


def open_index(folder: Path) -> Any:
    """Open the index in `folder` reading its files with plain reads: whoosh-reloaded's mmap
    path copies each whole segment into memory (BytesIO over the map), every worker again."""
    return FileStorage(str(folder), supports_mmap=False).open_index()


def create_index(folder: Path, schema: Any) -> Any:
    """A new, empty index in `folder`."""
    return FileStorage(str(folder), supports_mmap=False).create().create_index(schema)


_TOC = re.compile(r"^_MAIN_(\d+)\.toc$")


def generation_of(folder: Path) -> int | None:
    """The newest table-of-contents generation in `folder` (None: no index there)."""
    try:
        found = [int(m.group(1)) for name in os.listdir(folder) if (m := _TOC.match(name))]
    except OSError:
        return None
    return max(found) if found else None


def fingerprint(folder: Path) -> tuple[object, ...]:
    """The folder and each file's name, size and modification time: what a health probe's
    verdict depends on (a commit, rebuild, rewrite, truncation or removal changes it)."""
    entries = []
    with os.scandir(folder) as found:
        for entry in found:
            if entry.is_file():
                info = entry.stat()
                entries.append((entry.name, info.st_size, info.st_mtime_ns))
    return (str(folder), tuple(sorted(entries)))


def write_problem(folder: Path) -> str | None:
    """None when a file can be made in `folder`; else what stops it ("Read-only file
    system", "Permission denied", "No space left on device"). Whoosh ignores dot files."""
    try:
        handle, name = tempfile.mkstemp(prefix=".probe-", dir=folder)
        os.close(handle)
        os.unlink(name)
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    return None


def has_index(folder: Path | None) -> bool:
    """True when `folder` holds an index (a table of contents), readable or not."""
    return folder is not None and generation_of(folder) is not None


class IndexStore:
    """The paths and the locks of one index."""

    def __init__(self, link: Path) -> None:
        self.link = link
        self.versions = link.with_name(link.name + ".d")
        self.lock_path = link.with_name(link.name + ".lock")
        self.rebuild_path = link.with_name(link.name + ".rebuild")
        self._parent: Path | None = None  # the link's folder, resolved once

    # --- versions -----------------------------------------------------------------------

    def current_dir(self) -> Path | None:
        """The directory of the live index (None when there is none). Every search asks:
        the link is read (one system call), not resolved a path component at a time."""
        try:
            target = os.readlink(self.link)
        except FileNotFoundError:
            return None
        except OSError:  # not a link: an index folder of its own (or none)
            return self.link if self.link.is_dir() else None
        folder, version = os.path.split(target)
        if folder == self.versions.name and version not in ("", ".", ".."):
            # What `swap` writes: a version folder beside the link, joined to the link's
            # folder (resolved once).
            if self._parent is None:
                self._parent = self.link.parent.resolve()
            found = self._parent / target
        else:
            found = self.link.resolve()
        return found if found.is_dir() else None

    def new_version_dir(self) -> Path:
        """A fresh, empty directory for a new version of the index."""
        self.versions.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        path = self.versions / f"{stamp}-{uuid.uuid4().hex[:8]}"
        path.mkdir()
        return path

    def swap(self, new_dir: Path) -> None:
        """Make `new_dir` the live index in one atomic rename; old versions are removed."""
        old = self.current_dir()
        if self.link.exists() and not self.link.is_symlink():
            # A plain directory (older layout, or a broken index): move it aside first.
            aside = self.versions / f"replaced-{uuid.uuid4().hex[:8]}"
            self.versions.mkdir(parents=True, exist_ok=True)
            os.rename(self.link, aside)
            old = aside
        tmp = self.link.with_name(f".{self.link.name}.{uuid.uuid4().hex[:8]}")
        os.symlink(os.path.relpath(new_dir, self.link.parent), tmp)
        os.replace(tmp, self.link)
        self._remove_old_versions(keep={new_dir, *([old] if old else [])})

    def _remove_old_versions(self, keep: set[Path]) -> None:
        """Delete versions other than `keep` (the previous one stays for open searchers)."""
        if not self.versions.is_dir():
            return
        kept = {path.resolve() for path in keep}
        for path in self.versions.iterdir():
            if path.resolve() not in kept:
                shutil.rmtree(path, ignore_errors=True)

    # --- locks ---------------------------------------------------------------------------

    @contextmanager
    def write_lock(self, timeout: float) -> Iterator[bool]:
        """Hold the writers' lock; yields False when it stayed busy for `timeout` seconds."""
        with _flock(self.lock_path, timeout) as held:
            yield held

    @contextmanager
    def rebuilding(self) -> Iterator[bool]:
        """Hold the rebuild lock; yields False when another rebuild runs."""
        with _flock(self.rebuild_path, 0.0) as held:
            yield held

    def rebuild_running(self) -> bool:
        """True while some process rebuilds the index."""
        with _flock(self.rebuild_path, 0.0) as held:
            return not held


@contextmanager
def _flock(path: Path, timeout: float) -> Iterator[bool]:
    """An exclusive flock on `path`, retried with backoff up to `timeout` seconds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle: IO[bytes] = open(path, "ab")  # noqa: SIM115 — closed in finally
    try:
        deadline = time.monotonic() + timeout
        pause = 0.005
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(pause)
                pause = min(pause * 2, 0.1)
        try:
            yield True
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    finally:
        handle.close()
