"""Draining the outbox over SMTP: claim a row, deliver it, record the result, back off on failure.

Two drains may run at once (cron overlapping `--loop`, two servers): a row is *claimed* by
one conditional UPDATE that only one of them can win, so no email goes out twice. A claim
pushes next_attempt_at a few minutes on, so a drain that dies mid-send leaves the row to be
retried after that, never lost. Delivery is at-least-once: if the connection drops after
the server took the message but before it said so, the retry sends the same Message-ID.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..models import OutboxEmail
from ..models.types import utcnow
from ..services.acknowledge import acknowledge_by_email
from .attachments import AttachmentUnavailable, make_attachments
from .refs import subject_with_reference
from .smtp import DEFAULT_TIMEOUT, SMTPConfigError, SMTPConnection, SMTPSettings, parse_smtp_url

log = logging.getLogger(__name__)

#: How long a claimed row stays invisible to other drains while one sends it.
CLAIM = timedelta(minutes=5)
#: Retry delays double from 1 minute up to this.
MAX_BACKOFF = timedelta(hours=1)
#: A permanent (5xx) refusal of the recipient is believed after this many attempts.
PERMANENT_ATTEMPTS = 3
#: Emails that answer something the customer did; marked so auto-responders stay quiet.
AUTO_REPLIED_KINDS = frozenset({"acknowledgement", "review_received"})


@dataclass
class SendReport:
    """What one drain did."""

    sent: int = 0
    failed: int = 0  # attempts that failed in this run (retried later, or given up)
    gave_up: int = 0  # of those, emails now marked failed for good
    waiting: int = 0  # emails not yet sent and not given up, after this run
    error: str | None = None  # why the run stopped early (e.g. the server is down)

    def summary(self) -> str:
        """'sent 2, failed 1, waiting 3' (+ how many were given up)."""
        text = f"sent {self.sent}, failed {self.failed}, waiting {self.waiting}"
        return text + (f" ({self.gave_up} given up)" if self.gave_up else "")


def smtp_settings() -> SMTPSettings:
    """HELPDESK_SMTP_URL (+ optional SMTP_TIMEOUT seconds) as settings."""
    cfg = current_app.config
    timeout = float(cfg.get("SMTP_TIMEOUT", DEFAULT_TIMEOUT))
    return parse_smtp_url(cfg["SMTP_URL"], timeout=timeout)


def backoff(attempts: int) -> timedelta:
    """Delay before the next try after `attempts` failed tries: 1, 2, 4 … minutes, at most 1 h."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def send_pending(*, now: datetime | None = None, limit: int = 100) -> SendReport:
    """Deliver up to `limit` due emails; a server that is down ends the run without raising.

    Raises SMTPConfigError only for settings that can never work (bad URL or MAIL_FROM).
    """
    moment = now or utcnow()
    report = SendReport()
    settings = smtp_settings()
    sender = _sender_address()
    with SMTPConnection(settings) as connection:
        for row_id in _due_ids(moment, limit):
            if not _claim(row_id, moment):
                continue  # another drain won this one
            row = db.session.get(OutboxEmail, row_id)
            if row is not None and _deliver(connection, row, sender, moment, report):
                break
    report.waiting = count_waiting()
    return report


def count_waiting() -> int:
    """Emails neither sent nor given up."""
    query = select(func.count(OutboxEmail.id)).where(
        OutboxEmail.sent_at.is_(None), OutboxEmail.failed_at.is_(None)
    )
    waiting = db.session.scalar(query) or 0
    db.session.commit()
    return int(waiting)


def _sender_address() -> Address:
    cfg = current_app.config
    try:
        return Address(display_name=cfg["SHOP_NAME"], addr_spec=cfg["MAIL_FROM"])
    except (ValueError, TypeError, IndexError) as exc:
        raise SMTPConfigError(f"HELPDESK_MAIL_FROM is not an address: {exc}") from None


def _due_ids(moment: datetime, limit: int) -> list[int]:
    query = (
        select(OutboxEmail.id)
        .where(
            OutboxEmail.sent_at.is_(None),
            OutboxEmail.failed_at.is_(None),
            OutboxEmail.next_attempt_at <= moment,
        )
        .order_by(OutboxEmail.next_attempt_at, OutboxEmail.id)
        .limit(limit)
    )
    ids = list(db.session.scalars(query))
    db.session.commit()
    return ids


def _claim(row_id: int, moment: datetime) -> bool:
    """Take the row for this drain; False when another drain already has (or sent) it."""
    claimed = db.session.execute(
        update(OutboxEmail)
        .where(
            OutboxEmail.id == row_id,
            OutboxEmail.sent_at.is_(None),
            OutboxEmail.failed_at.is_(None),
            OutboxEmail.next_attempt_at <= moment,
        )
        .values(next_attempt_at=moment + CLAIM, attempts=OutboxEmail.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]


def _deliver(
    connection: SMTPConnection,
    row: OutboxEmail,
    sender: Address,
    moment: datetime,
    report: SendReport,
) -> bool:
    """Send one claimed row and record what happened; True when the run should stop."""
    try:
        message = build_message(row, sender, moment)
    except AttachmentUnavailable as exc:
        _retry_later(row, moment, str(exc), report)
        return False
    except (ValueError, TypeError) as exc:
        _give_up(row, moment, f"cannot build the message: {exc}", report)
        return False
    try:
        connection.send(message, sender.addr_spec, row.to_addr)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        detail = "; ".join(
            f"{addr}: {code} {_text(msg)}" for addr, (code, msg) in exc.recipients.items()
        )
        _refused(
            row, moment, f"recipient refused: {detail}", bool(codes) and min(codes) >= 500, report
        )
    except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
        what = "message refused" if isinstance(exc, smtplib.SMTPDataError) else "sender refused"
        permanent = isinstance(exc, smtplib.SMTPDataError) and exc.smtp_code >= 500
        _refused(row, moment, f"{what}: {exc.smtp_code} {_text(exc.smtp_error)}", permanent, report)
    except smtplib.SMTPNotSupportedError as exc:
        _refused(row, moment, f"not supported by the server: {exc}", True, report)
    except OSError as exc:  # unreachable, timeout, TLS, login, disconnect (SMTPException too)
        connection.reset()
        report.error = f"mail server {connection.settings.display} unavailable: {_describe(exc)}"
        _retry_later(row, moment, report.error, report)
        return True
    else:
        _mark_sent(row, moment, report)
    return False


def build_message(row: OutboxEmail, sender: Address, moment: datetime) -> EmailMessage:
    """The RFC 5322 message for an outbox row (raises ValueError for unusable header values)."""
    cfg = current_app.config
    message = EmailMessage()
    subject = row.subject
    if row.complaint is not None:
        subject = subject_with_reference(subject, row.complaint.reference)
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = row.to_addr
    message["Reply-To"] = cfg["SHOP_COMPLAINTS_EMAIL"]
    message["Date"] = format_datetime(moment.astimezone(UTC))
    message["Message-ID"] = row.message_id
    root = _thread_root(row)
    if root:
        message["In-Reply-To"] = root
        message["References"] = root
    message["Content-Language"] = row.language
    if row.kind in AUTO_REPLIED_KINDS:
        # RFC 3834: tells auto-responders (and our own ingest) not to answer this one.
        message["Auto-Submitted"] = "auto-replied"
        message["X-Auto-Response-Suppress"] = "All"
    message.set_content(row.body_text)
    if row.body_html:
        message.add_alternative(row.body_html, subtype="html")
    for made in make_attachments(row):
        message.add_attachment(
            made.data, maintype=made.maintype, subtype=made.subtype, filename=made.filename
        )
    return message


def _thread_root(row: OutboxEmail) -> str | None:
    """The first email about the same complaint, so mail programs show one conversation."""
    if row.complaint_id is None:
        return None
    query = (
        select(OutboxEmail.message_id)
        .where(OutboxEmail.complaint_id == row.complaint_id, OutboxEmail.id < row.id)
        .order_by(OutboxEmail.id)
        .limit(1)
    )
    return db.session.scalar(query)


def _mark_sent(row: OutboxEmail, moment: datetime, report: SendReport) -> None:
    row.sent_at = moment
    row.last_error = None
    db.session.commit()
    report.sent += 1
    if row.kind == "acknowledgement" and row.complaint is not None:
        try:
            acknowledge_by_email(row.complaint, moment)
        except SQLAlchemyError:
            # The email is out either way; staff can still acknowledge by hand.
            db.session.rollback()
            log.exception("could not mark complaint %s acknowledged", row.complaint_id)


def _refused(
    row: OutboxEmail, moment: datetime, error: str, permanent: bool, report: SendReport
) -> None:
    if permanent and row.attempts >= PERMANENT_ATTEMPTS:
        _give_up(row, moment, error, report)
    else:
        _retry_later(row, moment, error, report)


def _retry_later(row: OutboxEmail, moment: datetime, error: str, report: SendReport) -> None:
    row.last_error = error[:2000]
    row.next_attempt_at = moment + backoff(row.attempts)
    db.session.commit()
    report.failed += 1
    log.warning(
        "email %s to %s not sent (attempt %s): %s", row.id, row.to_addr, row.attempts, error
    )


def _give_up(row: OutboxEmail, moment: datetime, error: str, report: SendReport) -> None:
    row.last_error = error[:2000]
    row.failed_at = moment
    db.session.commit()
    report.failed += 1
    report.gave_up += 1
    log.error(
        "email %s to %s given up after %s attempts: %s", row.id, row.to_addr, row.attempts, error
    )


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return str(exc) or type(exc).__name__
