"""services.mediation on both databases: record a referral with its reply deadline, the reply,
the decision and the compliance; managers only; bad input per field; stale edits."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, text

from helpdesk.extensions import db
from helpdesk.models import AuditEvent, Referral
from helpdesk.services.casework import StaleEdit
from helpdesk.services.mediation import (
    get_referral,
    list_referrals,
    mediation_flags,
    record_compliance,
    record_decision,
    record_referral,
    record_reply,
    update_referral,
)
from helpdesk.services.outcome_errors import InvalidInput, NotAllowed, WrongStatus
from tests.services.outcomes_support import fast_staff, give_refund, new_complaint

# Friday 20 March 2026, 11:00 in Amsterdam.
NOW = datetime(2026, 3, 20, 10, 0, tzinfo=UTC)
# Wednesday 15 April 2026, 11:00 in Amsterdam: the day the reply is due.
LATER = datetime(2026, 4, 15, 9, 0, tzinfo=UTC)


@pytest.fixture
def people(any_app: Flask) -> dict[str, Any]:
    return {"agent": fast_staff("agent"), "manager": fast_staff("manager", name="Manager Mila")}


@pytest.fixture
def answered(people: dict[str, Any]) -> Any:
    """A complaint received 2 March 2026 and answered with a refund on 4 March."""
    complaint = new_complaint()
    give_refund(complaint, people["agent"])
    return complaint


def _refer(complaint: Any, staff: Any, **kw: Any) -> Referral:
    values: dict[str, Any] = {"body": "De Geschillencommissie", "referred_on": date(2026, 3, 18)}
    values.update(kw)
    return record_referral(complaint, staff, now=NOW, **values)


def test_record_a_referral_with_the_default_deadline(
    any_app: Flask, people: dict[str, Any], answered: Any
) -> None:
    referral = _refer(answered, people["manager"], body_reference=" GC-2026-1234 ", note="Via web.")
    # Wednesday 18 March + 28 days = Wednesday 15 April 2026.
    assert referral.reply_due_on == date(2026, 4, 15)
    assert (referral.body_reference, referral.note, referral.decision) == (
        "GC-2026-1234",
        "Via web.",
        None,
    )
    [listed] = list_referrals(answered)
    assert (
        listed.id == referral.id
        and listed.staff is not None
        and listed.staff.name == "Manager Mila"
    )
    assert answered.referrals == [referral]
    event = db.session.scalars(select(AuditEvent).filter_by(action="referred_to_mediation")).one()
    assert (
        event.detail["reply_due_on"] == "2026-04-15" and event.detail["referral_id"] == referral.id
    )
    assert event.staff_id == people["manager"].id


def test_the_setting_and_a_deadline_given(
    any_app: Flask, people: dict[str, Any], answered: Any
) -> None:
    any_app.config["REFERRAL_REPLY_DAYS"] = 14
    # Wednesday 18 March + 14 days = Wednesday 1 April.
    assert _refer(answered, people["manager"]).reply_due_on == date(2026, 4, 1)
    given = _refer(answered, people["manager"], reply_due_on=date(2026, 5, 1))
    assert given.reply_due_on == date(2026, 5, 1)


def test_managers_only(any_app: Flask, people: dict[str, Any], answered: Any) -> None:
    with pytest.raises(NotAllowed):
        _refer(answered, people["agent"])
    referral = _refer(answered, people["manager"])
    for call in (
        lambda: record_reply(referral, people["agent"], replied_on=date(2026, 3, 19), now=NOW),
        lambda: record_decision(
            referral, people["agent"], decision="upheld", decided_on=date(2026, 3, 19), now=NOW
        ),
        lambda: record_compliance(
            referral, people["agent"], complied=True, complied_on=date(2026, 3, 19), now=NOW
        ),
    ):
        with pytest.raises(NotAllowed):
            call()


def test_not_before_our_response(any_app: Flask, people: dict[str, Any]) -> None:
    with pytest.raises(WrongStatus):
        _refer(new_complaint(), people["manager"])


def test_bad_details_name_each_field(any_app: Flask, people: dict[str, Any], answered: Any) -> None:
    with pytest.raises(InvalidInput) as refused:
        _refer(answered, people["manager"], body=" ", referred_on=None, body_reference="x" * 101,
               note="n" * 5001)  # fmt: skip
    assert set(refused.value.errors) == {"body", "referred_on", "body_reference", "note"}
    with pytest.raises(InvalidInput) as future:
        _refer(answered, people["manager"], referred_on=date(2026, 3, 21))
    assert "future" in future.value.errors["referred_on"]
    with pytest.raises(InvalidInput) as early:
        _refer(answered, people["manager"], referred_on=date(2026, 3, 1))
    assert "2 Mar 2026" in early.value.errors["referred_on"]  # words.dates short_day
    with pytest.raises(InvalidInput) as due:
        _refer(answered, people["manager"], reply_due_on=date(2026, 3, 17))
    assert set(due.value.errors) == {"reply_due_on"}
    assert list_referrals(answered) == []


def test_reply_decision_and_compliance(
    any_app: Flask, people: dict[str, Any], answered: Any
) -> None:
    manager = people["manager"]
    referral = _refer(answered, manager)
    assert mediation_flags([answered.id], date(2026, 4, 16)) == {answered.id: True}
    with pytest.raises(InvalidInput) as early:
        record_reply(referral, manager, replied_on=date(2026, 3, 17), now=LATER)
    assert set(early.value.errors) == {"replied_on"}
    record_reply(
        referral, manager, replied_on=date(2026, 4, 14), version=referral.version, now=LATER
    )
    assert referral.replied_on == date(2026, 4, 14)
    assert mediation_flags([answered.id], date(2026, 4, 16)) == {answered.id: False}
    with pytest.raises(WrongStatus):
        record_compliance(
            referral, manager, complied=True, complied_on=date(2026, 4, 15), now=LATER
        )
    with pytest.raises(InvalidInput) as bad:
        record_decision(referral, manager, decision="won", decided_on=None, now=LATER)
    assert set(bad.value.errors) == {"decision", "decided_on"}
    with pytest.raises(InvalidInput) as before:
        record_decision(
            referral, manager, decision="upheld", decided_on=date(2026, 3, 10), now=LATER
        )
    assert set(before.value.errors) == {"decided_on"}
    record_decision(referral, manager, decision="partly_upheld", decided_on=date(2026, 4, 15),
                    note="Refund the shipping.", now=LATER)  # fmt: skip
    assert (referral.decision, referral.decision_note) == ("partly_upheld", "Refund the shipping.")
    assert mediation_flags([answered.id], date(2026, 4, 16)) == {}
    with pytest.raises(InvalidInput) as unsaid:
        record_compliance(referral, manager, complied=None, complied_on=None, now=LATER)
    assert set(unsaid.value.errors) == {"complied"}
    with pytest.raises(InvalidInput) as undated:
        record_compliance(referral, manager, complied=True, complied_on=None, now=LATER)
    assert set(undated.value.errors) == {"complied_on"}
    record_compliance(referral, manager, complied=True, complied_on=date(2026, 4, 15), now=LATER)
    assert (referral.complied, referral.complied_on) == (True, date(2026, 4, 15))
    record_compliance(referral, manager, complied=False, complied_on=date(2026, 4, 15), now=LATER)
    assert (referral.complied, referral.complied_on) == (False, None)
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("referral%")).order_by(AuditEvent.id)
    ).all()
    assert actions == [
        "referral_reply_recorded",
        "referral_decision_recorded",
        "referral_compliance_recorded",
        "referral_compliance_recorded",
    ]


def test_a_rejection_leaves_nothing_to_carry_out(
    any_app: Flask, people: dict[str, Any], answered: Any
) -> None:
    referral = _refer(answered, people["manager"])
    record_decision(referral, people["manager"], decision="rejected", decided_on=date(2026, 4, 1),
                    now=LATER)  # fmt: skip
    with pytest.raises(WrongStatus):
        record_compliance(referral, people["manager"], complied=True, complied_on=date(2026, 4, 2),
                          now=LATER)  # fmt: skip


def test_correct_the_details(any_app: Flask, people: dict[str, Any], answered: Any) -> None:
    manager = people["manager"]
    referral = _refer(answered, manager)
    update_referral(referral, manager, body="De Geschillencommissie", referred_on=date(2026, 3, 18),
                    body_reference="GC-9", reply_due_on=date(2026, 4, 20), note="",
                    version=referral.version, now=NOW)  # fmt: skip
    assert (referral.body_reference, referral.reply_due_on) == ("GC-9", date(2026, 4, 20))
    with pytest.raises(InvalidInput) as missing:
        update_referral(referral, manager, body="X", referred_on=date(2026, 3, 18),
                        body_reference="", reply_due_on=None, note="", now=NOW)  # fmt: skip
    assert set(missing.value.errors) == {"reply_due_on"}


def test_a_stale_form_is_refused(any_app: Flask, people: dict[str, Any], answered: Any) -> None:
    manager = people["manager"]
    referral = _refer(answered, manager)
    shown = referral.version
    record_reply(referral, manager, replied_on=date(2026, 3, 19), version=shown, now=NOW)
    with pytest.raises(StaleEdit):
        record_decision(referral, manager, decision="upheld", decided_on=date(2026, 3, 20),
                        version=shown, now=NOW)  # fmt: skip
    assert referral.decision is None


def test_a_concurrent_change_is_a_stale_edit(
    any_app: Flask, people: dict[str, Any], answered: Any
) -> None:
    manager = people["manager"]
    referral = _refer(answered, manager)
    referral_id = referral.id
    assert referral.version == 1
    # Another manager's commit between our read and our write.
    with db.engine.begin() as other:
        other.execute(text("UPDATE referral SET version = version + 1 WHERE id = :id"),
                      {"id": referral_id})  # fmt: skip
    with pytest.raises(StaleEdit):
        record_reply(referral, manager, replied_on=date(2026, 3, 19), now=NOW)
    fresh = db.session.get(Referral, referral_id)
    assert fresh is not None and fresh.replied_on is None and fresh.version == 2


def test_a_referral_of_another_complaint(
    any_app: Flask, people: dict[str, Any], answered: Any
) -> None:
    referral = _refer(answered, people["manager"])
    other = new_complaint(email="bert@example.com")
    assert get_referral(answered, referral.id) is referral
    assert get_referral(other, referral.id) is None
    assert get_referral(answered, referral.id + 1000) is None


def test_the_inbox_filter(any_app: Flask, people: dict[str, Any], answered: Any) -> None:
    from helpdesk.domain.inbox import InboxQuery
    from helpdesk.services.inbox import InboxFilters, list_inbox
    from helpdesk.services.inbox_filters import OPEN_KEYS
    from helpdesk.services.inbox_sql import _listing

    _refer(answered, people["manager"])
    decided = new_complaint(name="Dirk Decided", email="dirk@example.com")
    give_refund(decided, people["agent"])
    settled = _refer(decided, people["manager"])
    record_decision(settled, people["manager"], decision="settled", decided_on=date(2026, 3, 19),
                    now=NOW)  # fmt: skip
    new_complaint(name="Otto Open", email="otto@example.com")
    filters = InboxFilters.from_args({"mediation": "open"})
    assert filters.status == "all" and filters.args() == {"status": "all", "mediation": "open"}
    query = filters.to_query(me=people["agent"].id, today=date(2026, 3, 20),
                             next_business_day=date(2026, 3, 23))  # fmt: skip
    page = list_inbox(query, me=people["agent"].id, now=NOW)
    assert [row.id for row in page.rows] == [answered.id] and page.total == 1
    searched = list_inbox(InboxQuery(text="Anna", in_mediation=True))
    assert [row.id for row in searched.rows] == [answered.id]
    assert list_inbox(InboxQuery(text="Dirk", in_mediation=True)).rows == []
    # The plain listings' statements do not mention referrals.
    assert "referral" not in str(_listing(InboxQuery(statuses=OPEN_KEYS), False, False))
    assert "referral" in str(_listing(query, False, False))
