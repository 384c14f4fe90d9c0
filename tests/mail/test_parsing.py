"""Reading incoming messages without a database: bodies, quotes, charsets, robots, codes."""

from __future__ import annotations

from helpdesk.mail.parsing import parse_email
from helpdesk.mail.refs import find_references, subject_with_reference
from helpdesk.mail.text import find_order_number, guess_language, html_to_text, strip_quoted
from tests.mail.conftest import eml, png_bytes


def test_a_plain_message():
    parsed = parse_email(eml("Hello,\nmy download fails.\n"))
    assert (parsed.from_name, parsed.from_addr) == ("Jan Jansen", "jan@example.nl")
    assert parsed.subject == "Problem with my order"
    assert parsed.body == "Hello,\nmy download fails."
    assert parsed.message_id == "<m1@mail.example.nl>"
    assert parsed.automatic is None and parsed.attachments == []


def test_multipart_prefers_the_text_and_keeps_the_png():
    image = png_bytes()
    raw = eml(
        "See the picture.",
        html="<p>See the <b>picture</b>.</p>",
        attachments=(("../../etc/screen shot.png", image, "image/png"),),
    )
    parsed = parse_email(raw)
    assert parsed.body == "See the picture."
    assert parsed.attachments == [("screen shot.png", image)]


def test_html_only_becomes_text_and_scripts_vanish():
    html = (
        "<html><head><style>p{color:red}</style><script>alert(1)</script></head>"
        "<body><p>Line one &amp; more</p><div>Line&nbsp;two<br>three</div>"
        "<p>&lt;script&gt; stays text</p></body></html>"
    )
    parsed = parse_email(eml("", html=html))
    assert "alert" not in parsed.body and "color" not in parsed.body
    assert parsed.body.splitlines() == [
        "Line one & more",
        "",
        "Line two",
        "three",
        "",
        "<script> stays text",
    ]


def test_iso_8859_1_and_unknown_charsets():
    latin = eml("Het bestand is beschadigd, één keer geprobeerd.", charset="iso-8859-1")
    assert b"\xe9\xe9n" in latin  # really Latin-1 on the wire
    assert parse_email(latin).body == "Het bestand is beschadigd, één keer geprobeerd."
    odd = (
        b"From: a@example.com\r\nSubject: x\r\nContent-Type: text/plain; charset=x-nonsense\r\n"
        b"\r\nplain words \xff\r\n"
    )
    assert parse_email(odd).body.startswith("plain words")


def test_garbage_and_missing_headers_do_not_raise():
    for raw in (b"", b"\x00\xff\xfe garbage \x00", b"Subject: only a subject\r\n\r\nbody",
                b"From: <<<>>>\r\nContent-Type: multipart/mixed\r\n\r\n--nope"):  # fmt: skip
        parsed = parse_email(raw)
        assert parsed.from_addr == ""
        assert "\x00" not in parsed.body
    no_id = parse_email(b"From: a@example.com\r\n\r\nhello")
    assert no_id.message_id == parse_email(b"From: a@example.com\r\n\r\nhello").message_id
    assert no_id.message_id.endswith("@ingest.invalid>")


def test_robots_are_recognised():
    cases = {
        "Auto-Submitted": ("auto-replied", "Auto-Submitted"),
        "Precedence": ("bulk", "Precedence"),
        "Return-Path": ("<>", "bounce"),
        "List-Id": ("<news.shop.example>", "mailing list"),
        "X-Autoreply": ("yes", "auto-reply"),
    }
    for name, (value, reason) in cases.items():
        assert reason in parse_email(eml(headers={name: value})).automatic
    assert parse_email(eml(headers={"Auto-Submitted": "no"})).automatic is None
    daemon = parse_email(eml(sender="MAILER-DAEMON@mx.example.nl"))
    assert "bounce" in daemon.automatic


def test_quotes_and_signatures_are_cut():
    text = (
        "Yes, the order number is 1234.\n\nJan\n-- \nJan Jansen\nCEO\n\n"
        "On Tue, 24 Nov 2026 at 10:00, IOPRO <complaints@shop.example> wrote:\n> Hello\n> bye"
    )
    assert strip_quoted(text) == "Yes, the order number is 1234.\n\nJan"
    dutch = "Hierbij de foto.\n\nOp di 24 nov. 2026 om 10:00 schreef IOPRO <x@y.nl>:\n> Hallo"
    assert strip_quoted(dutch) == "Hierbij de foto."
    outlook = "Thanks!\n\n-----Original Message-----\nFrom: Shop\nSent: today\n\nold text"
    assert strip_quoted(outlook) == "Thanks!"
    assert strip_quoted("> only a quote\n> nothing else") == "> only a quote\n> nothing else"


def test_language_is_guessed_simply():
    assert (
        guess_language("Mijn bestelling is niet aangekomen en ik wil graag mijn geld terug.")
        == "nl"
    )
    assert guess_language("My order did not arrive and I would like my money back.") == "en"
    assert guess_language("Hello", "nl-NL") == "nl"
    assert guess_language("", "") == "en"


def test_order_numbers_are_spotted():
    assert find_order_number("Order #A-10023 never came") == "A-10023"
    assert find_order_number("", "Mijn bestelnummer: 778812.") == "778812"
    assert find_order_number("I placed an order yesterday") is None


def test_reference_codes_in_subjects():
    code = "ABCDEFGHJKMN"
    for subject in ("Re: [Ref ABCD-EFGH-JKMN] We have received your complaint",
                    "RE: abcd efgh jkmn", "Fwd: ref abcdefghjkmn please",
                    "About AbCd-EfGh-JkMn"):  # fmt: skip
        assert find_references(subject)[0] == code, subject
    assert find_references("Broken order 12345") == []
    # Words that happen to read as a code come after the marked one.
    assert find_references("have received: Ref ABCD-EFGH-JKMN") == [code, "HAVERECE1VED"]
    assert subject_with_reference("Hello", code) == "Hello [Ref ABCD-EFGH-JKMN]"
    assert subject_with_reference("[Ref ABCD-EFGH-JKMN] Hi", code) == "[Ref ABCD-EFGH-JKMN] Hi"
    assert "ABCD" not in html_to_text("<p>no code</p>")


def test_mangled_messages_never_raise():
    """Random damage to real messages (seeded): the parser degrades, it never raises."""
    import random

    seeds = [
        eml(
            "Hello é\n> quoted", html="<p>x</p>", attachments=(("a.png", png_bytes(), "image/png"),)
        ),
        b"From: =?utf-8?q?J=C3=A9?= <a@b.c>\r\nSubject: =?bogus?x?abc?=\r\n"
        b'Content-Type: multipart/mixed; boundary="zz"\r\n\r\n--zz\r\n'
        b"Content-Type: text/plain; charset=utf-7\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        b"!!!notb64\r\n--zz\r\nContent-Disposition: attachment; filename*=utf-8''%e2%82%ac.png"
        b"\r\n\r\nxx\r\n",
    ]
    noise = [b"\r\n", b":", b"=?", b"?=", b"--", b";", b'"', b"<", b">", b"@", b"\x00", b"\r\n\r\n"]
    rnd = random.Random(2026)
    for _ in range(1500):
        data = bytearray(rnd.choice(seeds))
        for _ in range(rnd.randint(1, 20)):
            pos = rnd.randrange(len(data) or 1)
            roll = rnd.random()
            if roll < 0.4 and data:
                data[pos] = rnd.randrange(256)
            elif roll < 0.7:
                data[pos:pos] = rnd.choice(noise)
            else:
                del data[pos : pos + rnd.randint(1, 30)]
        parsed = parse_email(bytes(data))
        assert "\x00" not in parsed.body + parsed.subject + parsed.from_name


def test_parts_are_found_without_recursion_and_depth_is_bounded() -> None:
    import pytest

    from helpdesk.mail.parsing import MAX_DEPTH, UnreadableEmail, parse_email

    def nested(depth: int) -> bytes:
        inner = "Content-Type: text/plain\r\n\r\nthe body\r\n"
        for level in range(depth, 0, -1):
            b = f"b{level}"
            head = f'Content-Type: multipart/mixed; boundary="{b}"\r\n\r\n'
            inner = f"{head}--{b}\r\n{inner}\r\n--{b}--\r\n"
        return f"From: a@example.com\r\nSubject: s\r\nMIME-Version: 1.0\r\n{inner}".encode()

    assert parse_email(nested(MAX_DEPTH)).body == "the body"
    with pytest.raises(UnreadableEmail, match="nested deeper"):
        parse_email(nested(MAX_DEPTH + 1))
    with pytest.raises(UnreadableEmail, match="too deep to parse"):
        parse_email(nested(1500))  # the stdlib parser itself gives up (RecursionError)
