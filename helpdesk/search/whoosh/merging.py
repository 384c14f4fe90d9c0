"""Which segments are merged: by size tiers after a batch of queued changes, and every small
one into one when the queue is idle. `full_tier` and `small_ones` choose; the background
indexer merges their choice beside the live index (fast/merge), and without the
speed-ups the Whoosh merge policies below merge it inside a commit (`mergetype=`)."""

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


def full_tier(segments: list[Any]) -> list[Any]:
    """The smallest tier of small segments that holds MERGE_FACTOR of them (empty: none)."""
    tiers: dict[int, list[Any]] = {}
    for segment in segments:
        if segment.doc_count_all() < SMALL_SEGMENT:
            tiers.setdefault(_tier(segment.doc_count_all()), []).append(segment)
    for tier in sorted(tiers):
        if len(tiers[tier]) >= MERGE_FACTOR:
            return tiers[tier]
    return []


def small_ones(segments: list[Any]) -> list[Any]:
    """Every segment under SMALL_SEGMENT documents, when there are two or more (else empty)."""
    small = [s for s in segments if s.doc_count_all() < SMALL_SEGMENT]
    return small if len(small) > 1 else []


def merge_full_tier(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy of a batch commit: the `full_tier` is merged into the new
    segment; nothing otherwise."""
    chosen = full_tier(segments)
    return _merge_into(writer, segments, chosen) if chosen else segments


def merge_small_segments(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy when idle: the `small_ones` into one."""
    chosen = small_ones(segments)
    return _merge_into(writer, segments, chosen) if chosen else segments


def _merge_into(writer: Any, segments: list[Any], chosen: list[Any]) -> list[Any]:
    """Add the `chosen` segments' documents to the writer's new segment; the rest stay."""
    for segment in chosen:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [s for s in segments if s not in chosen]
