"""The search contract: the same complaints give the same hits on every backend.

Runs once with Whoosh (on SQLite) and once with PostgreSQL full-text search (on
PostgreSQL; skipped without HELPDESK_TEST_POSTGRES_URL, required in CI). The read-only
tests share one set of complaints per backend; the last tests change their own.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from markupsafe import Markup

from helpdesk import search
from helpdesk.domain.inbox import InboxQuery
from helpdesk.extensions import db
from helpdesk.models import Complaint, Message, Staff
from tests.search.support import Spec, add_complaints, find

CORPUS = {
    "parcel": Spec(
        "The parcel arrived damaged and the box was crushed.",
        day=0,
        messages=("We are sorry. A replacement is on its way.",),
        notes=("Known reseller, check the invoice first.",),
        order="NL-2026-004512",
        status="assessing",
        name="Jan Jansen",
        email="jan.jansen@example.nl",
        outcome="A refund of 25 euro has been issued.",
        due=date(2026, 3, 11),
    ),
    "kettle3": Spec(
        "Broken kettle. The kettle leaks and the kettle lid is broken.",
        day=1,
        name="Eva Smit",
        email="eva@example.nl",
        due=date(2026, 3, 5),
    ),
    "pakket": Spec(
        "Ik heb twee pakketten besteld maar de bestelling is nooit geleverd.",
        day=3,
        language="nl",
        status="awaiting_customer",
        name="Anouk de Vries",
        email="anouk@voorbeeld.nl",
        order="NL-2026-000777",
    ),
    "ebook": Spec(
        "My download link for the ebook does not work and the file is corrupted.",
        day=5,
        category="digital",
        status="resolved",
        messages=("Please try the new download link.",),
        name="Sam Smith",
        email="sam@example.com",
    ),
    "billing": Spec(
        "I was charged twice for my order, please refund the double payment.",
        day=8,
        category="billing",
        order="NL-2026-009999",
        name="Lee Chen",
        email="lee@example.com",
        due=date(2026, 3, 12),
    ),
    "login": Spec(
        "I cannot log in to my account because the password reset email never arrives.",
        day=12,
        category="account",
        status="closed",
        name="Pat Doe",
        email="pat@example.com",
    ),
    "checkout": Spec(
        "The checkout button on the website is broken in Firefox.",
        day=15,
        category="website",
        status="acknowledged",
        notes=("Escalated to the web team.",),
        name="Kim Lee",
        email="kim@example.org",
        due=date(2026, 3, 19),
    ),
    "screen": Spec(
        "Damaged screen on arrival; the box was fine though.",
        day=20,
        status="final",
        name="Max Mustermann",
        email="max@example.com",
    ),
    "mugs": Spec(
        "Refunds requested for three damaged mugs.",
        day=25,
        name="Ria Visser",
        email="ria@example.com",
        due=date(2026, 3, 31),
    ),
    "kettle1": Spec(
        "My kettle arrived.", day=28, category="other", name="Bo Berg", email="bo@example.com"
    ),
    "mentions": Spec(
        "Same problem as order NL-2026-004512 last week, the parcel is damaged too.",
        day=30,
        name="Tom Bakker",
        email="tom@example.com",
        due=date(2026, 4, 2),
    ),
}
ALL = set(CORPUS)
DAMAGED = {"parcel", "screen", "mugs", "mentions"}


@pytest.fixture(scope="module")
def corpus(backend_app: Any) -> dict[str, Any]:
    """The shared complaints: name → id (and the assignee in "staff_id")."""
    with backend_app.app_context():
        staff = Staff(email="agent@shop.example", name="Agent", role="agent", password_hash="x")
        db.session.add(staff)
        db.session.commit()
        CORPUS["screen"].assignee_id = staff.id
        made = add_complaints(CORPUS.values(), staff)
        ids = {name: c.id for name, c in zip(CORPUS, made, strict=True)}
        refs = {name: c.reference for name, c in zip(CORPUS, made, strict=True)}
        staff_id = staff.id
        db.session.remove()
    return {"ids": ids, "refs": refs, "staff_id": staff_id}


def names(corpus: dict[str, Any], page: search.SearchPage) -> list[str]:
    """The corpus names of a page's complaints, in order."""
    by_id = {cid: name for name, cid in corpus["ids"].items()}
    return [by_id.get(cid, f"#{cid}") for cid in page.complaint_ids]


def check_cases(corpus: dict[str, Any], cases: list[tuple[str, set[str]]], **kwargs: Any) -> None:
    """Every query finds exactly its expected complaints (all failures reported at once)."""
    wrong = []
    for text, expected in cases:
        page = find(text, per_page=50, **kwargs)
        found = set(names(corpus, page))
        if found != expected or page.total != len(expected) or page.fallback:
            wrong.append(
                f"{text!r}: expected {sorted(expected)}, got {sorted(found)} "
                f"(total {page.total}, fallback {page.fallback})"
            )
    assert not wrong, "\n".join(wrong)


def test_words_match_in_any_message_and_any_case(in_backend: Any, corpus: dict[str, Any]) -> None:
    check_cases(
        corpus,
        [
            ("damaged", DAMAGED),
            ("DAMAGED", DAMAGED),
            ("crushed", {"parcel"}),
            ("replacement", {"parcel"}),  # a staff reply
            ("issued", {"parcel"}),  # the outcome
            ("firefox", {"checkout"}),
            ("lee", {"billing", "checkout"}),  # a name and an email address
            ("voorbeeld", {"pakket"}),
            ("nothingmatchesthis", set()),
        ],
    )


def test_english_and_dutch_word_forms_match(in_backend: Any, corpus: dict[str, Any]) -> None:
    check_cases(
        corpus,
        [
            ("refunds", {"parcel", "billing", "mugs"}),
            ("arrives", {"parcel", "login", "screen", "kettle1"}),
            ("charging", {"billing"}),
            ("pakket", {"pakket"}),
            ("bestellingen", {"pakket"}),
            ("kettles", {"kettle3", "kettle1"}),
        ],
    )


def test_exact_phrases(in_backend: Any, corpus: dict[str, Any]) -> None:
    check_cases(
        corpus,
        [
            ('"box was crushed"', {"parcel"}),
            ('"the box was fine"', {"screen"}),
            ('"download link"', {"ebook"}),
            ('"damaged box"', set()),
            ('"crushed box"', set()),
            ('"twee pakketten"', {"pakket"}),
        ],
    )


def test_and_or_not_and_brackets(in_backend: Any, corpus: dict[str, Any]) -> None:
    check_cases(
        corpus,
        [
            ("damaged box", {"parcel", "screen"}),
            ("damaged AND box", {"parcel", "screen"}),
            ("firefox OR ebook", {"checkout", "ebook"}),
            ("damaged NOT screen", {"parcel", "mugs", "mentions"}),
            ("damaged -screen", {"parcel", "mugs", "mentions"}),
            ("(firefox OR ebook) AND broken", {"checkout"}),
            ("NOT damaged", ALL - DAMAGED),
        ],
    )


def test_prefixes_and_typos(in_backend: Any, corpus: dict[str, Any]) -> None:
    check_cases(
        corpus,
        [
            ("corrupt*", {"ebook"}),
            ("refun*", {"parcel", "billing", "mugs"}),
            ("pakk*", {"pakket"}),
            ("firefx~", {"checkout"}),
            ("damagde~", DAMAGED),
            ("crushed~2", {"parcel"}),
        ],
    )


def test_no_hits_retries_forgiving_typos(in_backend: Any, corpus: dict[str, Any]) -> None:
    page = find("pasword")
    assert names(corpus, page) == ["login"]
    assert page.hint and "typos" in page.hint
    page = find("crushd box")
    assert names(corpus, page) == ["parcel"]
    page = find("zzzzzzzz")
    assert page.total == 0 and page.hint is None


def test_field_filters_and_dates(in_backend: Any, corpus: dict[str, Any]) -> None:
    ref = corpus["refs"]["ebook"]
    typed = f"{ref[:4]}-{ref[4:8]}-{ref[8:]}".lower().replace("0", "o").replace("1", "l")
    check_cases(
        corpus,
        [
            ("category:digital", {"ebook"}),
            ("category:physical damaged", DAMAGED),
            ("category:billing,digital", {"billing", "ebook"}),
            ("status:closed", {"login"}),
            (
                "status:open",
                {
                    "parcel",
                    "kettle3",
                    "pakket",
                    "billing",
                    "checkout",
                    "mugs",
                    "kettle1",
                    "mentions",
                },
            ),
            ("status:resolved,final", {"ebook", "screen"}),
            (f"ref:{typed}", {"ebook"}),
            ("order:nl-2026-000777", {"pakket"}),
            ("email:lee@example.com", {"billing"}),
            ("email:JAN*", {"parcel"}),
            ("before:2026-03-06", {"parcel", "kettle3", "pakket"}),
            ("after:2026-03-26", {"mugs", "kettle1", "mentions"}),
            ("after:2026-03-04 before:2026-03-11", {"pakket", "ebook", "billing"}),
        ],
    )


def test_reference_and_order_number_hits_come_first(
    in_backend: Any, corpus: dict[str, Any]
) -> None:
    page = find("NL-2026-004512")
    assert names(corpus, page) == ["parcel", "mentions"]  # mentions is newer and matches too
    page = find("nl-2026-004512", sort="newest")
    assert names(corpus, page)[0] == "parcel"
    ref = corpus["refs"]["screen"]
    page = find(ref.lower())
    assert names(corpus, page) == ["screen"]
    # A whole email address is an exact hit too (its words still match as a phrase).
    assert names(corpus, find("EVA@example.nl")) == ["kettle3"]
    assert names(corpus, find("eva@example.nl", sort="oldest", categories=("other",))) == []


def test_exact_matches_ignore_every_inbox_filter(in_backend: Any, corpus: dict[str, Any]) -> None:
    """What one typed code, order number or address names, newest first: the inbox shows
    these whatever its filters (services.inbox_exact)."""
    ids = corpus["ids"]
    ref = corpus["refs"]["login"]  # a closed complaint
    typed = f"{ref[:4]}-{ref[4:8]}-{ref[8:]}".lower()
    assert search.exact_matches(typed) == [ids["login"]]
    assert search.exact_matches(f"ref:{ref}") == [ids["login"]]
    assert search.exact_matches("nl-2026-004512") == [ids["parcel"]]
    assert search.exact_matches("order:NL-2026-000777") == [ids["pakket"]]
    assert search.exact_matches("pat@example.com") == [ids["login"]]
    assert search.exact_matches("email:PAT@example.com") == [ids["login"]]
    for text in ("refund", "email:pat*", f"{typed} refund", "NOT pat@example.com", ""):
        assert search.exact_matches(text) == [], text


def test_internal_notes_only_for_staff(in_backend: Any, corpus: dict[str, Any]) -> None:
    check_cases(
        corpus,
        [
            ("reseller", {"parcel"}),
            ("escalated", {"checkout"}),
            ('"web team"', {"checkout"}),
            ("invoice", {"parcel"}),
        ],
    )
    check_cases(
        corpus,
        [("reseller", set()), ("escalated", set()), ('"web team"', set()), ("invoice", set())],
        include_internal=False,
    )


def test_inbox_filters_are_applied_inside_the_search(
    in_backend: Any, corpus: dict[str, Any]
) -> None:
    staff_id = corpus["staff_id"]
    check_cases(corpus, [("damaged", DAMAGED)], categories=("physical",))
    check_cases(corpus, [("damaged", {"mugs", "mentions"})], statuses=("received",))
    check_cases(corpus, [("damaged", {"screen"})], assignee_id=staff_id)
    check_cases(corpus, [("damaged", {"parcel", "mugs", "mentions"})], unassigned=True)
    check_cases(corpus, [("damaged", {"parcel"})], due_before=date(2026, 3, 31))
    check_cases(corpus, [("damaged", {"parcel", "mugs"})], due_on_or_before=date(2026, 3, 31))


def test_paging_and_sorting(in_backend: Any, corpus: dict[str, Any]) -> None:
    pages = [find("damaged", sort="newest", per_page=2, page=n) for n in (1, 2, 3)]
    assert [names(corpus, p) for p in pages] == [["mentions", "mugs"], ["screen", "parcel"], []]
    assert {p.total for p in pages} == {4}
    assert names(corpus, find("damaged", sort="oldest")) == ["parcel", "screen", "mugs", "mentions"]
    assert names(corpus, find("damaged", sort="due")) == ["parcel", "mugs", "mentions", "screen"]
    # Relevance: the kettle complaint that says "kettle" three times beats a newer one.
    assert names(corpus, find("kettle")) == ["kettle3", "kettle1"]
    # Relevance pages are slices of one order, with the filters' counts beside each.
    whole = find("damaged", per_page=50)
    pieces = [find("damaged", per_page=3, page=n) for n in (1, 2)]
    assert names(corpus, pieces[0]) + names(corpus, pieces[1]) == names(corpus, whole)
    assert [p.total for p in pieces] == [4, 4]
    assert all(p.facets == whole.facets for p in pieces)
    beyond = find("damaged", per_page=3, page=5)
    assert beyond.complaint_ids == [] and beyond.total == 4 and beyond.facets == whole.facets


def test_facets_count_each_dimension_with_the_other_filters(
    in_backend: Any, corpus: dict[str, Any]
) -> None:
    page = find("damaged", statuses=("received",))
    assert page.total == 2
    assert page.facets["category"]["physical"] == 2
    assert sum(page.facets["category"].values()) == 2
    assert page.facets["status"] == {
        **dict.fromkeys(page.facets["status"], 0),
        "assessing": 1,
        "final": 1,
        "received": 2,
    }
    page = find("damaged", categories=("digital",))
    assert page.total == 0 and page.complaint_ids == []
    assert page.facets["category"]["physical"] == 4
    assert sum(page.facets["status"].values()) == 0


def test_snippets_mark_the_words_found(in_backend: Any, corpus: dict[str, Any]) -> None:
    page = find("crushed")
    (snippet,) = page.snippets[corpus["ids"]["parcel"]]
    assert isinstance(snippet, Markup)
    assert "<mark>crushed</mark>" in snippet
    notes = find("reseller").snippets[corpus["ids"]["parcel"]]
    assert any("<mark>reseller</mark>" in s for s in notes)
    assert find("reseller", include_internal=False).snippets == {}


NASTY = [
    '"',
    '"""',
    "(",
    ")",
    "((a)",
    "a)))",
    "category:",
    "status:",
    "ref:",
    "order:",
    "email:",
    "before:",
    "after:",
    "url: x",
    "url:x",
    "foo:bar:baz",
    "\x00\x01\x02",
    "a\x00b",
    "\u202e\u200b",
    "x" * 10_000,
    "refund " * 2000,
    "AND",
    "OR",
    "NOT",
    "AND OR NOT",
    "-",
    "--",
    "*",
    "**",
    "~",
    "~~~",
    "a~9",
    "~a",
    "*a",
    '"unclosed phrase',
    "category:nonsense",
    "status:nonsense",
    "ref:nonsense",
    "before:2026-13-45",
    "before:yesterday",
    "after:99999-01-01",
    "'; DROP TABLE complaint; --",
    "%_%",
    "\\",
    "<script>alert(1)</script>",
    "(" * 300 + "a" + ")" * 300,
    "😀 emoji",
    "ñandú",
    "ü" * 50,
    '"a" "b" "c" ' * 20,
    "email:%",
    "email:*",
    "order:*",
    "NOT NOT NOT damaged",
    "a OR OR b",
    "(a OR) AND (NOT)",
    ":",
    "::",
    "category::billing",
    "\t\n\r",
    "ref:OOOO-IIII-LLLL",
    "damaged~~2",
    "dam*ged",
    "*" * 500,
    "'",
    "`",
    "\ud800",
    "tsquery & ! | <-> :*",
    "a:* & b",
    "'a':*",
    "nl-",
    "-nl-",
]


@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_nasty_input_never_raises(in_backend: Any, corpus: dict[str, Any], sort: str) -> None:
    everything = set(corpus["ids"].values())
    for text in NASTY:
        page = search.search_inbox(InboxQuery(text=text, sort=sort))
        assert page.total >= 0, text
        assert set(page.complaint_ids) <= everything, text
        assert page.hint is None or isinstance(page.hint, str), text
        assert not page.fallback, text
    # Something that could be understood is searched: the words around the junk count.
    page = find('crushed ((( "unclosed')
    assert page.hint and page.total == 0
    assert names(corpus, find("crushed )))")) == ["parcel"]
    assert names(corpus, find("crushed url: box")) == []  # "url" is searched as a word


def test_a_change_is_found_after_the_commit_and_a_removal_is_gone(
    in_backend: Any, corpus: dict[str, Any]
) -> None:
    (zebra,) = add_complaints([Spec("A zebra <b>crossing</b> sign & more", day=40)])
    assert find("zebra").complaint_ids == [zebra.id]
    snippet = find("zebra").snippets[zebra.id][0]
    assert "&lt;b&gt;crossing&lt;/b&gt;" in snippet and "<b>" not in snippet
    assert "<mark>zebra</mark>" in snippet and "&amp;" in snippet
    zebra.description = "A giraffe sign"
    zebra.messages[0].body = zebra.description  # as a privacy edit would
    db.session.add(Message(complaint=zebra, author="staff", kind="reply", body="An okapi too"))
    db.session.commit()
    assert find("zebra").total == 0
    assert find("giraffe").complaint_ids == [zebra.id]
    assert find("okapi").complaint_ids == [zebra.id]
    assert search.check().ok
    db.session.delete(db.session.get(Complaint, zebra.id))
    db.session.commit()
    assert find("giraffe").total == 0
    assert find("okapi").total == 0
    assert search.check().ok
