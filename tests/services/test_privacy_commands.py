"""The `flask privacy …` commands as an operator runs them: one line per case and a summary,
the kept cases with their reason, a progress bar on stderr for several cases, safe to run
twice, and bad input as one line with exit status 2."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import select

from helpdesk.domain.lifecycle import Status
from helpdesk.extensions import db
from helpdesk.models import Complaint
from helpdesk.models.types import utcnow
from helpdesk.services.lifecycle import change_status
from tests.services.outcomes_support import fast_staff, give_refund
from tests.services.outcomes_support import new_complaint as submit
from tests.services.privacy_support import EMAIL, whole_case


def run(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=["privacy", *args])


def one_error(result: Result, words: str) -> None:
    """Exit status 2 and a single line on stderr saying `words`."""
    assert result.exit_code == 2, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: ") and words in line, line
    assert "Traceback" not in result.output


def closed_long_ago(name: str) -> Complaint:
    """A refunded complaint of name@example.org answered and closed 1,000 days ago."""
    long_ago = utcnow() - timedelta(days=1000)
    complaint = submit(name=name, email=f"{name.lower()}@example.org", now=long_ago)
    give_refund(complaint, fast_staff("agent"), now=long_ago + timedelta(days=1))
    change_status(complaint, Status.CLOSED, now=long_ago + timedelta(days=20), actor="system")
    db.session.commit()
    return complaint


def test_erase_lists_the_case_then_finds_nothing(app: Flask) -> None:
    app.config["LEGAL_HOLD_DAYS"] = 0
    reference = whole_case().complaint.display_reference
    dry = run(app, "erase", EMAIL, "--dry-run")
    assert dry.exit_code == 0, dry.output
    first, summary = dry.stdout.splitlines()
    assert re.fullmatch(
        rf"would erase {reference}: \d+ text\(s\), 3 file\(s\), 1 raw email\(s\), "
        r"6 outbox email\(s\), 3 audit event\(s\) redacted",
        first,
    ), first
    assert summary == "1 case(s) would be erased, 0 kept (dry run: nothing changed)."
    done = run(app, "erase", EMAIL)
    assert done.exit_code == 0, done.output
    assert done.stdout.splitlines()[0].startswith(f"erased {reference}: ")
    assert done.stdout.splitlines()[-1] == "1 case(s) erased, 0 kept."
    again = run(app, "erase", EMAIL)
    assert again.exit_code == 0
    assert again.stdout == (
        f"No personal data held for {EMAIL} (nothing to erase, or erased already).\n"
    )
    verified = app.test_cli_runner().invoke(args=["cases", "verify", reference])
    assert verified.exit_code == 0 and "audit chain intact" in verified.stdout


def test_erase_lists_a_case_it_keeps_with_the_reason(app: Flask) -> None:
    complaint = whole_case().complaint
    decided = complaint.referrals[0].decided_on  # after the final response: the last word
    assert decided is not None
    until = decided + timedelta(days=365)
    result = run(app, "erase", EMAIL)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"kept {complaint.display_reference}: within the legal hold period until {until} "
        f"(counted from {decided}, the last answer or decision; HELPDESK_LEGAL_HOLD_DAYS)",
        "0 case(s) erased, 1 kept.",
    ]
    assert db.session.get(Complaint, complaint.id).name == "Zebedeus Quaxelbaum"  # type: ignore[union-attr]


def test_purge_shows_a_progress_bar_and_lists_each_case(app: Flask) -> None:
    made = [closed_long_ago(name) for name in ("Ada", "Ben", "Cas")]
    held = run(app, "hold", made[1].display_reference, "--reason", "Chargeback dispute")
    assert held.exit_code == 0 and "legal hold set (Chargeback dispute)" in held.stdout
    result = run(app, "purge", "--older-than", "365")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    erased = [line.split(":")[0] for line in lines if line.startswith("erased")]
    assert erased == [f"erased {made[0].display_reference}", f"erased {made[2].display_reference}"]
    assert f"kept {made[1].display_reference}: legal hold: Chargeback dispute" in result.stdout
    assert lines[-1] == "2 case(s) erased, 1 kept."
    assert "Purging" in result.stderr  # tqdm on stderr
    names = [c.name for c in db.session.scalars(select(Complaint).order_by(Complaint.id))]
    assert names == ["", "Ben", ""]
    again = run(app, "purge", "--older-than", "365", "--dry-run")
    assert again.stdout.splitlines()[-1] == (
        "0 case(s) would be erased, 1 kept (dry run: nothing changed)."
    )
    released = run(app, "release", made[1].display_reference)
    assert released.exit_code == 0 and "legal hold lifted" in released.stdout
    assert run(app, "release", made[1].display_reference).stdout.endswith("had no legal hold.\n")


def test_purge_reads_the_retention_setting(app: Flask) -> None:
    closed_long_ago("Ada")
    app.config["RETENTION_DAYS"] = 2000
    assert run(app, "purge").stdout.splitlines()[-1] == "0 case(s) erased, 0 kept."
    app.config["RETENTION_DAYS"] = 900
    assert run(app, "purge").stdout.splitlines()[-1] == "1 case(s) erased, 0 kept."


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("erase", "anna"), "'anna' is not an email address."),
        (("erase", "anna @example.org"), "is not an email address"),
        (("erase", "anna@example"), "is not an email address"),
        (("purge", "--older-than", "-1"), "a number of days of 0 or more, not -1"),
        (("purge", "--older-than", "ten"), "a number of days, not 'ten'"),
        (("hold", "ABC", "--reason", "x"), "not a reference code"),
        (("hold", "ABCD-EFGH-JKMN", "--reason", "x"), "No complaint has the reference"),
        (("release", "nonsense"), "not a reference code"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(app: Flask, args: tuple[str, ...], words: str) -> None:
    one_error(run(app, *args), words)


def test_purge_without_days_and_retention_off_is_refused(app: Flask) -> None:
    app.config["RETENTION_DAYS"] = None
    one_error(run(app, "purge"), "Give --older-than DAYS")


def test_a_hold_needs_a_reason(app: Flask) -> None:
    reference = submit().display_reference
    one_error(run(app, "hold", reference, "--reason", "  "), "--reason must say why")
