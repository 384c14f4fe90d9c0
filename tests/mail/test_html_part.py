"""Outbound emails carry an HTML part beside the unchanged text part (multipart/alternative):
escaped, in the customer's language, with the shop's name as its heading. Read back from a
real aiosmtpd server."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

from flask import Flask
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.mail.sender import send_pending
from helpdesk.models import OutboxEmail
from helpdesk.models.types import utcnow
from helpdesk.outbox.html_part import Piece, blocks
from helpdesk.services import replies
from helpdesk.services.casework import seen_now
from helpdesk.services.submission import NewComplaint, submit_complaint
from tests.services.outcomes_support import fast_staff

SCRIPT = "<script>alert('x')</script>"


def parts(message: EmailMessage) -> tuple[str, str]:
    """The text and the HTML part of a delivered message."""
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def sent(app: Flask, smtp_server: Any) -> list[EmailMessage]:
    app.config["SMTP_URL"] = smtp_server.url
    report = send_pending()
    assert report.failed == 0
    return smtp_server.wait_for(report.sent)


def test_the_acknowledgement_has_both_parts_and_the_text_is_unchanged(
    app: Flask, smtp_server: Any
) -> None:
    app.config["SHOP_NAME"] = "Lampen & Co"
    submit_complaint(
        NewComplaint(name="Anna", email="anna@example.com", order_number=None,
                     category="physical", description="Broken lamp.", language="nl"),
        now=utcnow(),
    )  # fmt: skip
    row = db.session.scalars(select(OutboxEmail)).one()
    [message] = sent(app, smtp_server)
    text, html = parts(message)
    assert text.replace("\r\n", "\n") == row.body_text
    assert html.startswith("<!doctype html>")
    assert '<html lang="nl">' in html
    assert "<h1" in html and ">Lampen &amp; Co</h1>" in html
    assert f"<title>{row.subject.replace('&', '&amp;')}</title>" in html
    # The promises are a list; the personal tracking link is a link.
    assert "<ul" in html and html.count("<li") == 2
    tracking = next(line for line in text.splitlines() if "/track/" in line and " " not in line)
    assert f'<a href="{tracking}"' in html


def test_a_script_in_the_name_and_the_message_stays_text(app: Flask, smtp_server: Any) -> None:
    complaint = submit_complaint(
        NewComplaint(name=f"Anna {SCRIPT}", email="anna@example.com", order_number=None,
                     category="digital", description=f"The file is broken {SCRIPT}"),
        now=utcnow(),
    )  # fmt: skip
    agent = fast_staff("agent")
    reply = f'You wrote: "The file is broken {SCRIPT}". <b>We fixed it</b> https://evil.example/x'
    replies.reply(complaint, agent, reply, seen_now(complaint))
    messages = sent(app, smtp_server)
    assert len(messages) == 2
    text, html = parts(messages[1])
    assert f"Anna {SCRIPT}" in text and SCRIPT in text  # the text part is plain text, as typed
    assert "<script" not in html and "<b>" not in html
    assert "Anna &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "&lt;b&gt;We fixed it&lt;/b&gt;" in html
    # An address typed inside a sentence is not made a link.
    assert 'href="https://evil.example' not in html


def test_the_final_response_heading_and_the_dispute_bodies() -> None:
    text = (
        "*** Final response ***\nYou asked us to review.\n\nDear Anna,\n\n"
        "If you are still not satisfied:\n\n- De Geschillencommissie: https://dgc.example/\n"
        "  An independent committee.\n\n- Another body: https://other.example/\n\n"
        "Your complaint page:\nhttps://shop.example/track/abc\n"
    )
    found = blocks(text)
    assert [b.kind for b in found] == ["heading", "paragraph", "paragraph", "paragraph", "list",
                                       "paragraph"]  # fmt: skip
    assert found[0].lines == [[Piece("Final response")]]
    assert found[4].items == [
        [[Piece("De Geschillencommissie: "), Piece("https://dgc.example/", "https://dgc.example/")],
         [Piece("An independent committee.")]],
        [[Piece("Another body: "), Piece("https://other.example/", "https://other.example/")]],
    ]  # fmt: skip
    assert found[5].lines[1] == [
        Piece("https://shop.example/track/abc", "https://shop.example/track/abc")
    ]


def test_every_email_template_gets_an_html_part(app: Flask) -> None:
    """Whatever queued them: the rows written by a submission and a reply."""
    complaint = submit_complaint(
        NewComplaint(name="Anna", email="anna@example.com", order_number=None,
                     category="digital", description="The file is broken."),
        now=utcnow(),
    )  # fmt: skip
    replies.request_information(
        complaint, fast_staff("agent"), "Which reader?", seen_now(complaint)
    )
    rows = list(db.session.scalars(select(OutboxEmail)))
    assert {r.kind for r in rows} == {"acknowledgement", "info_request"}
    for row in rows:
        assert row.body_html and '<html lang="en">' in row.body_html
