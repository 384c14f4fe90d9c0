"""The query language parser and the word rules (pure functions, no database)."""

from __future__ import annotations

import pytest

from helpdesk.search.language.nodes import (
    And,
    Everything,
    Exact,
    Filter,
    Not,
    Or,
    Phrase,
    Word,
    leaves,
    with_typos,
)
from helpdesk.search.language.parse import MAX_LEAVES, parse
from helpdesk.search.language.text import (
    auto_edits,
    edit_distance,
    is_fuzzy_match,
    tokens,
    variants,
)


def codes(text: str) -> list[str]:
    """The hint codes for a query."""
    return [hint.code for hint in parse(text).hints]


@pytest.mark.parametrize(
    ("text", "node"),
    [
        ("refund", Word("refund")),
        ("Refund damaged", And((Word("refund"), Word("damaged")))),
        ("refund AND damaged", And((Word("refund"), Word("damaged")))),
        ("refund OR damaged", Or((Word("refund"), Word("damaged")))),
        ("refund NOT box", And((Word("refund"), Not(Word("box"))))),
        ("refund -box", And((Word("refund"), Not(Word("box"))))),
        ("NOT NOT box", Word("box")),
        ('"box was crushed"', Phrase(("box", "was", "crushed"))),
        ("“box crushed”", Phrase(("box", "crushed"))),
        ("refun*", Word("refun", prefix=True)),
        ("refnd~", Word("refnd", fuzzy=1)),
        ("refnd~2", Word("refnd", fuzzy=2)),
        ("refnd~7", Word("refnd", fuzzy=2)),
        ("a OR b c", Or((Word("a"), And((Word("b"), Word("c")))))),
        ("(a OR b) c", And((Or((Word("a"), Word("b"))), Word("c")))),
        ("e-mail", Phrase(("e", "mail"))),
        ("category:Billing,digital", Filter("category", ("billing", "digital"))),
        ("status:resolved", Filter("status", ("resolved",))),
        ("order: NL-1", Or((Phrase(("nl", "1")), Exact(None, "NL-1")))),  # hint: empty
        ("order:nl-2026-1", Filter("order", ("NL-2026-1",))),
        ("email:Jan@Example.NL", Filter("email", ("jan@example.nl",))),
        ("email:jan*", Filter("email", ("jan*",))),
        ("before:2026-03-31", Filter("before", ("2026-03-31",))),
        ("ref:abcd-efgh-jkmn", Filter("ref", ("ABCDEFGHJKMN",))),
        ("http://shop.example/x", Phrase(("http", "shop", "example", "x"))),
    ],
)
def test_parses(text: str, node: object) -> None:
    assert parse(text).node == node


def test_status_open_means_every_open_status() -> None:
    node = parse("status:open").node
    assert isinstance(node, Filter)
    assert set(node.values) == {
        "received",
        "acknowledged",
        "assessing",
        "awaiting_customer",
        "review_requested",
    }


def test_a_reference_or_order_number_also_matches_exactly() -> None:
    node = parse("abcd-efgh-jkmn").node
    assert node == Or((Phrase(("abcd", "efgh", "jkmn")), Exact("ABCDEFGHJKMN", None)))
    node = parse("NL-2026-004512").node
    assert isinstance(node, Or) and node.items[1] == Exact("N12026004512", "NL-2026-004512")
    assert parse("refund").node == Word("refund")  # no digits: not an order number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"unclosed', ["unclosed_quote"]),
        ("((a", ["unbalanced"]),
        ("a))", ["unbalanced"]),
        ("url: x", ["unknown_field"]),
        ("category:", ["empty_field"]),
        ("category:shoes", ["bad_category"]),
        ("status:lost", ["bad_status"]),
        ("ref:12", ["bad_ref"]),
        ("before:tomorrow", ["bad_date"]),
        ("before:2026-02-30", ["bad_date"]),
        ("a*", ["short_prefix"]),
        ("x" * 41, ["long_word"]),
        ("AND OR NOT", ["nothing"]),
        ("a " * 300, ["too_long", "too_many"]),
        ("refund", []),
    ],
)
def test_hints_say_what_could_not_be_used(text: str, expected: list[str]) -> None:
    assert codes(text) == expected


def test_nothing_searchable_means_everything() -> None:
    for text in ("", "   ", "AND", "()", '""', "category:"):
        assert parse(text).node == Everything()


def test_limits_keep_the_tree_small() -> None:
    assert len(leaves(parse("w " * 100).node)) == MAX_LEAVES
    deep = parse("(" * 200 + "a" + ")" * 200)
    assert deep.node == Word("a")
    assert parse("\x00ref\x07und\ud800").node == And((Word("ref"), Word("und")))


def test_typo_retry_only_touches_plain_positive_words() -> None:
    node = parse("refnd damaged NOT box cat refun*").node
    changed = with_typos(node)
    assert changed == And(
        (
            Word("refnd", fuzzy=1),
            Word("damaged", fuzzy=1),
            Not(Word("box")),
            Word("cat"),
            Word("refun", prefix=True),
        )
    )
    assert with_typos(parse("box").node) is None  # too short to guess
    assert with_typos(parse("category:billing").node) is None


def test_tokens_and_word_forms() -> None:
    assert tokens("Order NL-2026-004512, e-mail: jan_de.vries@x.nl") == [
        "order",
        "nl",
        "2026",
        "004512",
        "e",
        "mail",
        "jan",
        "de",
        "vries",
        "x",
        "nl",
    ]
    assert tokens("a" * 41 + " ok") == ["ok"]
    assert variants("refunds") == ("refunds", "refund")
    assert variants("pakketten") == ("pakketten", "pakket")
    assert variants("the") == ("the",)  # an English stop word keeps only itself
    assert variants("abc123") == ("abc123",)  # codes and numbers are not stemmed


def test_edit_distance_counts_a_swap_as_one() -> None:
    assert edit_distance("refnud", "refund", 2) == 1
    assert edit_distance("refnd", "refund", 2) == 1
    assert edit_distance("refund", "refund", 1) == 0
    assert edit_distance("kitten", "sitting", 5) == 3
    assert edit_distance("abcdef", "uvwxyz", 1) == 2  # stops early: more than the limit
    assert is_fuzzy_match("package", "packgae", 1)
    assert not is_fuzzy_match("backage", "package", 1)  # the first letter must match
    assert [auto_edits(w) for w in ("box", "refnd", "packages", "12345")] == [0, 1, 2, 0]


def test_stop_words_are_the_lists_whoosh_and_postgresql_use() -> None:
    """The lists are kept here (so PostgreSQL search loads no Whoosh module for them)."""
    from whoosh.lang import stopwords_for_language

    from helpdesk.search.language.text import STOP_EN, STOP_NL

    assert stopwords_for_language("en") == STOP_EN
    assert stopwords_for_language("nl") == STOP_NL
