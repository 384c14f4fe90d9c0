"""What the demo shows of learning from complaints: a root cause on every outcome (and a note
now and then), the customer's second rating (the handling), the outcome each complaint
ended with on its row (as services.outcomes keeps it), and two corrective actions.

Root causes and handling ratings come from generators of their own per complaint, so the
stories and texts stay as they were; they follow the category (a damaged parcel is mostly
the carrier's or the packing's fault, a download error the server's) and the rating of the
resolution. The corrective actions are recorded through services.corrective_actions, as a
manager would (with their audit lines).
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import select

from ..domain.reports import GivenOutcome, ended_with
from ..extensions import db
from ..models import Complaint, CorrectiveAction, RootCause, Staff
from ..services.corrective_actions import ActionInput, mark_done, record_action, record_check
from ..services.reports import shop_today
from .rows import Batch, Row

#: How often each root cause lies behind a complaint of each category.
CAUSES: dict[str, dict[str, int]] = {
    "physical": {"carrier_damage": 35, "packing": 25, "wrong_item": 25, "customer_error": 8,
                 "other": 7},
    "digital": {"download_server": 55, "unclear_product_page": 20, "customer_error": 15,
                "other": 10},
    "billing": {"payment_provider": 60, "customer_error": 20, "unclear_product_page": 10,
                "other": 10},
    "account": {"customer_error": 55, "other": 45},
    "website": {"unclear_product_page": 50, "other": 35, "download_server": 15},
    "other": {"other": 60, "customer_error": 25, "unclear_product_page": 15},
}  # fmt: skip
#: A note staff sometimes add, per root cause (staff write them in English).
NOTES = {
    "carrier_damage": "Box crushed in transit; photo shows the corner dented.",
    "packing": "Only one layer of bubble wrap around a glass item.",
    "wrong_item": "Picked the neighbouring shelf position (same product, other size).",
    "download_server": "Download server timed out during the evening peak.",
    "payment_provider": "Payment provider charged twice after a timeout.",
    "unclear_product_page": "Product page does not say which readers the file works on.",
    "customer_error": "Customer used an old password reset link.",
    "other": "One-off; nothing to change.",
}


def finish_improvement(batch: Batch, seed: int, root_causes: dict[str, int]) -> None:
    """Give the batch's outcomes their root cause, its ratings their handling score and its
    complaints the columns of the outcome they ended with."""
    outcomes: dict[int, list[Row]] = defaultdict(list)
    for row in batch.outcomes:
        outcomes[row["complaint_id"]].append(row)
    for complaint in batch.complaints:
        given = outcomes.get(complaint["id"], [])
        if given:
            _root_cause(given, complaint, seed, root_causes)
        complaint.update(_ended(given))
    for rating in batch.ratings:
        rng = random.Random(f"{seed}-{rating['complaint_id']}-handling")
        rating["handling_score"] = _handling(rng, rating["score"])
    _audit_root_causes(batch, {cause_id: key for key, cause_id in root_causes.items()})


def _audit_root_causes(batch: Batch, keys: dict[int, str]) -> None:
    """The outcome events name the root cause, as services.outcomes.audit_detail writes it
    (before the batch's events are chained)."""
    causes = {row["id"]: keys[row["root_cause_id"]] for row in batch.outcomes}
    for event in batch.events:
        if event["action"] in ("outcome_sent", "final_response_sent"):
            event["detail"]["root_cause"] = causes[event["detail"]["outcome_id"]]


def _root_cause(outcomes: list[Row], complaint: Row, seed: int, ids: dict[str, int]) -> None:
    """One root cause for the complaint's outcomes (a review rarely finds another cause)."""
    rng = random.Random(f"{seed}-{complaint['id']}-cause")
    weights = CAUSES.get(complaint["category"], CAUSES["other"])
    key = rng.choices(list(weights), list(weights.values()))[0]
    note = NOTES[key] if rng.random() < 0.15 else ""
    for row in outcomes:
        row["root_cause_id"], row["root_cause_note"] = ids[key], note


def _ended(outcomes: list[Row]) -> dict[str, object]:
    """The complaint's columns for the outcome it ended with (None each without one)."""
    first = next((row for row in outcomes if not row["is_final"]), None)
    if first is None:
        return ended_with_nothing()
    final = next((row for row in outcomes if row["is_final"]), None)
    return ended_with(_given(first), _given(final) if final is not None else None)


def ended_with_nothing() -> dict[str, object]:
    """The columns of a complaint without an outcome."""
    return {"outcome_kind": None, "outcome_refund_cents": None, "outcome_root_cause_id": None,
            "review_changed": None}  # fmt: skip


def _given(row: Row) -> GivenOutcome:
    return GivenOutcome(row["kind"], row["amount_cents"], row.get("root_cause_id"))


def _handling(rng: random.Random, score: int) -> int | None:
    """How the handling was rated: near the resolution's rating, sometimes skipped."""
    if rng.random() < 0.12:
        return None
    return min(5, max(1, score + rng.choice((-1, 0, 0, 0, 1))))


def root_cause_ids() -> dict[str, int]:
    """The root causes by key."""
    return dict(db.session.execute(select(RootCause.key, RootCause.id)).all())


# --- two corrective actions ------------------------------------------------------------


def record_demo_actions(manager_email: str, owner_email: str, now: datetime) -> int:
    """One action done and checked (it worked), one open; returns how many were recorded.
    Skipped when the demo already has actions or lacks the complaints to link."""
    manager = db.session.scalar(select(Staff).where(Staff.email == manager_email))
    owner = db.session.scalar(select(Staff).where(Staff.email == owner_email))
    has_actions = db.session.scalar(select(CorrectiveAction.id).limit(1)) is not None
    if manager is None or owner is None or has_actions:
        return 0
    today = shop_today(now)
    made = 0
    done_on = today - timedelta(days=75)
    download = _references("download_server", today - timedelta(days=120), done_on)
    if download:
        action = record_action(
            manager,
            ActionInput(
                title="Move replacement downloads to the CDN with resumable links",
                root_cause="download_server",
                owner_id=owner.id,
                due_on=done_on,
                details="Downloads time out in the evening peak; the CDN keeps partial "
                "downloads and resumes them.",
                complaints=download,
                check_after_days=60,
            ),
            now=now - timedelta(days=90),
        )
        mark_done(manager, action.id, done_on=done_on, now=now - timedelta(days=75))
        record_check(manager, action.id, worked=True, now=now - timedelta(days=10),
                     note="Download complaints about timeouts dropped after the move.")  # fmt: skip
        made += 1
    carrier = _references("carrier_damage", today - timedelta(days=30), today)
    if carrier:
        record_action(
            manager,
            ActionInput(
                title="Double-box fragile items and ship them insured",
                root_cause="carrier_damage",
                owner_id=owner.id,
                due_on=today + timedelta(days=21),
                details="Agree insured shipping with the carrier; packing station gets "
                "double boxes for glass and ceramics.",
                complaints=carrier,
            ),
            now=now,
        )
        made += 1
    return made


def _references(key: str, start: date, end: date, limit: int = 8) -> list[str]:
    """The newest complaints received between `start` and `end` that ended with root cause
    `key`."""
    query = (
        select(Complaint.reference)
        .join(RootCause, RootCause.id == Complaint.outcome_root_cause_id)
        .where(RootCause.key == key, Complaint.received_on >= start, Complaint.received_on < end)
        .order_by(Complaint.received_on.desc(), Complaint.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))
