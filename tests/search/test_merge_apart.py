"""Merging segments beside the live index (issue 11: searchable within a second under load).

The background indexer's batch commits merge nothing; its merge thread builds the merged
segment without the write lock and swaps it in under the lock. These tests check that a
batch does not wait for a merge under way, that a change made meanwhile to a document of
a merged segment survives the swap (once), and that a merge whose segments went is
dropped without changing anything.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from whoosh import index as whoosh_index

from helpdesk.extensions import db
from helpdesk.models import Complaint
from helpdesk.search.indexing.hooks import EXTENSION
from helpdesk.search.indexing.indexer import Indexer
from helpdesk.search.whoosh.fast import merge
from tests.search.support import Spec, add_complaints, find


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Production's way: changes wait in the queue for the indexer; the speed-ups on (the
    PostgreSQL run of the suite turns them off: merging apart is one of them)."""
    return {"SEARCH_INDEX_INLINE": False, "LIBRARY_PATCHES": True}


def live(app: Flask) -> Path:
    return Path(app.config["SEARCH_INDEX_DIR"]).resolve()


def segment_sizes(app: Flask) -> list[int]:
    """Documents in each segment of the live index, deleted ones included (read holding the
    write lock: Whoosh's own reader fails when a commit replaces the index meanwhile)."""
    with app.extensions[EXTENSION].store.write_lock(10.0) as held:
        assert held
        with whoosh_index.open_dir(str(live(app))).reader() as reader:
            return [r.doc_count_all() for r, _ in reader.leaf_readers()]


def documents(app: Flask) -> int:
    with app.extensions[EXTENSION].store.write_lock(10.0) as held:
        assert held
        with whoosh_index.open_dir(str(live(app))).searcher() as searcher:
            return int(searcher.doc_count())


def running(app: Flask, runner: Indexer, stop: threading.Event) -> threading.Thread:
    """The indexer's loop in a thread of its own (with the app, as the command has it)."""

    def loop() -> None:
        with app.app_context():
            runner.run(stop)

    thread = threading.Thread(target=loop)
    thread.start()
    return thread


def wait_until(check: Any, seconds: float = 5.0) -> None:
    """Poll `check()` until it is true or `seconds` have gone (the assertions follow)."""
    deadline = time.monotonic() + seconds
    while not check() and time.monotonic() < deadline:
        time.sleep(0.005)


def added_one_at_a_time(words: list[str]) -> None:
    """A complaint per word, each waited for until search finds it (one batch each)."""
    for word in words:
        add_complaints([Spec(f"A parcel about {word}")])
        wait_until(lambda w=word: find(w).total > 0)


def batches_without_merging(app: Flask, words: list[str]) -> list[Complaint]:
    """One complaint per batch, each batch committed without merging: one segment each."""
    runner = Indexer(app.extensions[EXTENSION], db.engine)
    made = []
    for word in words:
        made += add_complaints([Spec(f"A parcel about {word}")])
        assert runner.step(merge=False).rows == 1
    return made


def test_a_batch_commit_without_merge_leaves_a_full_tier_for_the_merge_thread(
    app: Flask,
) -> None:
    batches_without_merging(app, ["apple", "banana", "cherry"])
    backend = app.extensions[EXTENSION]
    assert backend.merges_apart
    assert backend.merge_apart(False) is False  # three one-document segments: not full
    batches_without_merging(app, ["damson", "elder"])
    assert segment_sizes(app) == [1] * 5  # a full tier stayed unmerged
    assert backend.merge_apart(False) is True
    assert segment_sizes(app) == [5]  # the whole tier, as a batch commit would merge it
    assert backend.merge_apart(False) is False
    assert find("parcel").total == 5 and documents(app) == 5
    assert not list(live(app).glob(merge.SCRATCH_PREFIX + "*"))  # the scratch folder went


def test_a_document_rewritten_during_the_merge_is_found_once_with_its_new_text(
    app: Flask,
) -> None:
    made = batches_without_merging(app, ["apple", "banana", "cherry", "damson"])
    backend = app.extensions[EXTENSION]
    segments = merge.segments_of(live(app))
    built = merge.build(live(app), [s.segment_id() for s in segments])
    assert built is not None
    # Meanwhile a batch rewrites one of the documents being merged (and adds a new one).
    made[1].description = "A parcel about a mango"
    made[1].messages[0].body = "A parcel about a mango"
    db.session.commit()
    add_complaints([Spec("A parcel about figs")])
    Indexer(backend, db.engine).step(merge=False)
    with backend.store.write_lock(5.0) as held:
        assert held and merge.install(built, backend.lock_timeout)
    built.discard()
    assert sorted(segment_sizes(app)) == [2, 4]  # merged (one deleted), the batch
    assert find("banana").total == 0
    assert find("mango").complaint_ids == [made[1].id]
    assert find("parcel").total == 5 and documents(app) == 5


def test_a_merge_whose_segments_went_meanwhile_changes_nothing(app: Flask) -> None:
    batches_without_merging(app, ["apple", "banana", "cherry", "damson"])
    backend = app.extensions[EXTENSION]
    built = merge.build(live(app), [s.segment_id() for s in merge.segments_of(live(app))])
    assert built is not None
    assert backend.optimise()  # the idle merge of the stock way took them first
    before = segment_sizes(app)
    with backend.store.write_lock(5.0) as held:
        assert held and not merge.install(built, backend.lock_timeout)
    built.discard()
    assert segment_sizes(app) == before == [4]
    assert find("parcel").total == 4 and documents(app) == 4


def test_a_batch_is_searchable_while_a_merge_is_under_way(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The merge thread is held inside its build; the indexer still applies a new batch,
    which is found at once; released, the merge is swapped in and nothing is lost."""
    batches_without_merging(app, ["apple", "banana", "cherry", "damson"])
    entered, release = threading.Event(), threading.Event()
    real_build = merge.build

    def slow_build(folder: Path, chosen: list[str]) -> Any:
        built = real_build(folder, chosen)
        entered.set()
        assert release.wait(10)
        return built

    monkeypatch.setattr(merge, "build", slow_build)
    runner = Indexer(app.extensions[EXTENSION], db.engine, interval=0.01)
    stop = threading.Event()
    add_complaints([Spec("A parcel about a kiwi")])  # its batch wakes the merge thread
    thread = running(app, runner, stop)
    try:
        assert entered.wait(10), "the merge thread did not start a merge"
        (late,) = add_complaints([Spec("A parcel about a lemon")])
        wait_until(lambda: find("lemon").total > 0)
        assert find("lemon").complaint_ids == [late.id]
        assert not release.is_set()  # found while the merge was still held
    finally:
        release.set()
        wait_until(lambda: len(segment_sizes(app)) <= 2)
        stop.set()
        thread.join(15)
    assert not thread.is_alive()
    assert sorted(segment_sizes(app)) == [1, 5]  # the five of the tier merged; the lemon's
    assert find("parcel").total == 6 and documents(app) == 6


def test_many_batches_through_the_indexer_leave_few_segments(app: Flask) -> None:
    """The running indexer (merging apart) keeps the small segments few, as batch commits
    that merge did: 40 batches leave a handful of segments, every document once."""
    runner = Indexer(app.extensions[EXTENSION], db.engine, interval=0.005)
    stop = threading.Event()
    thread = running(app, runner, stop)
    try:
        added_one_at_a_time([f"papaya {n}" for n in range(40)])
        wait_until(lambda: len(segment_sizes(app)) <= 8, seconds=10)  # the last merges
    finally:
        stop.set()
        thread.join(15)
    sizes = segment_sizes(app)
    assert len(sizes) <= 8, sizes
    assert find("papaya").total == 40 and documents(app) == 40


def test_the_idle_merge_thread_merges_every_small_segment(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from helpdesk.search.indexing import indexer as indexer_module

    batches_without_merging(app, ["apple", "banana", "cherry"])  # no full tier
    monkeypatch.setattr(indexer_module, "IDLE_AFTER", 0.0)
    backend = app.extensions[EXTENSION]
    backend.unmerged = True
    runner = Indexer(backend, db.engine, interval=0.01)
    stop = threading.Event()
    thread = running(app, runner, stop)
    wait_until(lambda: len(segment_sizes(app)) == 1)
    stop.set()
    thread.join(15)
    assert segment_sizes(app) == [3]
    assert not backend.unmerged
    assert find("parcel").total == 3


def test_the_first_merge_of_a_process_removes_what_a_killed_merge_left(app: Flask) -> None:
    """A killed indexer's scratch folder (the words of complaints it was merging) goes at
    the next indexer's first merge; later merges leave scratch folders alone (one that is
    there then is its own merge's)."""
    batches_without_merging(app, ["apple", "banana", "cherry"])
    backend = app.extensions[EXTENSION]
    left = live(app) / (merge.SCRATCH_PREFIX + "killed")
    left.mkdir()
    (left / "MAIN_x.seg").write_bytes(b"a parcel about a half-merged secret")
    assert backend.merge_apart(False) is False  # nothing to merge; the leftover went
    assert not left.exists()
    running = live(app) / (merge.SCRATCH_PREFIX + "running")
    running.mkdir()
    batches_without_merging(app, ["damson"])
    assert backend.merge_apart(False) is True
    assert running.exists()
    assert find("parcel").total == 4


def test_a_failed_merge_is_logged_and_the_merge_thread_goes_on(
    app: Flask, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A merge that raises (a full disk, say) is logged with its traceback; the batches go
    on, and after a rest the thread merges again."""
    backend = app.extensions[EXTENSION]
    real = backend.merge_apart
    calls = {"n": 0}

    def failing_once(idle: bool) -> bool | None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError(28, "No space left on device")
        merged: bool | None = real(idle)
        return merged

    monkeypatch.setattr(backend, "merge_apart", failing_once)
    batches_without_merging(app, ["apple", "banana", "cherry"])
    runner = Indexer(backend, db.engine, interval=0.01)
    stop = threading.Event()
    thread = running(app, runner, stop)
    try:
        added_one_at_a_time(["damson"])  # its batch wakes the merge thread: it fails
        wait_until(lambda: calls["n"] >= 1)
        added_one_at_a_time(["elder"])  # found while the merge thread rests
        wait_until(lambda: len(segment_sizes(app)) == 1)
    finally:
        stop.set()
        thread.join(15)
    failed = [r for r in caplog.records if "merging segments failed" in r.getMessage()]
    assert len(failed) == 1
    assert "Traceback" in failed[0].getMessage() and "No space left" in failed[0].getMessage()
    assert segment_sizes(app) == [5] and find("parcel").total == 5


def test_without_the_speed_ups_the_indexer_merges_in_its_commits(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """LIBRARY_PATCHES off: no merging apart; the running indexer's batch commits merge a
    full tier themselves, and the idle indexer merges the rest in one commit."""
    from helpdesk.search.indexing import indexer as indexer_module

    backend = app.extensions[EXTENSION]
    monkeypatch.setattr(backend, "fast", False)
    monkeypatch.setattr(backend, "merges_apart", False)
    monkeypatch.setattr(merge, "build", None)  # would fail if called
    runner = Indexer(backend, db.engine, interval=0.005)
    stop = threading.Event()
    thread = running(app, runner, stop)
    try:
        added_one_at_a_time([f"plum {n}" for n in range(6)])
        assert len(segment_sizes(app)) < 6  # a tier merged in a batch commit
        monkeypatch.setattr(indexer_module, "IDLE_AFTER", 0.0)
        wait_until(lambda: len(segment_sizes(app)) == 1)
    finally:
        stop.set()
        thread.join(15)
    assert segment_sizes(app) == [6]
    assert find("plum").total == 6
