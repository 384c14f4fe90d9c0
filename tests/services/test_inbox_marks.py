"""services.inbox_marks: the inbox rows' marks (in mediation, reply overdue, email failed)
are what asking for the page's own gives (mediation_flags, failed_email_flags), whether kept
or read again; nothing is asked when the counts say none carry a mark, and kept marks are
read again as soon as the inbox's change counter moves. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask, current_app
from sqlalchemy import select, update

from helpdesk.extensions import db
from helpdesk.models import OutboxEmail, Referral
from helpdesk.services.email_status import failed_email_flags
from helpdesk.services.inbox_counts import counts_and_changes
from helpdesk.services.inbox_marks import Marks, page_marks
from helpdesk.services.mediation import mediation_flags
from tests.conftest import sql_statements
from tests.services.casework_support import MONDAY, new_complaint

NOW = MONDAY + timedelta(hours=2)
TODAY = date(2026, 5, 20)


@pytest.fixture
def statements(any_app: Flask) -> Iterator[list[str]]:
    """The SQL statements run while the test body runs."""
    with sql_statements() as seen:
        yield seen


def marks(ids: list[int], today: date = TODAY) -> Marks:
    """The page's marks as the inbox view asks for them (counts first)."""
    counts, changes = counts_and_changes(me=None, now=NOW)
    return page_marks(ids, today, counts, changes)


def asked_anew(ids: list[int], today: date = TODAY) -> Marks:
    """The marks of asking for the page's own, as before the marks were kept."""
    flags = mediation_flags(ids, today)
    return Marks(
        in_mediation=set(flags),
        reply_overdue={i for i, overdue in flags.items() if overdue},
        failed_mail=failed_email_flags(ids),
    )


def refer(complaint_id: int, reply_due_on: date) -> Referral:
    referral = Referral(
        complaint_id=complaint_id,
        body="De Geschillencommissie",
        referred_on=date(2026, 4, 21),
        reply_due_on=reply_due_on,
    )
    db.session.add(referral)
    db.session.commit()
    return referral


def committed(statement: Any) -> None:
    db.session.execute(statement)
    db.session.commit()


def test_marks_follow_every_change_kept_or_not(any_app: Flask) -> None:
    anna, bram, cas = (new_complaint(name=n, now=MONDAY).id for n in ("Anna", "Bram", "Cas"))
    page = [anna, bram, cas]
    assert marks(page) == asked_anew(page) == Marks()
    # A referral whose reply is due later, then one overdue; replied; decided.
    referral = refer(bram, reply_due_on=date(2026, 6, 1))
    assert marks(page) == asked_anew(page) == Marks(in_mediation={bram})
    late = refer(anna, reply_due_on=date(2026, 5, 1))
    expected = Marks(in_mediation={anna, bram}, reply_overdue={anna})
    assert marks(page) == asked_anew(page) == expected
    assert marks([bram, cas]) == Marks(in_mediation={bram})  # other pages, same kept marks
    assert marks(page, today=date(2026, 4, 30)) == Marks(in_mediation={anna, bram})
    committed(update(Referral).where(Referral.id == late.id).values(replied_on=date(2026, 5, 2)))
    assert marks(page) == asked_anew(page) == Marks(in_mediation={anna, bram})
    decided = update(Referral).where(Referral.id == referral.id)
    committed(decided.values(decision="settled", version=Referral.version + 1))
    assert marks(page) == asked_anew(page) == Marks(in_mediation={anna})
    # An email given up on, and sent after all.
    email_id = db.session.scalars(select(OutboxEmail.id).where(OutboxEmail.complaint_id == cas))
    email = update(OutboxEmail).where(OutboxEmail.id == email_id.first())
    committed(email.values(failed_at=datetime(2026, 4, 20, 12, tzinfo=UTC)))
    assert marks(page) == asked_anew(page) == Marks(in_mediation={anna}, failed_mail={cas})
    assert marks([anna, bram]) == Marks(in_mediation={anna})
    committed(email.values(failed_at=None, sent_at=datetime(2026, 4, 20, 13, tzinfo=UTC)))
    assert marks(page) == asked_anew(page) == Marks(in_mediation={anna})


def test_no_statement_for_marks_nobody_has_and_none_while_kept(
    any_app: Flask, statements: list[str]
) -> None:
    anna, bram = (new_complaint(name=n, now=MONDAY).id for n in ("Anna", "Bram"))
    counts, changes = counts_and_changes(me=None, now=NOW)
    statements.clear()
    assert page_marks([anna, bram], TODAY, counts, changes) == Marks()
    assert statements == []
    refer(bram, reply_due_on=date(2026, 5, 1))
    counts, changes = counts_and_changes(me=None, now=NOW)
    statements.clear()
    expected = Marks(in_mediation={bram}, reply_overdue={bram})
    assert page_marks([anna, bram], TODAY, counts, changes) == expected
    assert len(statements) == 1 and "referral" in statements[0]  # every open referral, once
    statements.clear()
    assert page_marks([anna, bram], TODAY, counts, changes) == expected
    assert page_marks([anna], TODAY, counts, changes) == Marks()
    assert statements == []


def test_marks_read_at_another_counter_value_are_not_kept(any_app: Flask) -> None:
    """Counts read before a change, marks after it (another transaction committed between
    them): the marks are right for this page but must not be kept as those of the counts'
    counter value, which the next view may read again."""
    anna = new_complaint(name="Anna", now=MONDAY).id
    refer(anna, reply_due_on=date(2026, 5, 1))
    counts, changes = counts_and_changes(me=None, now=NOW)
    assert changes is not None
    stale = changes - 1
    expected = Marks(in_mediation={anna}, reply_overdue={anna})
    assert page_marks([anna], TODAY, counts, stale) == expected
    assert current_app.extensions["inbox_marks"].mediation is None
    assert page_marks([anna], TODAY, counts, changes) == expected
    assert current_app.extensions["inbox_marks"].mediation[0] == changes


def test_a_transaction_that_has_written_asks_for_its_own_marks(
    any_app: Flask, statements: list[str]
) -> None:
    anna = new_complaint(name="Anna", now=MONDAY).id
    referral = refer(anna, reply_due_on=date(2026, 6, 1))
    assert marks([anna]) == Marks(in_mediation={anna})  # kept
    decided = update(Referral).where(Referral.id == referral.id).values(decision="settled")
    db.session.execute(decided)
    counts, changes = counts_and_changes(me=None, now=NOW)
    assert changes is None and counts["mediation"] == 0
    assert page_marks([anna], TODAY, counts, changes) == Marks()
    db.session.rollback()
    assert marks([anna]) == Marks(in_mediation={anna})
