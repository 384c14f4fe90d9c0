"""Migrations 0009 and 0011 compute, for complaints made before them, exactly the report
figures the services keep from then on: taken down and up again over the report tests' data
set (a pause over two holidays, a review that replaced the response's due date), every
complaint's figures come back the same, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import Complaint
from tests.services.reports_support import build

CLOCKS = ("received_on", "days_to_acknowledge", "acknowledged_on_time", "days_to_respond",
          "responded_on_time")  # fmt: skip
OUTCOMES = ("outcome_kind", "outcome_refund_cents", "outcome_root_cause_id", "review_changed")


def _figures(names: tuple[str, ...]) -> dict[int, tuple[Any, ...]]:
    columns = [getattr(Complaint, name) for name in names]
    rows = db.session.execute(select(Complaint.id, *columns).order_by(Complaint.id))
    return {row[0]: tuple(row[1:]) for row in rows}


def _down_and_up(revision: str) -> None:
    db.session.remove()
    downgrade(revision=revision)
    upgrade()
    db.session.remove()


def test_the_backfills_give_what_the_services_kept(any_app: Flask) -> None:
    build()
    clocks, outcomes = _figures(CLOCKS), _figures(OUTCOMES)
    assert any(row[3] is not None for row in clocks.values())
    assert any(row[3] for row in outcomes.values())  # a final response that changed it
    _down_and_up("0010")  # 0011: the outcome each complaint ended with
    assert _figures(OUTCOMES) == outcomes
    _down_and_up("0008")  # 0009: the clock figures (root causes go with the downgrade)
    assert _figures(CLOCKS) == clocks
    without_causes = {key: (*row[:2], None, row[3]) for key, row in outcomes.items()}
    assert _figures(OUTCOMES) == without_causes
