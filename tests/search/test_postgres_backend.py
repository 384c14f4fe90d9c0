"""The PostgreSQL backend's own duties: its schema objects, health, rebuild and check."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, text

from helpdesk import search
from helpdesk.extensions import db
from helpdesk.models import Complaint
from helpdesk.search.indexing.queue import enqueue_now
from tests.search.support import Spec, add_complaints, find


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Use the PostgreSQL search backend."""
    return {"SEARCH_BACKEND": "postgres"}


@pytest.fixture
def three(pg_app: Flask) -> list[Complaint]:
    """Three indexed complaints."""
    return add_complaints(
        Spec(f"The {w} parcel arrived late", day=i)
        for i, w in enumerate(["alpha", "bravo", "charlie"])
    )


def test_the_first_write_creates_the_gin_and_trigram_indexes(three: list[Complaint]) -> None:
    query = "SELECT indexname FROM pg_indexes WHERE tablename LIKE 'search_%'"
    names = set(db.session.scalars(text(query)))
    assert {"search_document_public_gin", "search_document_all_gin", "search_word_trgm"} <= names
    assert db.session.scalar(text("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'"))
    words = set(db.session.scalars(text("SELECT word FROM search_word")))
    assert {"alpha", "parcel", "late"} <= words


def test_health_rebuild_and_check(pg_app: Flask, three: list[Complaint]) -> None:
    client, runner = pg_app.test_client(), pg_app.test_cli_runner()
    assert search.health() == "ok" and client.get("/healthz").status_code == 200
    db.session.execute(text("DELETE FROM search_document"))
    db.session.commit()
    assert search.health() == "missing index"
    assert client.get("/healthz").status_code == 503
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1 and "3 missing from the index" in result.output
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0 and "Indexed 3 complaints" in result.output
    assert search.health() == "ok"
    assert find("bravo").complaint_ids == [three[1].id]


def test_check_finds_stale_rows_and_fix_rewrites_them(
    pg_app: Flask, three: list[Complaint]
) -> None:
    runner = pg_app.test_cli_runner()
    db.session.execute(
        text("UPDATE complaint SET description = 'delta' WHERE id = :id"), {"id": three[0].id}
    )
    db.session.commit()
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1 and f"1 stale in the index: {three[0].id}" in result.output
    assert runner.invoke(args=["search", "check", "--fix"]).exit_code == 0
    assert runner.invoke(args=["search", "check"]).exit_code == 0
    assert find("delta").complaint_ids == [three[0].id]


def test_a_failed_index_write_keeps_the_commit_and_search_falls_back(
    pg_app: Flask, three: list[Complaint]
) -> None:
    db.session.execute(text("ALTER TABLE search_document RENAME TO search_document_away"))
    db.session.commit()
    (echo,) = add_complaints([Spec("An echo in the hall")])  # the commit stands
    assert db.session.get(Complaint, echo.id) is not None
    page = find("echo")
    assert page.fallback and page.complaint_ids == [echo.id]
    db.session.execute(text("ALTER TABLE search_document_away RENAME TO search_document"))
    db.session.commit()
    report = search.check(fix=True)
    assert report.missing == [echo.id] and report.fixed
    assert search.check().ok
    assert find("echo").complaint_ids == [echo.id] and not find("echo").fallback


LEXEMES = "SELECT unnest(tsvector_to_array(all_vector)) FROM search_document"

#: Takes the pair lexemes (the ones with "_") out of both vectors, as an older index had them.
STRIP_PAIRS = """
UPDATE search_document SET
  public_vector = ts_delete(public_vector, ARRAY(
    SELECT l FROM unnest(tsvector_to_array(public_vector)) AS l WHERE l LIKE '%\\_%')),
  all_vector = ts_delete(all_vector, ARRAY(
    SELECT l FROM unnest(tsvector_to_array(all_vector)) AS l WHERE l LIKE '%\\_%'))
"""


def _phrase_sql(phrase: str) -> tuple[list[int], list[str]]:
    """The ids a phrase search finds, and the SQL statements it ran."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, sql: str, params: Any, *rest: Any) -> None:
        seen.append(sql % params if isinstance(params, dict) else sql)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        ids = find(f'"{phrase}"').complaint_ids
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return ids, seen


def test_phrases_use_pair_lexemes_once_every_row_has_them(
    pg_app: Flask, three: list[Complaint]
) -> None:
    """A fresh index gets pair lexemes from its first row on, and two-word phrases look them
    up; an index written before them is searched by positions until a rebuild."""
    pairs = set(db.session.scalars(text(LEXEMES)))
    assert {"bravo_parcel", "parcel_arrived", "arrived_late"} <= pairs
    ids, sql = _phrase_sql("bravo parcel")
    assert ids == [three[1].id]
    assert any("'bravo_parcel'" in statement for statement in sql), sql
    assert _phrase_sql("parcel bravo")[0] == []  # the words, but not in that order
    assert _phrase_sql("the bravo parcel")[0] == [three[1].id]  # pairs, then positions

    # An index from before pairs: no layout table, no pair lexemes in the rows.
    db.session.execute(text("DROP TABLE search_layout"))
    db.session.execute(text(STRIP_PAIRS))
    db.session.commit()
    assert not {"bravo_parcel", "arrived_late"} & set(db.session.scalars(text(LEXEMES)))
    search.backend()._pairs = False  # a server started before the old index came back
    ids, sql = _phrase_sql("bravo parcel")
    assert ids == [three[1].id] and not find('"bravo parcel"').fallback
    assert not any("'bravo_parcel'" in statement for statement in sql), sql

    result = pg_app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    ids, sql = _phrase_sql("bravo parcel")
    assert ids == [three[1].id]
    assert any("'bravo_parcel'" in statement for statement in sql), sql


def test_an_index_with_older_word_forms_is_reported_and_rebuilt(
    pg_app: Flask, three: list[Complaint]
) -> None:
    """search_layout records the word forms every row was written with; an index without
    today's (as one written before them) is reported and `--fix` rewrites it."""
    from helpdesk.search.base import OLD_ANALYSIS
    from helpdesk.search.postgres.sql import ANALYSIS

    assert search.check().ok  # a new index gets today's forms from its first write
    layout = "SELECT name FROM search_layout ORDER BY name"
    assert ANALYSIS in set(db.session.scalars(text(layout)))
    db.session.execute(text("DELETE FROM search_layout WHERE name = :n"), {"n": ANALYSIS})
    db.session.commit()
    report = search.check()
    assert not report.ok and report.problem == OLD_ANALYSIS
    result = pg_app.test_cli_runner().invoke(args=["search", "check"])
    assert result.exit_code == 1 and "built with older word forms" in result.output
    assert find("bravo").complaint_ids == [three[1].id]  # still searched meanwhile
    assert search.check(fix=True).fixed
    assert ANALYSIS in set(db.session.scalars(text(layout))) and search.check().ok


def test_dutch_forms_are_lexemes_of_their_own(pg_app: Flask) -> None:
    (plural,) = add_complaints([Spec("Twee lampenkappen en drie tassen.")])
    vector = db.session.scalar(
        text("SELECT public_vector::text FROM search_document WHERE complaint_id = :i"),
        {"i": plural.id},
    )
    assert "'lampenkap'" in vector and "'lampenkapp'" in vector and "'tas'" in vector
    assert find("lampenkap").complaint_ids == [plural.id] == find("tas").complaint_ids


def test_a_new_empty_index_is_not_reported_as_old(pg_app: Flask) -> None:
    """Before the first write there is no search_layout yet: nothing to rebuild."""
    db.session.execute(text("DROP TABLE IF EXISTS search_layout"))
    db.session.commit()
    assert search.check().ok


def test_a_word_that_may_be_a_code_beside_other_words_reads_no_vector_row_by_row(
    pg_app: Flask,
) -> None:
    """'confirmation' has twelve letters, so it may also be a reference code (an OR of the
    word and the code). Beside another word, the match is still the GIN index's alone: no
    `@@` is checked again per row (that read every match's vector from TOAST), and the hits
    are those of the whole query, the code's own complaint included."""
    both, order, code = add_complaints(
        [
            Spec("Order confirmation never came", day=1),
            Spec("The order arrived broken", day=2),
            Spec("A parcel", day=3, reference="C0NF1RMAT10N"),
        ]
    )
    db.session.execute(text("UPDATE search_document SET status = 'closed'"))  # counts below
    db.session.commit()
    found, statements = _searched("order confirmation")
    assert found == [both.id]
    assert find("order -confirmation").complaint_ids == [order.id]
    assert find("parcel confirmation").complaint_ids == [code.id]  # by its code
    assert find("parcel -confirmation").complaint_ids == []
    assert find("order OR confirmation").total == 3
    assert find("confirmation").facets["status"]["closed"] == 2
    ((statement, params),) = [(s, p) for s, p in statements if "matches" in s]
    connection = db.session.connection()
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")  # as the backend does
    plan = [row[0] for row in connection.exec_driver_sql("EXPLAIN " + statement, params)]
    assert any("search_document_all_gin" in line for line in plan), plan
    # `@@` may be checked only on the rows a code's b-tree index found, never on the GIN's.
    node = ""
    for line in plan:
        if "->" in line:
            node = line
        elif "Filter:" in line and "@@" in line:
            assert "Index Scan using ix_search_document_reference" in node, plan


def _searched(query: str) -> tuple[list[int], list[tuple[str, Any]]]:
    """The ids a search finds and its statements with their values."""
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, sql: str, params: Any, *rest: Any) -> None:
        seen.append((sql, params))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        ids = find(query).complaint_ids
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return ids, seen


SETTINGS = ("max_parallel_workers_per_gather", "jit", "work_mem", "enable_seqscan")


def _settings_at_search(query: str) -> tuple[dict[str, str], dict[str, str]]:
    """The planner settings in force when the search statement ran, and on the same
    connection once the search's transaction is over."""
    during: dict[str, str] = {}
    names = ", ".join(f"current_setting('{name}')" for name in SETTINGS)

    def look(conn: Any, cursor: Any, sql: str, *rest: Any) -> None:
        if "matches" in sql and not during:
            with cursor.connection.cursor() as probe:
                probe.execute(f"SELECT {names}")
                during.update(zip(SETTINGS, probe.fetchone(), strict=True))

    event.listen(db.engine, "after_cursor_execute", look)
    try:
        find(query)
    finally:
        event.remove(db.engine, "after_cursor_execute", look)
    with db.engine.connect() as conn:
        after = dict(zip(SETTINGS, conn.execute(text(f"SELECT {names}")).one(), strict=True))
    return during, after


def test_a_search_runs_with_its_planner_settings_for_its_transaction_only(
    three: list[Complaint],
) -> None:
    during, after = _settings_at_search("bravo")
    assert during == {
        "max_parallel_workers_per_gather": "0",
        "jit": "off",
        "work_mem": "64MB",
        "enable_seqscan": "off",
    }
    assert after["work_mem"] != "64MB" and after["enable_seqscan"] == "on"
    # A search with no words to match (a filter alone) leaves sequential scans to the planner.
    during, _after = _settings_at_search("category:physical")
    assert during["enable_seqscan"] == "on" and during["jit"] == "off"


def test_reindex_applies_what_waited_in_the_queue(pg_app: Flask, three: list[Complaint]) -> None:
    """Changes queued before a rebuild (say, while the search tables did not exist yet, as
    after `demo seed --no-reindex`) leave the queue with it, as with Whoosh: /healthz said
    'stale' for ever after the 1,000,000-complaint bench's reindex."""
    db.session.execute(
        text("UPDATE complaint SET description = 'delta' WHERE id = :id"), {"id": three[0].id}
    )
    db.session.commit()
    enqueue_now(db.engine, [three[0].id, three[2].id])
    result = pg_app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert search.queue_state().rows == 0
    assert find("delta").complaint_ids == [three[0].id]
