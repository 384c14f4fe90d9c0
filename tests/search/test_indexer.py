"""The search queue and the background indexer (issue 11), with SEARCH_INDEX_INLINE off as
in production: a change queues a row in its own transaction; `flask search indexer` applies
the rows in batches; a killed indexer loses nothing; /healthz reports the queue's age."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from whoosh import index as whoosh_index

from helpdesk import search
from helpdesk.config import ROOT
from helpdesk.extensions import db
from helpdesk.models import Complaint
from helpdesk.models.search import SearchQueueEntry
from helpdesk.models.types import utcnow
from helpdesk.search.indexing import indexer as indexer_module
from helpdesk.search.indexing import queue
from helpdesk.search.indexing.hooks import EXTENSION
from helpdesk.search.indexing.indexer import Indexer
from tests.search.support import Spec, add_complaints, find
from tests.web.test_public_submit import GOOD, submit


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Production's way: changes wait in the queue for the indexer."""
    return {"SEARCH_INDEX_INLINE": False}


def queued() -> int:
    with db.engine.connect() as conn:
        return queue.state(conn).rows


def apply_queue(app: Flask) -> int:
    """What `search indexer --once` does, in this process."""
    return Indexer(app.extensions[EXTENSION], db.engine).drain()


def documents(app: Flask) -> int:
    """Documents in the live Whoosh index."""
    folder = Path(app.config["SEARCH_INDEX_DIR"]).resolve()
    with whoosh_index.open_dir(str(folder)).searcher() as searcher:
        return int(searcher.doc_count())


def edit(complaint: Complaint, text: str) -> None:
    """Change the complaint's description (and its first message) in one commit."""
    complaint.description = text
    complaint.messages[0].body = text
    db.session.commit()


# --- the queue is written in the change's own transaction ------------------------------------


def test_a_commit_queues_its_complaint_and_the_indexer_makes_it_searchable(app: Flask) -> None:
    (made,) = add_complaints([Spec("A teapot without a lid")])
    assert queued() == 1
    assert find("teapot").total == 0 or find("teapot").fallback  # not indexed yet
    assert apply_queue(app) == 1
    assert queued() == 0
    page = find("teapot")
    assert page.complaint_ids == [made.id] and not page.fallback
    assert search.check().ok


def test_a_rolled_back_transaction_queues_nothing(app: Flask) -> None:
    (made,) = add_complaints([Spec("A kettle that leaks")])
    apply_queue(app)
    made.description = "A kettle that hums"
    made.messages[0].body = made.description
    db.session.flush()  # written, then given up
    db.session.rollback()
    assert queued() == 0
    add_complaints([Spec("A toaster that burns")])
    assert queued() == 1  # only the committed one


def test_two_updates_to_one_complaint_apply_in_order_and_the_later_text_wins(
    app: Flask,
) -> None:
    (made,) = add_complaints([Spec("The first words: alpha")])
    edit(made, "The second words: bravo")
    edit(made, "The third words: charlie")
    assert queued() == 3
    assert apply_queue(app) == 3  # one batch, one document for the three rows
    assert documents(app) == 1
    assert find("charlie").complaint_ids == [made.id]
    assert find("bravo").total == 0 and find("alpha").total == 0
    # And across batches: each applied in turn, the last one stays.
    edit(made, "Now delta")
    apply_queue(app)
    edit(made, "Finally echo")
    apply_queue(app)
    assert find("echo").complaint_ids == [made.id] and find("delta").total == 0
    assert documents(app) == 1


def test_a_removed_complaint_leaves_the_index(app: Flask) -> None:
    keep, gone = add_complaints([Spec("A golf ball"), Spec("A golf club")])
    apply_queue(app)
    assert find("golf").total == 2
    db.session.delete(gone)
    db.session.commit()
    assert queued() == 1
    apply_queue(app)
    assert find("golf").complaint_ids == [keep.id]
    assert documents(app) == 1


def test_rows_whose_index_commit_was_done_but_not_recorded_are_applied_again(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process killed between the index commit and the delete leaves the rows: the next
    run writes the same documents again, with nothing doubled."""
    made = add_complaints([Spec("A hotel booking"), Spec("A hotel room")])

    def killed(engine: Any, row_ids: list[int]) -> None:
        raise KeyboardInterrupt  # the process ends right after the index commit

    monkeypatch.setattr(queue, "forget", killed)
    with pytest.raises(KeyboardInterrupt):
        queue.apply_batch(app.extensions[EXTENSION], db.engine)
    monkeypatch.undo()
    assert queued() == 2 and documents(app) == 2
    assert apply_queue(app) == 2
    assert queued() == 0 and documents(app) == 2
    assert set(find("hotel").complaint_ids) == {c.id for c in made}


def test_a_batch_takes_at_most_its_size_and_the_rest_follows(app: Flask) -> None:
    add_complaints(Spec(f"A lamp number {n}") for n in range(5))
    runner = Indexer(app.extensions[EXTENSION], db.engine, batch=2)
    assert runner.step().rows == 2 and queued() == 3
    assert runner.drain() == 3 and queued() == 0
    assert find("lamp").total == 5


def test_the_idle_indexer_merges_the_segments_its_batches_left(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(4):  # four batches: four small segments
        add_complaints([Spec(f"A mango number {n}")])
        apply_queue(app)
    folder = Path(app.config["SEARCH_INDEX_DIR"]).resolve()
    assert len(whoosh_index.open_dir(str(folder)).reader().leaf_readers()) == 4
    monkeypatch.setattr(indexer_module, "IDLE_AFTER", 0.0)
    stop = threading.Event()
    runner = Indexer(app.extensions[EXTENSION], db.engine, interval=0.01)
    runner.backend.unmerged = True
    thread = threading.Thread(target=runner.run, args=(stop,))
    thread.start()
    deadline = time.monotonic() + 5
    while runner.backend.unmerged and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    thread.join(5)
    assert len(whoosh_index.open_dir(str(folder)).reader().leaf_readers()) == 1
    assert find("mango").total == 4


# --- /healthz --------------------------------------------------------------------------------


def test_healthz_reports_the_queue_and_503_when_its_oldest_change_waited_too_long(
    app: Flask, client: FlaskClient
) -> None:
    add_complaints([Spec("A radio"), Spec("A record player")])
    body = client.get("/healthz").json
    assert body["checks"]["search_queue"] == "ok" and body["search_queue"]["rows"] == 2
    with db.engine.begin() as conn:
        conn.execute(update(SearchQueueEntry).values(queued_at=utcnow() - timedelta(seconds=400)))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["checks"]["search_queue"].startswith("stale: oldest change waited 4")
    assert response.json["search_queue"]["oldest_seconds"] >= 400
    apply_queue(app)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["search_queue"] == {"rows": 0, "oldest_seconds": 0.0}


# --- the real command ------------------------------------------------------------------------


def command_env(app: Flask) -> dict[str, str]:
    """The environment of a `flask --app wsgi …` process on this test's database and files."""
    return {
        **os.environ,
        "HELPDESK_DATABASE_URL": str(db.engine.url.render_as_string(hide_password=False)),
        "HELPDESK_DATA_DIR": str(app.config["DATA_DIR"]),
        "HELPDESK_SEARCH_BACKEND": "whoosh",
    }


FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]


@contextmanager
def running_indexer(app: Flask) -> Iterator[subprocess.Popen[str]]:
    """`flask search indexer` in the background, ready when it printed its first line."""
    process = subprocess.Popen(
        [*FLASK, "search", "indexer"],
        cwd=ROOT,
        env=command_env(app),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert "Indexing queued changes" in process.stdout.readline()
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(10)


def test_a_complaint_submitted_through_the_web_is_searchable_within_a_second(
    app: Flask, client: FlaskClient
) -> None:
    add_complaints([Spec("An older complaint about a vase")])
    with running_indexer(app) as process:
        response = submit(client, {**GOOD, "Description": "My quokka plush arrived torn."})
        answered = time.monotonic()
        assert response.status_code == 303
        while find("quokka").total == 0 and time.monotonic() - answered < 5:
            time.sleep(0.02)
        waited = time.monotonic() - answered
        assert find("quokka").total == 1 and not find("quokka").fallback
        assert waited < 1.0, f"searchable after {waited:.2f} s"
        process.send_signal(signal.SIGTERM)  # stops between two batches, at once
        stopped = time.monotonic()
        out, _ = process.communicate(timeout=10)
        assert process.returncode == 0 and "Stopped." in out
        assert time.monotonic() - stopped < 2
    assert queued() == 0 and find("vase").total == 1


SLOW_INDEXER = """
import pathlib, sys, time
from helpdesk.search.whoosh import writes

real = writes.write_documents
marker = pathlib.Path(sys.argv[1])

def slow(writer, ids, docs):
    real(writer, ids, docs)
    marker.touch()  # the batch is written, not yet committed
    time.sleep(120)

writes.write_documents = slow
from flask.cli import main
sys.argv = ["flask", "--app", "wsgi", "search", "indexer", "--once", "--quiet"]
main()
"""


def test_an_indexer_killed_mid_batch_loses_nothing_and_the_next_one_replays(
    app: Flask, tmp_path: Path
) -> None:
    made = add_complaints([Spec("A broken xylophone"), Spec("A xylophone without sticks")])
    marker = tmp_path / "in-batch"
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_INDEXER, str(marker)], cwd=ROOT, env=command_env(app)
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        assert marker.exists(), "the indexer never reached its batch"
    finally:
        process.kill()  # SIGKILL: no clean-up of any kind
        process.wait(10)
    assert process.returncode == -signal.SIGKILL
    assert queued() == 2  # nothing was lost
    assert find("xylophone").total == 0 or find("xylophone").fallback
    done = subprocess.run(
        [*FLASK, "search", "indexer", "--once", "--quiet"],
        cwd=ROOT,
        env=command_env(app),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Applied 2 queued changes" in done.stdout
    assert queued() == 0
    page = find("xylophone")
    assert set(page.complaint_ids) == {c.id for c in made} and not page.fallback
    assert search.check().ok


def test_indexer_once_says_in_one_line_when_changes_must_stay_queued(app: Flask) -> None:
    add_complaints([Spec("A yoyo"), Spec("A zither")])
    apply_queue(app)
    folder = Path(app.config["SEARCH_INDEX_DIR"]).resolve()
    for toc in folder.glob("_MAIN_*.toc"):
        toc.write_bytes(b"broken")
    add_complaints([Spec("A yacht")])
    done = subprocess.run(
        [*FLASK, "search", "indexer", "--once", "--quiet"],
        cwd=ROOT,
        env=command_env(app),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("search indexer: changes stay queued") and "Traceback" not in last
    assert queued() == 1


def test_demo_seeding_leaves_a_complete_index_and_an_empty_queue(app: Flask) -> None:
    """Bulk inserts skip the hooks and the referrals at the end queue rows: the rebuild at
    the end covers both, so no indexer is needed for a fresh demo."""
    from helpdesk.demo.seeding import seed_demo

    assert seed_demo(20).reindexed
    assert queued() == 0
    report = search.check()
    assert report.ok and report.checked == rows_of(Complaint)


def rows_of(model: type) -> int:
    with db.engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.postgres
def test_postgres_can_write_entries_in_the_change_s_own_transaction(
    tmp_path: Path, pg_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SEARCH_INDEX_IN_TRANSACTION=1: no queue, no indexer; a failed write queues instead
    and the change commits all the same."""
    from sqlalchemy.exc import OperationalError

    from helpdesk.search.postgres.backend import PostgresBackend
    from tests.conftest import dispose, make_app

    application = make_app(
        tmp_path,
        pg_database_url,
        SEARCH_BACKEND="postgres",
        SEARCH_INDEX_INLINE=False,
        SEARCH_INDEX_IN_TRANSACTION=True,
    )
    try:
        with application.app_context():
            (walrus,) = add_complaints([Spec("A walrus figurine")])
            assert queued() == 0
            assert find("walrus").complaint_ids == [walrus.id]

            def broken(self: Any, conn: Any, ids: Any) -> None:
                raise OperationalError("INSERT …", {}, Exception("disk trouble"))

            monkeypatch.setattr(PostgresBackend, "index_in", broken)
            (narwhal,) = add_complaints([Spec("A narwhal mug")])
            assert db.session.get(Complaint, narwhal.id) is not None
            assert queued() == 1 and find("narwhal").total == 0
            monkeypatch.undo()
            assert apply_queue(application) == 1
            assert find("narwhal").complaint_ids == [narwhal.id]
            db.session.remove()
    finally:
        dispose(application)


def test_batches_merge_small_segments_by_tiers_so_few_remain(app: Flask) -> None:
    """Each batch makes a segment; a tier of four similar ones is merged into the next
    batch's, so 40 batches leave a handful of segments, not 40 (nor one rewritten 40 times)."""
    for n in range(40):
        add_complaints([Spec(f"A papaya number {n}")])
        apply_queue(app)
    folder = Path(app.config["SEARCH_INDEX_DIR"]).resolve()
    sizes = [
        r.doc_count_all() for r, _ in whoosh_index.open_dir(str(folder)).reader().leaf_readers()
    ]
    assert sum(sizes) == 40 and len(sizes) <= 8, sizes
    assert find("papaya").total == 40
