"""The inbox listing on real dates around King's Day 2026: filters, order, counts, paging,
badges, the "new answer" mark, the simple text search, and how many queries a page costs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask

from helpdesk.domain.lifecycle import Status
from helpdesk.extensions import db
from helpdesk.models import Complaint, Staff
from helpdesk.services import casework, replies
from helpdesk.services.badges import clock_badges
from helpdesk.services.customer import add_customer_message
from helpdesk.services.inbox import (
    InboxFilters,
    InboxPage,
    inbox_dates,
    list_inbox,
    list_inbox_sql,
)
from helpdesk.services.inbox_items import OPENING_READ, first_words
from helpdesk.services.lifecycle import advance_to
from tests.conftest import sql_statements
from tests.services.casework_support import new_complaint

# Friday 24 April 2026, 14:00 in Amsterdam. Monday 27 April is King's Day (a day off), so
# the next business day is Tuesday 28 April.
NOW = datetime(2026, 4, 24, 12, 0, tzinfo=UTC)


def at(day: int, hour: int = 10) -> datetime:
    """April 2026, `hour` o'clock in Amsterdam (UTC+2)."""
    return datetime(2026, 4, day, hour - 2, 0, tzinfo=UTC)


def make(received: datetime, name: str, category: str) -> Complaint:
    """A complaint from `name` (with their own address) received at `received`."""
    email = f"{name.split()[0].lower()}@example.com"
    return new_complaint(now=received, name=name, email=email, category=category)


@dataclass
class World:
    """The complaints of the scenario, by letter, and two agents."""

    mia: Staff
    ben: Staff
    c: dict[str, Complaint]


@pytest.fixture
def world(app: Flask, make_staff: Any) -> World:
    """A: Mon 20, Mia's, still received (ack overdue). B: Wed 22 (ack due today). C: Thu 23,
    Ben's (ack due Tue 28: one business day left across King's Day). D: Fri 24 morning.
    E: Mon 20, replied the same day (assessing, response due Thu 30). F: waiting for the
    customer. G: resolved. H: closed. J: Thu 16, acknowledged late by a reply on Wed 22
    (missed; response due Tue 28), and the customer wrote after that reply."""
    mia, ben = make_staff("agent", name="Mia"), make_staff("agent", name="Ben")
    c = {
        "A": make(at(20), "Anna Alders", "digital"),
        "B": make(at(22), "Bram Bos", "physical"),
        "C": make(at(23), "Cor Cats", "digital"),
        "D": make(at(24, 9), "Dirk Dam", "billing"),
        "E": make(at(20, 11), "Eva Eik", "website"),
        "F": make(at(21), "Fien Fok", "account"),
        "G": make(at(14), "Gijs Gans", "other"),
        "H": make(at(1), "Hans Hop", "other"),
        "J": make(at(16), "Jan Jong", "digital"),
    }
    casework.assign(c["A"], mia, mia.id, casework.seen_now(c["A"]), now=at(20, 12))
    casework.assign(c["C"], ben, ben.id, casework.seen_now(c["C"]), now=at(23, 12))
    replies.reply(c["E"], mia, "We are checking.", casework.seen_now(c["E"]), now=at(20, 15))
    replies.request_information(
        c["F"], mia, "Which account?", casework.seen_now(c["F"]), now=at(21, 15)
    )
    advance_to(c["G"], Status.RESOLVED, now=at(16), actor="system")
    advance_to(c["H"], Status.CLOSED, now=at(10), actor="system")
    db.session.commit()
    replies.reply(c["J"], mia, "Sorry for the wait.", casework.seen_now(c["J"]), now=at(22))
    add_customer_message(c["J"], "Thanks, but it still fails.", now=at(23))
    return World(mia, ben, c)


def page_for(world: World, now: datetime = NOW, **args: str) -> InboxPage:
    """The inbox as Mia sees it at `now` for these URL parameters."""
    today, soon = inbox_dates(now)
    query = InboxFilters.from_args(args).to_query(
        me=world.mia.id, today=today, next_business_day=soon
    )
    return list_inbox(query, me=world.mia.id, now=now)


def names(page: InboxPage) -> list[str]:
    """The first letter of each row's customer name, in order."""
    return [c.name[0] for c in page.rows]


def test_today_and_the_next_business_day_skip_kings_day(app: Flask) -> None:
    assert inbox_dates(NOW) == (date(2026, 4, 24), date(2026, 4, 28))


def test_open_by_default_sorted_by_what_is_due_first(world: World) -> None:
    page = page_for(world)
    # A (ack due 22), B (24), J and C (28; J came in first), D (29), E (response due 30),
    # then F, whose clock is paused (no due date) — last.
    assert names(page) == ["A", "B", "J", "C", "D", "E", "F"]
    assert page.total == 7 and page.pages == 1
    assert {c.name[0] for c in page.rows if c.id in page.new_answer} == {"J"}


FILTERS: list[tuple[dict[str, str], list[str] | None]] = [
    ({"status": "all"}, ["A", "B", "J", "C", "D", "E", "H", "G", "F"]),
    ({"status": "resolved"}, ["G"]),
    ({"status": "awaiting_customer"}, ["F"]),
    ({"category": "digital"}, ["A", "J", "C"]),
    ({"assignee": "mine"}, ["A"]),
    ({"assignee": "unassigned"}, ["B", "J", "D", "E", "F"]),
    ({"due": "soon"}, ["A", "B", "J", "C"]),
    ({"due": "overdue"}, ["A"]),
    ({"category": "digital", "due": "soon"}, ["A", "J", "C"]),
    ({"sort": "newest"}, ["D", "C", "B", "F", "E", "A", "J"]),
    ({"status": "bogus", "category": "weather", "due": "x", "page": "abc"}, None),
]


def test_filters(world: World) -> None:
    # One scenario, every filter (building the scenario is the slow part).
    default = names(page_for(world))
    for args, expected in FILTERS:
        assert names(page_for(world, **args)) == (expected or default), args
    assert names(page_for(world, assignee=str(world.ben.id))) == ["C"]


def test_counts_per_quick_filter_and_status(world: World) -> None:
    counts = page_for(world, category="billing").counts  # counts ignore the list's filters
    assert counts["open"] == 7
    assert counts["mine"] == 1
    assert counts["unassigned"] == 5
    assert counts["soon"] == 4
    assert counts["overdue"] == 1
    assert counts["received"] == 4
    assert counts["assessing"] == 2
    assert counts["awaiting_customer"] == 1
    assert "resolved" not in counts


def test_badges_on_real_dates(world: World) -> None:
    def words(letter: str) -> tuple[str, str]:
        ack, response = clock_badges(world.c[letter], NOW)
        return ack.text, response.text

    assert words("A") == ("2 days overdue", "3 business days left")
    assert words("B") == ("due today", "5 business days left")
    assert words("C") == ("1 business day left", "6 business days left")  # King's Day
    assert words("D") == ("2 business days left", "7 business days left")
    assert words("E") == ("met", "3 business days left")
    assert words("F") == ("met", "paused")
    assert words("G") == ("met", "met")
    assert clock_badges(world.c["A"], NOW)[0].css == "overdue"
    assert clock_badges(world.c["B"], NOW)[0].css == "soon"
    assert clock_badges(world.c["D"], NOW)[0].css == "running"
    # J came in on Thursday 16 April; the reply of Wednesday 22 acknowledged it after Monday 20.
    ack, _response = clock_badges(world.c["J"], NOW)
    assert ack.text == "missed" and ack.css == "missed"
    assert ack.clock.due == date(2026, 4, 20)


def test_new_answer_marks(world: World) -> None:
    # J is marked (see above); a follow-up before any staff message counts as new too.
    add_customer_message(world.c["B"], "I also have a photo.", now=at(23))
    page = page_for(world)
    assert {c.name[0] for c in page.rows if c.id in page.new_answer} == {"B", "J"}


def test_a_search_looks_at_every_status_unless_narrowed(world: World) -> None:
    assert set(names(page_for(world, q="e-book"))) == set("ABCDEFGHJ")
    assert set(names(page_for(world, q="e-book", status="open"))) == set("ABCDEFJ")
    assert names(page_for(world, q="e-book", status="closed")) == ["H"]
    # The quick filters keep their counts (of open complaints) while searching.
    assert page_for(world, q="e-book").counts == page_for(world).counts


def test_an_exact_code_address_or_order_number_comes_first_whatever_the_filters(
    world: World,
) -> None:
    closed = world.c["H"]
    for typed in (closed.display_reference.lower(), closed.reference, "hans@example.com"):
        for args in ({}, {"status": "open"}, {"category": "digital", "assignee": "mine"}):
            page = page_for(world, q=typed, **args)
            assert names(page)[0] == "H" and page.exact == {closed.id}, (typed, args)
    narrowed = page_for(world, q="hans@example.com", status="open")
    assert narrowed.total == 1 and narrowed.outside_filters == 1 and narrowed.pages == 1
    # Every complaint carries the same order number: all are exact hits, the newest first,
    # those the filter leaves out (G resolved, H closed) before the rest.
    page = page_for(world, q="nl-2026-004512", status="open")
    assert page.exact == {c.id for c in world.c.values()}
    assert names(page)[:2] == ["G", "H"] and len(page.rows) == 9 and page.total == 9
    # Words are no identifier: no exact hits, the filter holds.
    assert page_for(world, q="hans", status="open").rows == []


def test_a_row_shows_the_first_words() -> None:
    assert first_words("  The parcel\n\narrived   crushed.  ") == "The parcel arrived crushed."
    long = "word " * 100
    shown = first_words(long[:OPENING_READ])
    assert shown.endswith("word…") and len(shown) <= 101 and "  " not in shown
    assert first_words("x" * 300, limit=20) == "x" * 20 + "…"
    # An email complaint: its subject, the description's first line.
    email = "Broken lamp shade (order 17)\n\nHello, the lamp shade arrived broken."
    assert first_words(email, subject_only=True) == "Broken lamp shade (order 17)"
    assert first_words("", subject_only=True) == ""
    # A greeting on a line of its own says nothing about the complaint.
    assert first_words("Hello there,\n\nThe lid is cracked.") == "The lid is cracked."
    assert first_words("Beste klantenservice,\nHet pakket is kapot.") == "Het pakket is kapot."
    assert first_words("Broken, again,\nand again") == "Broken, again, and again"
    assert first_words("Hallo,\r\n\r\nMijn tas is kapot") == "Mijn tas is kapot"
    assert first_words("Hallo,\n\nMijn tas\nis kapot", subject_only=True) == "Mijn tas"
    # Remembered per text and options: asked again, each way gives its own answer.
    for _ in range(2):
        assert (
            first_words(email)
            == "Broken lamp shade (order 17) Hello, the lamp shade arrived broken."
        )
        assert first_words(email, subject_only=True) == "Broken lamp shade (order 17)"
        assert first_words(email, limit=6) == "Broken…"


def test_rows_carry_their_first_words(world: World) -> None:
    page = page_for(world, status="all")
    assert {row.gist for row in page.rows} == {"The e-book I bought will not open on my reader."}


def test_paging(app: Flask, make_staff: Any) -> None:
    mia = make_staff("agent")
    for day in range(30):
        new_complaint(
            now=datetime(2026, 3, 2, 9, tzinfo=UTC) + timedelta(days=day),
            name=f"Customer {day:02d}",
        )
    today, soon = inbox_dates(NOW)

    def page(number: int) -> InboxPage:
        query = InboxFilters(page=number).to_query(me=mia.id, today=today, next_business_day=soon)
        return list_inbox(query, me=mia.id, now=NOW)

    first, second, beyond = page(1), page(2), page(3)
    assert len(first.rows) == 25 and first.total == 30 and first.pages == 2
    assert len(second.rows) == 5 and second.total == 30
    assert {c.id for c in first.rows}.isdisjoint({c.id for c in second.rows})
    assert beyond.rows == [] and beyond.total == 30  # the view redirects to the last page


TEXTS = [
    ("anna", ["A"]),
    ("ALDERS", ["A"]),
    ("NL-2026-004512", ["A", "B", "J", "C", "D", "E", "F"]),
    ("e-book reader", ["A", "B", "J", "C", "D", "E", "F"]),
    ("bram@example.com", ["B"]),
    ("bram e-book", ["B"]),
    ("nothing matches this", []),
    ("checks", ["E"]),  # a staff reply's "checking": messages count, and other word forms
]


def test_simple_text_search(world: World) -> None:
    today, soon = inbox_dates(NOW)
    for text, expected in TEXTS:
        query = InboxFilters(q=text, status="open").to_query(
            me=world.mia.id, today=today, next_business_day=soon
        )
        assert names(list_inbox_sql(query)) == expected, text
    typed = world.c["C"].display_reference.lower()
    query = InboxFilters(q=typed).to_query(me=world.mia.id, today=today, next_business_day=soon)
    assert names(list_inbox_sql(query)) == ["C"]
    # The query language (search.sql's SQL matcher): LIKE's wildcards are no words, so
    # they match every complaint, as in the search box; one word matches its other forms.
    every = InboxFilters().to_query(me=world.mia.id, today=today, next_business_day=soon)
    for text in ("%", "_"):
        query = InboxFilters(q=text, status="open").to_query(
            me=world.mia.id, today=today, next_business_day=soon
        )
        assert names(list_inbox_sql(query)) == names(list_inbox_sql(every)), text


@pytest.fixture
def statements(app: Flask) -> Iterator[list[str]]:
    """The SQL statements run while the test body runs."""
    with sql_statements() as seen:
        yield seen


def test_a_page_costs_three_queries_however_many_rows(world: World, statements: list[str]) -> None:
    """The quick-filter counts, the total (which decides how the page is found) and the page
    with everything its rows show; the open inbox's total is among the counts already."""
    assert world.mia.id  # (loads Mia again after the fixture's commits)
    statements.clear()
    page = page_for(world, status="all")
    for complaint in page.rows:  # what the template touches
        assert complaint.assignee is None or complaint.assignee.name
        clock_badges(complaint, NOW)
    assert len(page.rows) == 9
    assert len(statements) == 3, statements
    statements.clear()
    page = page_for(world)
    assert page.rows
    assert len(statements) == 2, statements


def test_listing_on_both_databases(any_app: Flask, make_staff: Any) -> None:
    mia = make_staff("agent")
    first = new_complaint(now=at(20), name="First")
    waiting = new_complaint(now=at(21), name="Waiting")
    new_complaint(now=at(22), name="Later")
    replies.request_information(waiting, mia, "More?", casework.seen_now(waiting), now=at(21))
    casework.assign(first, mia, mia.id, casework.seen_now(first))
    world = World(mia, mia, {})
    assert [c.name for c in page_for(world).rows] == ["First", "Later", "Waiting"]
    assert [c.name for c in page_for(world, due="overdue").rows] == ["First"]
    counts = page_for(world).counts
    assert (counts["open"], counts["mine"], counts["unassigned"]) == (3, 1, 2)
    today, soon = inbox_dates(NOW)
    query = InboxFilters(q="wait").to_query(me=mia.id, today=today, next_business_day=soon)
    assert [c.name for c in list_inbox_sql(query).rows] == ["Waiting"]
