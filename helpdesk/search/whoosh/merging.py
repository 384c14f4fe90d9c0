"""Which segments a Whoosh commit merges: by size tiers after a batch of queued changes, and
every small one into one when the queue is idle (Whoosh merge policies, `mergetype=`)."""

from __future__ import annotations

from typing import Any

from whoosh.reading import SegmentReader

#: Batch commits keep small segments in tiers of sizes a factor 4 apart and merge a tier
#: once it holds this many segments: most batches merge nothing, a document is rewritten
#: about log4(n) times, and small segments stay few (about 3 per tier).
MERGE_FACTOR = 4
#: Segments with fewer documents than this are merged into one when the queue is idle
#: (and are the only ones a batch commit merges).
SMALL_SEGMENT = 20_000


def _tier(documents: int) -> int:
    """The size tier of a segment: about log4 of its document count."""
    return max(documents, 1).bit_length() // 2


def merge_full_tier(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy of a batch commit: the smallest tier of small segments that has
    MERGE_FACTOR segments is merged into the new one; nothing otherwise."""
    tiers: dict[int, list[Any]] = {}
    for segment in segments:
        if segment.doc_count_all() < SMALL_SEGMENT:
            tiers.setdefault(_tier(segment.doc_count_all()), []).append(segment)
    for tier in sorted(tiers):
        if len(tiers[tier]) >= MERGE_FACTOR:
            return _merge_into(writer, segments, tiers[tier])
    return segments


def merge_small_segments(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy when idle: every segment under SMALL_SEGMENT documents into one."""
    small = [s for s in segments if s.doc_count_all() < SMALL_SEGMENT]
    return _merge_into(writer, segments, small) if len(small) > 1 else segments


def _merge_into(writer: Any, segments: list[Any], chosen: list[Any]) -> list[Any]:
    """Add the `chosen` segments' documents to the writer's new segment; the rest stay."""
    for segment in chosen:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [s for s in segments if s not in chosen]
