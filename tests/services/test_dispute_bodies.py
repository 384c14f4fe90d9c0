"""The deadlock notice: the dispute bodies setting (format, defaults, errors), the filing
deadline on real dates, and the final-response email read at a real SMTP server."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, date, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale

from helpdesk.config import (
    DEFAULT_MEDIATION,
    ROOT,
    MediationSettingError,
    load_config,
    parse_mediation,
)
from helpdesk.mail.sender import send_pending
from helpdesk.services.dispute_bodies import (
    ECC_URL,
    add_months,
    dispute_bodies,
    filing_deadline,
)
from helpdesk.services.review import request_review, send_final_response
from tests.services.outcomes_support import (
    ANSWERED,
    fast_staff,
    give_refund,
    new_complaint,
    refund_input,
)

#: The closed EU platform must never be named: not by its abbreviation, not by its address.
NEVER = re.compile(r"\bODR\b|ec\.europa\.eu/consumers/odr", re.IGNORECASE)
GESCHILLENCOMMISSIE = "https://www.degeschillencommissie.nl/"


def test_the_default_is_de_geschillencommissie_with_12_months() -> None:
    [body] = parse_mediation(DEFAULT_MEDIATION)
    assert (body.name, body.url) == ("De Geschillencommissie", GESCHILLENCOMMISSIE)
    assert body.takes_part is True and body.filing_limit_months == 12
    assert body.name_nl == "De Geschillencommissie"
    assert "binding advice" in body.description and "bindend advies" in body.description_nl


def test_the_full_format_and_the_short_one() -> None:
    text = (
        "Ombudsman Test|https://ombudsman.example/|no||Testombudsman|Helps.|Helpt.;"
        " Second Board | http://board.example/x | ja | 6 "
    )
    first, second = parse_mediation(text)
    assert (first.name, first.takes_part, first.filing_limit_months) == (
        "Ombudsman Test",
        False,
        None,
    )
    assert (first.name_nl, first.description, first.description_nl) == (
        "Testombudsman",
        "Helps.",
        "Helpt.",
    )
    assert (second.name, second.url, second.takes_part) == (
        "Second Board",
        "http://board.example/x",
        True,
    )
    assert second.filing_limit_months == 6 and second.name_nl == ""
    assert parse_mediation("") == []


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Old Style|https://old.example/", "2 fields instead of 4 to 7"),
        ("Body|www.body.example|yes|12", "does not start with https://"),
        ("Body|https://body.example/|maybe|12", "must be yes or no, not 'maybe'"),
        ("Body|https://body.example/|yes|twelve", "a number from 1 to 120, not 'twelve'"),
        ("Body|https://body.example/|yes|0", "a number from 1 to 120, not '0'"),
        ("|https://body.example/|yes|12", "the name is empty"),
    ],
)
def test_a_bad_entry_is_named_with_what_is_wrong(text: str, words: str) -> None:
    good = "Good|https://good.example/|yes|12"
    with pytest.raises(MediationSettingError) as caught:
        parse_mediation(f"{good};{text}")
    message = str(caught.value)
    assert message.startswith("HELPDESK_MEDIATION_BODIES, entry 2 (")
    assert words in message and "Expected Name|URL|yes or no" in message
    assert "\n" not in message


def test_a_bad_setting_stops_the_start_with_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HELPDESK_MEDIATION_BODIES", "Body|https://body.example/|maybe|12")
    monkeypatch.setenv("HELPDESK_SECRET_KEY", "x" * 40)
    with pytest.raises(SystemExit) as caught:
        load_config(tmp_path)
    assert str(caught.value).startswith("Configuration error: HELPDESK_MEDIATION_BODIES, entry 1")


def test_the_app_refuses_to_start_with_a_bad_setting(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "HELPDESK_MEDIATION_BODIES": "Body|https://body.example/|yes|a year",
        "HELPDESK_SECRET_KEY": "x" * 40,
        "HELPDESK_DATA_DIR": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "-c", "from helpdesk import create_app; create_app()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert "entry 1" in lines[0] and "not 'a year'" in lines[0]


def test_the_closed_eu_platform_is_named_nowhere() -> None:
    assert not NEVER.search(DEFAULT_MEDIATION)
    folders = ("helpdesk", "templates", "translations")
    for folder in folders:
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in (".py", ".html", ".txt", ".po", ".pot") and path.is_file():
                assert not NEVER.search(path.read_text(encoding="utf-8")), path


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 2), 12, date(2027, 3, 2)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2027, 12, 31), 2, date(2028, 2, 29)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_the_deadline_counts_from_the_day_in_amsterdam(app: Flask) -> None:
    # 23:30 UTC on 28 February is already 1 March in Amsterdam.
    assert filing_deadline(datetime(2026, 2, 28, 23, 30, tzinfo=UTC), 12) == date(2027, 3, 1)
    assert filing_deadline(datetime(2026, 2, 28, 22, 30, tzinfo=UTC), 12) == date(2027, 2, 28)


def test_names_and_descriptions_in_both_languages(app: Flask) -> None:
    app.config["MEDIATION_BODIES"] = (
        DEFAULT_MEDIATION + ";Board|https://board.example/|no||Raad|Helps people.|Helpt mensen."
        ";English Only|https://only.example/|yes|3"
    )
    with force_locale("en"):
        english = dispute_bodies()
    with force_locale("nl"):
        dutch = dispute_bodies()
    assert [b.name for b in english] == ["De Geschillencommissie", "Board", "English Only"]
    assert [b.name for b in dutch] == ["De Geschillencommissie", "Raad", "English Only"]
    assert english[0].description.startswith("An independent committee")
    assert dutch[0].description.startswith("Een onafhankelijke commissie")
    assert (english[1].description, dutch[1].description) == ("Helps people.", "Helpt mensen.")
    assert [b.takes_part for b in dutch] == [True, False, True]
    assert [b.filing_limit_months for b in dutch] == [12, None, 3]


# --- the final-response email at a real SMTP server ---------------------------------------


def _final_email(app: Flask, smtp_server: Any, language: str) -> tuple[str, Any]:
    """Take a complaint through outcome, review and final response; the final email's text."""
    complaint = new_complaint(language=language)
    give_refund(complaint, fast_staff("agent"))
    request_review(complaint, "The amount is not what I paid.", now=ANSWERED)
    send_final_response(
        complaint, fast_staff("manager"), refund_input(), seen=complaint.version, now=ANSWERED
    )
    app.config["SMTP_URL"] = smtp_server.url
    report = send_pending()
    assert report.sent == 4, report.summary()
    messages = smtp_server.wait_for(4)
    final = next(m for m in messages if complaint.display_reference in m["Subject"] and
                 m["Subject"].endswith(("Final response to your complaint",
                                        "Definitief antwoord op uw klacht")))  # fmt: skip
    return _plain_text(final), complaint


def _plain_text(message: EmailMessage) -> str:
    """The text part (the email may carry the case file PDF as an attachment)."""
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")


def test_the_final_response_email_is_the_deadlock_notice(app: Flask, smtp_server: Any) -> None:
    text, _complaint = _final_email(app, smtp_server, "en")
    # Received Monday 2 March 2026: 12 months later is Tuesday 2 March 2027.
    assert f"- De Geschillencommissie: {GESCHILLENCOMMISSIE}" in text
    assert "once the consumer has first complained to the business" in text
    assert "We take part in its procedure." in text
    assert "File within 12 months after you complained to us, i.e. by Tuesday 2 March 2027." in text
    assert "competent court (de rechter)" in text
    assert "ECC Netherlands (European Consumer Centre Netherlands) gives free advice" in text
    assert ECC_URL in text and "it does not decide disputes" in text
    assert "Stichting Webwinkelkeur" not in text and "Thuiswinkel" not in text
    assert not NEVER.search(text)
    assert "\n\n\n" not in text


def test_the_notice_in_dutch(app: Flask, smtp_server: Any) -> None:
    text, _complaint = _final_email(app, smtp_server, "nl")
    assert f"- De Geschillencommissie: {GESCHILLENCOMMISSIE}" in text
    assert "De uitspraak is een bindend advies voor beide partijen." in text
    assert "Wij nemen deel aan de procedure." in text
    assert (
        "Dien uw klacht in binnen 12 maanden nadat u bij ons klaagde, dus uiterlijk op "
        "dinsdag 2 maart 2027." in text
    )
    assert "bevoegde rechter" in text
    assert "ECC Nederland (Europees Consumentencentrum Nederland) gratis advies" in text
    assert ECC_URL in text
    assert not NEVER.search(text)


@pytest.mark.parametrize(
    "app_config",
    [{"MEDIATION_BODIES": "Test Ombudsman|https://ombudsman.example/|no||Testombudsman"}],
)
def test_a_custom_setting_is_honoured(app: Flask, smtp_server: Any) -> None:
    text, _complaint = _final_email(app, smtp_server, "nl")
    assert "- Testombudsman: https://ombudsman.example/" in text
    assert "Wij nemen niet deel aan de procedure." in text
    assert "uiterlijk op" not in text and "Geschillencommissie" not in text
    assert ECC_URL in text  # the routes open to everyone stay
