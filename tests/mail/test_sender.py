"""The outbox drain against real SMTP servers (aiosmtpd): delivery, headers, retries with
backoff, permanent refusals, timeouts, TLS, concurrent drains, the acknowledgement clock."""

from __future__ import annotations

import socket
import ssl
import threading
from datetime import timedelta

import pytest
from flask import Flask

from helpdesk.domain.lifecycle import Status
from helpdesk.extensions import db
from helpdesk.mail.sender import PERMANENT_ATTEMPTS, backoff, send_pending
from helpdesk.mail.smtp import SMTPConfigError, parse_smtp_url
from helpdesk.models import AuditEvent, OutboxEmail
from helpdesk.models.types import utcnow
from tests.conftest import SMTPSink, free_port


def test_an_outbox_row_is_delivered_with_the_right_headers(app, smtp_server, queue_row):
    app.config.update(SMTP_URL=smtp_server.url, SHOP_NAME="IOPRO Shop")
    row = queue_row(
        to="anna@example.com",
        subject="Your answer",
        body_text="Hello Anna,\nthe file is fixed. Groetjes, café\n",
        body_html="<p>Hello Anna, the file is fixed.</p>",
    )
    report = send_pending()
    assert (report.sent, report.failed, report.waiting) == (1, 0, 0)
    [(envelope_from, recipients, _)] = smtp_server.received
    assert envelope_from == "complaints@shop.example"
    assert recipients == ["anna@example.com"]
    [message] = smtp_server.messages
    assert message["Message-ID"] == row.message_id
    assert message["From"].addresses[0].display_name == "IOPRO Shop"
    assert message["From"].addresses[0].addr_spec == "complaints@shop.example"
    assert message["Reply-To"] == "info@iopro.nl"
    assert message["To"] == "anna@example.com"
    assert message["Subject"] == "Your answer"
    assert message["Auto-Submitted"] is None  # a person's reply, not an automatic one
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text == "Hello Anna,\nthe file is fixed. Groetjes, café\n"
    assert "<p>Hello Anna" in message.get_body(("html",)).get_content()
    db.session.refresh(row)
    assert row.sent_at is not None and row.attempts == 1 and row.last_error is None
    # Nothing left: a second drain sends nothing.
    assert send_pending().sent == 0
    assert len(smtp_server.received) == 1


def test_acknowledgement_is_marked_auto_replied_and_keeps_the_reference(
    app, smtp_server, new_complaint
):
    app.config["SMTP_URL"] = smtp_server.url
    complaint = new_complaint()
    report = send_pending()
    assert report.sent == 1
    [message] = smtp_server.messages
    assert message["Auto-Submitted"] == "auto-replied"
    assert f"[Ref {complaint.display_reference}]" in message["Subject"]
    assert complaint.display_reference in message.get_body(("plain",)).get_content()


def test_a_subject_without_the_code_gets_it_and_later_emails_thread(
    app, smtp_server, new_complaint, queue_row
):
    app.config["SMTP_URL"] = smtp_server.url
    complaint = new_complaint()
    first = db.session.query(OutboxEmail).filter_by(complaint_id=complaint.id).one()
    queue_row(complaint=complaint, subject="We need a screenshot", message_id="<second@x>")
    assert send_pending().sent == 2
    second = smtp_server.messages[1]
    assert second["Subject"] == f"We need a screenshot [Ref {complaint.display_reference}]"
    assert second["References"] == first.message_id
    assert second["In-Reply-To"] == first.message_id


def test_delivery_of_the_acknowledgement_acknowledges_the_complaint(
    app, smtp_server, new_complaint
):
    app.config["SMTP_URL"] = smtp_server.url
    complaint = new_complaint()
    assert complaint.status == Status.RECEIVED
    moment = utcnow() + timedelta(minutes=1)
    send_pending(now=moment)
    db.session.refresh(complaint)
    assert complaint.status == Status.ACKNOWLEDGED
    assert complaint.acknowledged_at == moment
    event = (
        db.session.query(AuditEvent)
        .filter_by(complaint_id=complaint.id, action="status_changed")
        .one()
    )
    assert (event.actor, event.from_status, event.to_status) == (
        "system",
        "received",
        "acknowledged",
    )
    assert event.detail == {"by": "acknowledgement email"}
    assert complaint.sla_due_on == complaint.response_due_on  # the ack clock is met


def test_an_undelivered_acknowledgement_does_not_acknowledge(app, new_complaint):
    complaint = new_complaint()  # SMTP_URL points at a closed port
    report = send_pending()
    assert (report.sent, report.failed, report.waiting) == (0, 1, 1)
    db.session.refresh(complaint)
    assert complaint.status == Status.RECEIVED and complaint.acknowledged_at is None


def test_acknowledged_by_hand_first_stays_as_it_is(app, smtp_server, new_complaint):
    from helpdesk.services.lifecycle import change_status

    app.config["SMTP_URL"] = smtp_server.url
    complaint = new_complaint()
    by_hand = utcnow()
    change_status(complaint, Status.ACKNOWLEDGED, now=by_hand, actor="staff")
    db.session.commit()
    send_pending(now=by_hand + timedelta(minutes=5))
    db.session.refresh(complaint)
    assert complaint.status == Status.ACKNOWLEDGED
    assert db.session.query(AuditEvent).filter_by(action="status_changed").count() == 1


def test_server_down_then_up_sends_exactly_once(app, queue_row):
    port = free_port()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    row = queue_row()
    start = utcnow()
    report = send_pending(now=start)
    assert (report.sent, report.failed, report.waiting) == (0, 1, 1)
    assert "unavailable" in report.error
    db.session.refresh(row)
    assert row.sent_at is None and row.attempts == 1
    assert "127.0.0.1" in row.last_error
    assert row.next_attempt_at == start + timedelta(minutes=1)
    # Not due yet: a drain a moment later leaves it alone (no second attempt).
    assert send_pending(now=start + timedelta(seconds=30)).failed == 0

    from aiosmtpd.controller import Controller

    sink = SMTPSink(port)
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert send_pending(now=start + timedelta(minutes=2)).sent == 1
        assert send_pending(now=start + timedelta(hours=2)).sent == 0
    finally:
        controller.stop()
    assert len(sink.received) == 1
    db.session.refresh(row)
    assert row.sent_at == start + timedelta(minutes=2) and row.attempts == 2
    assert row.last_error is None


def test_server_down_stops_the_run_after_one_try(app, queue_row):
    for n in range(3):
        queue_row(to=f"c{n}@example.com")
    report = send_pending()
    assert (report.sent, report.failed, report.waiting) == (0, 1, 3)
    attempts = sorted(r.attempts for r in db.session.query(OutboxEmail))
    assert attempts == [0, 0, 1]


def test_backoff_doubles_up_to_an_hour():
    assert [backoff(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert backoff(7) == timedelta(hours=1)
    assert backoff(30) == timedelta(hours=1)


def test_retries_follow_the_backoff(app, queue_row):
    row = queue_row()
    moment = utcnow()
    for expected in (1, 2, 4, 8):
        send_pending(now=moment)
        db.session.refresh(row)
        assert row.next_attempt_at - moment == timedelta(minutes=expected)
        moment = row.next_attempt_at


def test_a_permanent_refusal_is_given_up_after_a_few_attempts(app, refusing_server, queue_row):
    app.config["SMTP_URL"] = refusing_server.url
    row = queue_row(to="nobody@example.com")
    moment = utcnow()
    for attempt in range(1, PERMANENT_ATTEMPTS + 1):
        report = send_pending(now=moment)
        db.session.refresh(row)
        assert row.attempts == attempt
        assert "550" in row.last_error
        moment += timedelta(hours=1)
    assert row.failed_at is not None and report.gave_up == 1 and report.waiting == 0
    assert send_pending(now=moment + timedelta(days=1)).failed == 0  # never tried again
    assert refusing_server.received == []


def test_a_temporary_refusal_keeps_trying(app, refusing_server, queue_row):
    app.config["SMTP_URL"] = refusing_server.url
    busy = queue_row(to="busy@example.com")
    fine = queue_row(to="fine@example.com")
    moment = utcnow()
    for _ in range(PERMANENT_ATTEMPTS + 2):
        send_pending(now=moment)
        moment += timedelta(hours=1)
    db.session.refresh(busy)
    db.session.refresh(fine)
    assert busy.failed_at is None and busy.sent_at is None and "450" in busy.last_error
    assert fine.sent_at is not None  # one refused recipient does not hold up the others
    assert len(refusing_server.received) == 1


def test_a_silent_server_times_out(app, queue_row):
    app.config.update(SMTP_TIMEOUT=0.5)
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()  # accepts connections but never greets
        app.config["SMTP_URL"] = f"smtp://127.0.0.1:{listener.getsockname()[1]}"
        row = queue_row()
        report = send_pending()
    assert report.failed == 1 and report.waiting == 1
    db.session.refresh(row)
    assert "timed out" in row.last_error


@pytest.mark.parametrize("rows", [6])
def test_two_drains_at_once_send_each_email_once(any_app: Flask, smtp_server, rows):
    any_app.config["SMTP_URL"] = smtp_server.url
    now = utcnow()
    for n in range(rows):
        db.session.add(
            OutboxEmail(kind="reply", language="en", to_addr=f"c{n}@example.com",
                        subject="Hi", body_text="Hi\n", message_id=f"<{n}.race@x>",
                        created_at=now, next_attempt_at=now)
        )  # fmt: skip
    db.session.commit()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def drain() -> None:
        try:
            with any_app.app_context():
                barrier.wait()
                send_pending(now=now)
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 — reported below
            errors.append(exc)

    threads = [threading.Thread(target=drain) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    ids = sorted(m["Message-ID"] for m in smtp_server.messages)
    assert ids == sorted(f"<{n}.race@x>" for n in range(rows))
    assert db.session.query(OutboxEmail).filter(OutboxEmail.sent_at.is_(None)).count() == 0
    assert {r.attempts for r in db.session.query(OutboxEmail)} == {1}


def test_limit_bounds_one_drain(app, smtp_server, queue_row):
    app.config["SMTP_URL"] = smtp_server.url
    for n in range(3):
        queue_row(to=f"c{n}@example.com")
    report = send_pending(limit=2)
    assert (report.sent, report.waiting) == (2, 1)


def test_smtp_urls_are_understood():
    plain = parse_smtp_url("smtp://mail.example.com")
    assert (plain.host, plain.port, plain.security, plain.username) == (
        "mail.example.com", 25, "plain", None
    )  # fmt: skip
    tls = parse_smtp_url("smtps://user%40shop.nl:p%3Ass@mail.example.com")
    assert (tls.port, tls.security, tls.username, tls.password) == (
        465, "tls", "user@shop.nl", "p:ss"
    )  # fmt: skip
    starttls = parse_smtp_url("smtp+starttls://u:p@mail.example.com:2525")
    assert (starttls.port, starttls.security) == (2525, "starttls")
    assert "p:ss" not in tls.display
    for bad in ("http://x", "smtp://", "smtp://host:notaport"):
        with pytest.raises(SMTPConfigError):
            parse_smtp_url(bad)


def test_a_bad_smtp_url_is_a_configuration_error(app, queue_row):
    queue_row()
    app.config["SMTP_URL"] = "mailto:someone"
    with pytest.raises(SMTPConfigError):
        send_pending()


def _tls_server(
    context: ssl.SSLContext, *, implicit: bool
) -> tuple[SMTPSink, object, list[tuple[bytes, bytes]]]:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    logins: list[tuple[bytes, bytes]] = []

    def authenticate(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret:pw", handled=False)

    sink = SMTPSink(free_port())
    # aiosmtpd only counts STARTTLS as TLS for AUTH, so implicit TLS must not "require" it;
    # its LOGIN mechanism and smtplib's disagree, so the test server offers PLAIN only.
    options: dict[str, object] = (
        {"ssl_context": context, "auth_require_tls": False}
        if implicit
        else {"tls_context": context, "require_starttls": True, "auth_require_tls": True}
    )
    controller = Controller(
        sink, hostname="127.0.0.1", port=sink.port, authenticator=authenticate,
        auth_exclude_mechanism=["LOGIN"], **options,
    )  # fmt: skip
    return sink, controller, logins


@pytest.mark.parametrize(("scheme", "implicit"), [("smtp+starttls", False), ("smtps", True)])
def test_tls_with_login(
    app, queue_row, server_tls_context, tls_files, monkeypatch, scheme, implicit
):
    cert, _key = tls_files
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust our self-signed certificate
    sink, controller, logins = _tls_server(server_tls_context, implicit=implicit)
    controller.start()  # type: ignore[attr-defined]
    try:
        app.config["SMTP_URL"] = f"{scheme}://shop%40iopro.nl:s3cret%3Apw@127.0.0.1:{sink.port}"
        queue_row()
        assert send_pending().sent == 1
        app.config["SMTP_URL"] = f"{scheme}://shop%40iopro.nl:wrong@127.0.0.1:{sink.port}"
        queue_row(message_id="<second@x>")
        report = send_pending()
        assert report.sent == 0 and "535" in report.error
    finally:
        controller.stop()  # type: ignore[attr-defined]
    assert logins[0] == (b"shop@iopro.nl", b"s3cret:pw")
    assert len(sink.received) == 1


def test_an_untrusted_certificate_is_refused(app, queue_row, server_tls_context):
    sink, controller, _ = _tls_server(server_tls_context, implicit=False)
    controller.start()  # type: ignore[attr-defined]
    try:
        app.config["SMTP_URL"] = f"smtp+starttls://127.0.0.1:{sink.port}"
        queue_row()
        report = send_pending()
    finally:
        controller.stop()  # type: ignore[attr-defined]
    assert report.sent == 0 and "CERTIFICATE_VERIFY_FAILED" in report.error
    assert sink.received == []


def test_unusable_recipient_is_given_up_at_once(app, smtp_server, queue_row):
    app.config["SMTP_URL"] = smtp_server.url
    row = queue_row(to="anna@example.com\nBcc: everyone@example.com")
    report = send_pending()
    db.session.refresh(row)
    assert report.gave_up == 1 and row.failed_at is not None
    assert "cannot build" in row.last_error
    assert smtp_server.received == []
