"""Merging segments beside the live index, so a merge never holds up a batch of changes.

Whoosh merges inside a writer's commit, holding the index's write lock for the whole merge
(a few hundred milliseconds for four small segments, seconds for thousands of documents):
every change queued meanwhile waits, and becomes searchable that much later. Here the
merge is done in two steps:

1. `build` (no lock): a writer of our own, on a scratch folder inside the live one, reads
   the chosen segments as they are now (a snapshot of their deletions) and writes their
   live documents into one new segment there. Batches go on committing meanwhile.
2. `install` (under the write lock, milliseconds): when every chosen segment is still in
   the index, the documents deleted from them since the snapshot (a batch rewrote them)
   are deleted from the new segment too, its file moves into the live folder, and a table
   of contents that lists it instead of the chosen ones is committed (Whoosh then removes
   their files). When a chosen segment is gone (an erasure rewrote it, a rebuild replaced
   the index), the merge is dropped: nothing changes.

Relies on whoosh-reloaded 2.7.5: a writer built without the lock (`_lk=False`) on an
index object that only gives a storage, a name and the live table of contents.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from ..store import open_index

#: Scratch folders start with a dot: Whoosh's clean-up of unused files passes them over.
SCRATCH_PREFIX = ".merge-"
#: Reads of the table of contents before giving up (each commit replaces it).
TOC_TRIES = 5


@dataclass
class Built:
    """A merged segment written in a scratch folder, waiting to be installed."""

    live: Path
    scratch: Path
    segment: Any
    #: (chosen segment id, its docnum) → docnum in the new segment, for the live documents.
    docnums: dict[tuple[str, int], int]
    #: The deletions each chosen segment had when it was read.
    deleted: dict[str, frozenset[int]]

    def discard(self) -> None:
        """Remove the scratch folder (after install, or when the merge is dropped)."""
        shutil.rmtree(self.scratch, ignore_errors=True)


class _Scratch:
    """What Whoosh's writer needs of an index: a storage, a name and the table of contents
    (the live one's, so the new segment is written with the live schema)."""

    def __init__(self, live: Any, storage: FileStorage) -> None:
        self.storage = storage
        self.indexname = live.indexname
        self._toc = live._read_toc()

    def _read_toc(self) -> Any:
        return self._toc


def _opened(live: Path) -> tuple[Any, Any]:
    """The live index and its table of contents. A commit meanwhile (the indexer's batches
    go on) can remove the table Whoosh just found: then it is read again."""
    for _ in range(TOC_TRIES - 1):
        try:
            index = open_index(live)
            return index, index._read_toc()
        except FileNotFoundError:
            continue
    index = open_index(live)
    return index, index._read_toc()


def segments_of(live: Path) -> list[Any]:
    """The live index's segments now (their deletions as committed)."""
    return list(_opened(live)[1].segments)


def build(live: Path, chosen_ids: Iterable[str]) -> Built | None:
    """Write the live documents of the chosen segments into one new segment in a scratch
    folder; None when a chosen segment is no longer in the index."""
    index, toc = _opened(live)
    wanted = list(chosen_ids)
    by_id = {s.segment_id(): s for s in toc.segments}
    if any(sid not in by_id for sid in wanted):
        return None
    chosen = [by_id[sid] for sid in wanted]
    scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX, dir=live))
    try:
        storage = FileStorage(str(scratch))
        writer = SegmentWriter(_Scratch(index, storage), _lk=False)
        docnums: dict[tuple[str, int], int] = {}
        deleted: dict[str, frozenset[int]] = {}
        for segment in chosen:
            sid = segment.segment_id()
            deleted[sid] = frozenset(segment.deleted_docs())
            for docnum in range(segment.doc_count_all()):
                if docnum not in deleted[sid]:
                    docnums[(sid, docnum)] = len(docnums)
            reader = SegmentReader(index.storage, toc.schema, segment)
            try:
                writer.add_reader(reader)  # the live documents, in docnum order
            finally:
                reader.close()
        # The scratch "index" gets the table of contents; only the segment is kept.
        writer.commit(mergetype=lambda _writer, _segments: [])
        return Built(live, scratch, writer.get_segment(), docnums, deleted)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise


def remove_scratch(live: Path) -> int:
    """Remove every scratch folder in the live index (what a killed merge left: call it
    before a process's first merge); returns how many went."""
    removed = 0
    for folder in live.glob(SCRATCH_PREFIX + "*"):
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
    return removed


def install(built: Built, lock_timeout: float) -> bool:
    """Swap the chosen segments for the built one (the caller holds the index store's write
    lock); False, changing nothing, when a chosen segment is gone."""
    writer = open_index(built.live).writer(timeout=lock_timeout)
    current = {s.segment_id(): s for s in writer.segments}
    if any(sid not in current for sid in built.deleted):
        writer.cancel()
        return False
    merged = built.segment
    for sid, before in built.deleted.items():
        for docnum in set(current[sid].deleted_docs()) - before:
            merged.delete_document(built.docnums[(sid, docnum)])
    for name in merged.list_files(FileStorage(str(built.scratch))):
        os.replace(built.scratch / name, built.live / name)
    writer.commit(
        mergetype=lambda _writer, segments: (
            [s for s in segments if s.segment_id() not in built.deleted] + [merged]
        )
    )
    return True
