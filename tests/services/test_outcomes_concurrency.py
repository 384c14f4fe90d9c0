"""Two clicks at the same moment give one outcome (and one final response): real threads, each
with its own app context and database session, on a SQLite file and on PostgreSQL."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from helpdesk.extensions import db
from helpdesk.models import Complaint, Message, OutboxEmail, Outcome, Staff
from helpdesk.services.outcome_errors import AlreadySent
from helpdesk.services.outcomes import give_outcome
from helpdesk.services.review import request_review, send_final_response
from tests.services.outcomes_support import ANSWERED, new_complaint, refund_input

Action = Callable[[Complaint, Staff, int], Any]


def _staff(role: str) -> Staff:
    """A staff member on whichever database the app uses (make_staff is SQLite-only)."""
    staff = Staff(
        email=f"{role}-{uuid.uuid4().hex[:6]}@shop.example",
        name=role.title(),
        role=role,
        password_hash=generate_password_hash("not used in this test", method="pbkdf2:sha256:1000"),
    )
    db.session.add(staff)
    db.session.commit()
    return staff


def _race(app: Flask, complaint_id: int, staff_ids: list[int], action: Action) -> list[str]:
    """Run `action` in two threads released at the same moment; what each one got."""
    barrier = threading.Barrier(len(staff_ids))
    results: list[str] = []

    def click(staff_id: int) -> None:
        with app.app_context():
            try:
                complaint = db.session.get(Complaint, complaint_id)
                staff = db.session.get(Staff, staff_id)
                assert complaint is not None and staff is not None
                seen = complaint.version
                barrier.wait(timeout=10)
                action(complaint, staff, seen)
                results.append("sent")
            except AlreadySent as refused:
                results.append(refused.message)
            except Exception as exc:  # noqa: BLE001 — reported by the assertion below
                results.append(f"error: {exc!r}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=click, args=(staff_id,)) for staff_id in staff_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(results)


def _count(model: Any, **where: Any) -> int:
    db.session.expire_all()
    return int(db.session.scalar(select(func.count()).select_from(model).filter_by(**where)))


def _two_outcomes_at_once(app: Flask) -> None:
    complaint = new_complaint()
    agents = [_staff("agent").id, _staff("agent").id]

    def send(case: Complaint, staff: Staff, seen: int) -> None:
        give_outcome(case, staff, refund_input(), seen=seen, now=ANSWERED)

    results = _race(app, complaint.id, agents, send)
    assert results == ["An outcome was already sent.", "sent"], results
    assert _count(Outcome) == 1
    assert _count(Message, kind="outcome") == 1
    assert _count(OutboxEmail, kind="outcome") == 1
    assert db.session.get(Complaint, complaint.id).status == "resolved"


def _two_final_responses_at_once(app: Flask) -> None:
    complaint = new_complaint()
    give_outcome(complaint, _staff("agent"), refund_input(), seen=complaint.version, now=ANSWERED)
    request_review(complaint, "Please look again at the amount.", now=ANSWERED)
    managers = [_staff("manager").id, _staff("manager").id]

    def send(case: Complaint, staff: Staff, seen: int) -> None:
        send_final_response(case, staff, refund_input(), seen=seen, now=ANSWERED)

    results = _race(app, complaint.id, managers, send)
    assert results == ["A final response was already sent.", "sent"], results
    assert _count(Outcome, is_final=True) == 1
    assert _count(OutboxEmail, kind="final_response") == 1
    assert db.session.get(Complaint, complaint.id).status == "final"


def test_two_outcomes_at_once_on_sqlite(app: Flask) -> None:
    _two_outcomes_at_once(app)


def test_two_outcomes_at_once_on_postgres(pg_app: Flask) -> None:
    _two_outcomes_at_once(pg_app)


def test_two_final_responses_at_once_on_sqlite(app: Flask) -> None:
    _two_final_responses_at_once(app)


def test_two_final_responses_at_once_on_postgres(pg_app: Flask) -> None:
    _two_final_responses_at_once(pg_app)
