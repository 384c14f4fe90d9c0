"""Segment files whose parts are read with `os.pread`: one system call a read.

A search looks terms up in a segment's hash tables and reads their posting blocks, about
260 small reads a search at 100,000 complaints. Each goes through Whoosh's file objects:
`StructFile.get` seeks, then reads, through a `SubFile` (the part of the compound .seg
file) that seeks the shared file object again before a buffered read; six Python calls
and a seek and a read a time. Here a part's `get` is one `os.pread` at the part's offset,
and the part's position is left where a stock read leaves it, so Whoosh's own sequential
reads (seek, then read) that come after behave as before. Whoosh's mmap path is not an
option: whoosh-reloaded copies each whole segment into memory in every worker (store.py).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from whoosh.filedb.compound import SubFile
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile


class PartFile(StructFile):  # type: ignore[misc]
    """One file inside a compound segment file (a `SubFile` of it), read with `os.pread`."""

    def __init__(self, parent: Any, offset: int, length: int, name: str | None) -> None:
        super().__init__(SubFile(parent, offset, length), name=name)
        self._fd = parent.fileno()
        self._offset = offset
        self._length = length

    def get(self, position: int, length: int) -> bytes:
        """`length` bytes at `position` (fewer at the part's end), as `StructFile.get`."""
        length = min(length, self._length - position)
        self.file._pos = position + max(length, 0)  # where SubFile.read would leave it
        if length <= 0:
            return b""
        return os.pread(self._fd, length, self._offset + position)


class SegmentFile(StructFile):  # type: ignore[misc]
    """A whole file of the index folder; its parts (`subset`) are `PartFile`s."""

    def subset(self, offset: int, length: int, name: str | None = None) -> StructFile:
        """The part at `offset` (what a compound segment's storage opens its files with)."""
        return PartFile(self.file, offset, length, name or self._name)


class PreadStorage(FileStorage):  # type: ignore[misc]
    """An index folder whose files are opened as `SegmentFile`s (plain reads, no mmap)."""

    def __init__(self, path: str) -> None:
        super().__init__(path, supports_mmap=False)

    def open_file(self, name: str, **kwargs: Any) -> StructFile:
        """The file `name`, as FileStorage opens it, with parts read by `os.pread`."""
        return SegmentFile(open(self._fpath(name), "rb"), name=name, **kwargs)


def open_fast_index(folder: Path) -> Any:
    """The index in `folder` for searching, its segments' parts read with `os.pread`."""
    return PreadStorage(str(folder)).open_index()
