"""Snippets: escaped user text, <mark> around what was searched, nothing else."""

from __future__ import annotations

from markupsafe import Markup

from helpdesk.search.language.parse import parse
from helpdesk.search.snippets import highlight, terms_of


def marks(query: str, text: str) -> list[str]:
    """The snippets of `text` for `query`, as strings."""
    return [str(s) for s in highlight(text, terms_of(parse(query).node))]


def test_user_text_is_escaped_and_only_mark_is_added() -> None:
    text = '<script>alert("x")</script> the parcel & <b>box</b> arrived damaged'
    (snippet,) = highlight(text, terms_of(parse("damaged box").node))
    assert isinstance(snippet, Markup)
    assert str(snippet) == (
        "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; the parcel &amp; "
        "&lt;b&gt;<mark>box</mark>&lt;/b&gt; arrived <mark>damaged</mark>"
    )


def test_word_forms_prefixes_and_typos_are_marked() -> None:
    assert marks("refunds", "We refunded it") == ["We <mark>refunded</mark> it"]
    assert marks("pakket", "De pakketten zijn zoek") == ["De <mark>pakketten</mark> zijn zoek"]
    assert marks("deliv*", "Delivery failed") == ["<mark>Delivery</mark> failed"]
    assert marks("packgae~", "A package") == ["A <mark>package</mark>"]


def test_negated_words_are_not_marked_and_no_match_gives_no_snippet() -> None:
    assert marks("box NOT lid", "box with a lid") == ["<mark>box</mark> with a lid"]
    assert marks("zebra", "nothing to see") == []
    assert marks("category:billing", "billing text") == []


def test_long_texts_are_cut_around_the_matches() -> None:
    text = ("filler " * 100) + "the key word here " + ("more " * 100) + "key again"
    first, second = marks("key", text)
    assert first.startswith("…") and first.endswith("…") and "<mark>key</mark> word" in first
    assert second.endswith("<mark>key</mark> again")
    assert len(first) < 250
    assert "\n" not in marks("key", "line one\n\n key\n line")[0]


def test_a_snippet_keeps_to_its_line() -> None:
    """Messages, outcome, file names and the customer's name are lines of one text: a
    snippet shows the line of its match, not the end of one message run into the next."""
    text = "With kind regards, Sanne\nrefund\nHello Oliver, we refunded it.\nOliver Davies"
    assert marks("refund", text) == ["Hello Oliver, we <mark>refunded</mark> it."]
    assert marks("refund", "refund") == ["<mark>refund</mark>"]  # a bare line when nothing else
    twice = "We refund it.\nrefund\nWe refund it.\nA refund again."
    assert marks("refund", twice) == ["We <mark>refund</mark> it.", "A <mark>refund</mark> again."]
    long = "word " * 40 + "key " + "word " * 40
    (cut,) = marks("key", "first line\n" + long + "\nlast line")
    assert cut.startswith("…") and cut.endswith("…") and "line" not in cut
