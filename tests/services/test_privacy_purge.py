"""Retention and legal hold: `privacy purge --older-than DAYS` anonymises closed cases whose
closing is older than DAYS, unless they are in mediation, under a manager's hold or within
LEGAL_HOLD_DAYS of the shop's last answer: those are kept and listed with the reason, by
erase as well as purge. A dry run lists and changes nothing; a second run is harmless."""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from helpdesk.domain.lifecycle import Status
from helpdesk.domain.retention import MANUAL, MEDIATION, OPEN, WINDOW, CaseFacts, hold_for
from helpdesk.extensions import db
from helpdesk.models import Complaint
from helpdesk.services.lifecycle import change_status
from helpdesk.services.mediation import record_referral
from helpdesk.services.privacy import erase_person, purge
from helpdesk.services.privacy_lookup import release_legal_hold, set_legal_hold
from tests.services.outcomes_support import ANSWERED, fast_staff, give_refund
from tests.services.outcomes_support import new_complaint as submit

NOW = datetime(2029, 1, 10, 12, 0, tzinfo=UTC)


def closed_case(name: str, closed_days_ago: int, *, answered: datetime = ANSWERED) -> Complaint:
    """A refunded complaint, closed `closed_days_ago` days before NOW."""
    complaint = submit(name=name, email=f"{name.lower()}@example.org")
    give_refund(complaint, fast_staff("agent"), now=answered)
    change_status(complaint, Status.CLOSED, now=NOW - timedelta(days=closed_days_ago),
                  actor="system")  # fmt: skip
    db.session.commit()
    return complaint


def names() -> dict[str, str]:
    """Each complaint's name by reference ("" once erased)."""
    return {c.display_reference: c.name for c in db.session.scalars(select(Complaint))}


# --- the hold rule ----------------------------------------------------------------------------

T = datetime(2027, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("facts", "kind"),
    [
        (CaseFacts("assessing", None, None), OPEN),
        (CaseFacts("closed", T, None, open_referrals=("GC",)), MEDIATION),
        (CaseFacts("closed", T, None, legal_hold="court case"), MANUAL),
        (CaseFacts("closed", T - timedelta(days=364), None), WINDOW),
        (CaseFacts("closed", T - timedelta(days=900), T - timedelta(days=100)), WINDOW),
        (CaseFacts("closed", T - timedelta(days=900), None, last_decided_on=date(2026, 12, 1)),
         WINDOW),
        (CaseFacts("closed", T - timedelta(days=366), None), None),
        (CaseFacts("resolved", T - timedelta(days=400), None), None),
    ],
)  # fmt: skip
def test_the_hold_rule(facts: CaseFacts, kind: str | None) -> None:
    hold = hold_for(facts, T, 365)
    assert (hold.kind if hold else None) == kind


def test_the_window_says_until_when() -> None:
    hold = hold_for(CaseFacts("final", None, T - timedelta(days=10)), T, 365)
    assert hold is not None and hold.until == (T + timedelta(days=355)).date()
    assert hold_for(CaseFacts("final", None, T - timedelta(days=10)), T, 0) is None


# --- purge ------------------------------------------------------------------------------------


@pytest.fixture
def cases(app: Flask) -> dict[str, Complaint]:
    """Old, recent, in mediation, on hold, and within the window after the last answer."""
    made = {
        "old": closed_case("Oldham", 800),
        "recent": closed_case("Newman", 10),
        "mediation": closed_case("Mediator", 800),
        "held": closed_case("Holder", 800),
        "window": closed_case("Windsor", 800, answered=NOW - timedelta(days=100)),
    }
    manager = fast_staff("manager")
    record_referral(made["mediation"], manager, body="De Geschillencommissie",
                    referred_on=date(2028, 12, 1), now=NOW - timedelta(days=30))  # fmt: skip
    set_legal_hold(made["held"], "Court case 2028/117", now=NOW - timedelta(days=20))
    return made


def test_purge_anonymises_old_closed_cases_and_lists_the_kept(
    cases: dict[str, Complaint],
) -> None:
    report = purge(730, now=NOW)
    assert [r.reference for r in report.erased] == [cases["old"].display_reference]
    kept = {r.reference: r.hold.kind for r in report.kept if r.hold}
    assert kept == {
        cases["mediation"].display_reference: MEDIATION,
        cases["held"].display_reference: MANUAL,
        cases["window"].display_reference: WINDOW,
    }
    left = names()
    assert left[cases["old"].display_reference] == ""
    assert left[cases["recent"].display_reference] == "Newman"
    assert left[cases["held"].display_reference] == "Holder"


def test_a_dry_run_lists_the_same_and_changes_nothing(cases: dict[str, Complaint]) -> None:
    before = names()
    report = purge(730, dry_run=True, now=NOW)
    assert [r.reference for r in report.erased] == [cases["old"].display_reference]
    assert len(report.kept) == 3 and names() == before


def test_a_second_purge_erases_nothing_more(cases: dict[str, Complaint]) -> None:
    purge(730, now=NOW)
    again = purge(730, now=NOW)
    assert again.erased == [] and len(again.kept) == 3


def test_erase_on_request_respects_the_same_holds(cases: dict[str, Complaint]) -> None:
    report = erase_person("holder@example.org", now=NOW)
    [kept] = report.kept
    assert kept.hold is not None and kept.hold.about == "Court case 2028/117"
    assert report.erased == []
    release_legal_hold(cases["held"], now=NOW)
    assert len(erase_person("holder@example.org", now=NOW).erased) == 1


def test_an_open_case_is_kept_while_it_is_handled(app: Flask) -> None:
    submit(name="Opener", email="opener@example.org")
    report = erase_person("opener@example.org", now=NOW)
    [kept] = report.kept
    assert kept.hold is not None and (kept.hold.kind, kept.hold.about) == (OPEN, "received")


def test_each_run_leaves_one_structured_log_line(
    cases: dict[str, Complaint], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="helpdesk.privacy"):
        purge(730, now=NOW)
    [record] = [r for r in caplog.records if r.name == "helpdesk.privacy"]
    verb, command, payload = record.getMessage().split(" ", 2)
    assert (verb, command) == ("privacy", "purge")
    fields: dict[str, Any] = json.loads(payload)
    reference = cases["old"].display_reference
    assert list(fields["erased"]) == [reference] and len(fields["erased"][reference]) == 64
    assert fields["kept"][cases["held"].display_reference] == MANUAL
    assert "@" not in record.getMessage()  # references, never an address
