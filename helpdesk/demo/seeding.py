"""Seeding demo data: three demo logins and N complaints with their whole history.

Complaints are planned first (a status, a shape and an age each, from the seed), sorted by
receipt so ids follow time as in a real database, then turned into rows and written with
SQLAlchemy Core executemany in chunks, one transaction per chunk: 100,000 complaints take
minutes, not hours. Bulk inserts bypass the ORM hooks, so the search index is rebuilt at the
end. The seeder gives ids itself (and moves PostgreSQL's sequences on afterwards): run it
while nobody else writes complaints.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..domain.lifecycle import Status
from ..extensions import db
from ..models import Attachment, AuditEvent, Complaint, Message, Outcome, Rating, Staff
from ..models.types import utcnow
from ..runtime.clock import business_calendar, shop_timezone
from .builder import ComplaintBuilder
from .bulk_load import after_bulk_load
from .files import write_files
from .improvement import finish_improvement, record_demo_actions, root_cause_ids
from .referrals import refer_some
from .rows import Batch, Context, Ids, finish_batch
from .story import Plan, build_story, draw_age, draw_plan, place_story

#: Called with ("plan" | "write", number of complaints done since the last call).
Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class DemoLogin:
    """A demo staff account; the password is public on purpose."""

    key: str
    email: str
    name: str
    role: str
    password: str


DEMO_STAFF = (
    DemoLogin("agent", "agent@demo.example", "Sanne Jansen", "agent", "demo-agent-password"),
    DemoLogin(
        "manager", "manager@demo.example", "Pieter de Boer", "manager", "demo-manager-password"
    ),
    DemoLogin(
        "manager2", "manager2@demo.example", "Fatima El Amrani", "manager", "demo-manager2-password"
    ),
)

#: Share of each final status: a lively inbox for a demo, mostly history for a big archive.
LIVELY: dict[str, float] = {
    "received": 7,
    "acknowledged": 7,
    "assessing": 16,
    "awaiting_customer": 10,
    "resolved": 15,
    "review_requested": 7,
    "final": 8,
    "closed": 30,
}
ARCHIVE: dict[str, float] = {
    "received": 0.5,
    "acknowledged": 0.7,
    "assessing": 2.0,
    "awaiting_customer": 1.0,
    "resolved": 3.5,
    "review_requested": 0.3,
    "final": 2.0,
    "closed": 90.0,
}
LIVELY_UP_TO = 2000
#: Statuses with a running clock: a late one is overdue now.
LATE_TARGETS = frozenset(
    {Status.RECEIVED, Status.ACKNOWLEDGED, Status.ASSESSING, Status.REVIEW_REQUESTED}
)


@dataclass
class SeedReport:
    """What a seeding run added."""

    complaints: int = 0
    messages: int = 0
    events: int = 0
    outcomes: int = 0
    ratings: int = 0
    attachments: int = 0
    referrals: int = 0
    corrective_actions: int = 0
    seconds: float = 0.0
    reindexed: bool = False
    by_status: dict[str, int] = field(default_factory=dict)


def is_empty() -> bool:
    """True when the database has no complaints and no staff (a fresh install)."""
    has_complaint = db.session.scalar(select(Complaint.id).limit(1)) is not None
    has_staff = db.session.scalar(select(Staff.id).limit(1)) is not None
    return not (has_complaint or has_staff)


def ensure_demo_staff() -> dict[str, int]:
    """Create the demo logins that are missing; returns their ids by key."""
    ids: dict[str, int] = {}
    for login in DEMO_STAFF:
        staff = db.session.scalar(select(Staff).where(Staff.email == login.email))
        if staff is None:
            staff = Staff(
                email=login.email,
                name=login.name,
                role=login.role,
                password_hash=generate_password_hash(login.password),
            )
            db.session.add(staff)
            db.session.flush()
        ids[login.key] = staff.id
    db.session.commit()
    return ids


def demo_logins() -> list[tuple[DemoLogin, str]]:
    """The demo logins in this database with a note: "" if usable as printed, else why not."""
    found = []
    for login in DEMO_STAFF:
        staff = db.session.scalar(select(Staff).where(Staff.email == login.email))
        if staff is None:
            continue
        note = ""
        if not staff.active:
            note = "deactivated"
        elif not check_password_hash(staff.password_hash, login.password):
            note = "password was changed"
        found.append((login, note))
    return found


def allocate(count: int, weights: dict[str, float]) -> dict[str, int]:
    """Split `count` over the statuses by weight (largest remainder), each at least one."""
    total = sum(weights.values())
    exact = {key: count * value / total for key, value in weights.items()}
    shares = {key: int(value) for key, value in exact.items()}
    by_remainder = sorted(exact, key=lambda key: exact[key] - shares[key], reverse=True)
    for key in by_remainder[: count - sum(shares.values())]:
        shares[key] += 1
    if count >= len(weights):
        for key in weights:
            if shares[key] == 0:
                largest = max(shares, key=lambda k: shares[k])
                shares[largest] -= 1
                shares[key] = 1
    return shares


@dataclass(frozen=True)
class Planned:
    """A complaint before it has an id: its plan, receipt time and text seed."""

    received_at: datetime
    order: int
    plan: Plan
    text_seed: int


def plan_complaints(
    count: int, seed: int, first_id: int, now: datetime, progress: Progress | None = None
) -> list[Planned]:
    """Plan `count` complaints, oldest first."""
    cal, tz = business_calendar(), shop_timezone()
    weights = LIVELY if count <= LIVELY_UP_TO else ARCHIVE
    span_days = 180 if count <= LIVELY_UP_TO else 730
    targets = [Status(key) for key, n in allocate(count, weights).items() for _ in range(n)]
    random.Random(f"{seed}:targets:{first_id}:{count}").shuffle(targets)
    planned = []
    seen: dict[Status, int] = {}
    for index, target in enumerate(targets):
        rng = random.Random(f"{seed}:{first_id + index}")
        plan = draw_plan(rng, target)
        seen[target] = seen.get(target, 0) + 1
        if target in LATE_TARGETS:  # every fourth open complaint is overdue, the rest are not
            plan = replace(plan, late=seen[target] % 4 == 1)
        story = place_story(plan, now, draw_age(rng, plan, span_days), cal, tz)
        planned.append(Planned(story.received_at, index, plan, rng.getrandbits(64)))
        if progress and index % 1000 == 999:
            progress("plan", 1000)
    if progress:
        progress("plan", count % 1000)
    planned.sort(key=lambda item: (item.received_at, item.order))
    return planned


def _next_id(model: type[db.Model]) -> int:  # type: ignore[name-defined]
    return int(db.session.scalar(select(func.coalesce(func.max(model.id), 0))) or 0) + 1


def _chunks(items: list[Planned], size: int) -> Iterator[list[Planned]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


TABLES = (
    ("complaints", Complaint),
    ("messages", Message),
    ("attachments", Attachment),
    ("outcomes", Outcome),
    ("events", AuditEvent),
    ("ratings", Rating),
)


def _write(batch: Batch, upload_dir: Path, seed: int, root_causes: dict[str, int]) -> None:
    """Write the files, then every row of the batch in one transaction (files go on failure)."""
    finish_improvement(batch, seed, root_causes)
    finish_batch(batch, seed)
    written = write_files(upload_dir, batch.files)
    try:
        with db.engine.begin() as conn:
            for name, model in TABLES:
                rows = getattr(batch, name)
                if rows:
                    conn.execute(model.__table__.insert(), rows)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise


def seed_demo(
    count: int,
    *,
    seed: int = 42,
    now: datetime | None = None,
    chunk_size: int = 2000,
    progress: Progress | None = None,
    reindex: bool = True,
) -> SeedReport:
    """Add the demo logins (if missing) and `count` complaints.

    `progress("plan", n)` reports complaints planned, `progress("write", n)` complaints written.
    """
    started = time.monotonic()
    now = now or utcnow()
    staff_ids = ensure_demo_staff()
    names = {staff.id: staff.name for staff in db.session.scalars(select(Staff))}
    first_id = _next_id(Complaint)
    existing = set(db.session.scalars(select(Complaint.reference))) if first_id > 1 else set()
    ids = Ids(_next_id(Message), _next_id(Attachment), _next_id(Outcome))
    db.session.commit()  # the seeder writes through its own connections from here on
    shop = current_app.config["SHOP_NAME"]
    ctx = Context(staff_ids, names, shop, seed, ids, existing)
    cal, tz = business_calendar(), shop_timezone()
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    root_causes = root_cause_ids()
    report = SeedReport()
    complaint_id = first_id
    for chunk in _chunks(plan_complaints(count, seed, first_id, now, progress), chunk_size):
        batch = Batch()
        for item in chunk:
            story = build_story(item.plan, item.received_at, cal, tz)
            builder = ComplaintBuilder(ctx, batch, complaint_id, random.Random(item.text_seed))
            builder.build(story, cal, tz)
            report.by_status[item.plan.target.value] = (
                report.by_status.get(item.plan.target.value, 0) + 1
            )
            complaint_id += 1
        _write(batch, upload_dir, seed, root_causes)
        for name, _model in TABLES:
            setattr(report, name, getattr(report, name) + len(getattr(batch, name)))
        if progress:
            progress("write", len(chunk))
    report.referrals = refer_some(DEMO_STAFF[2].email, now)
    report.corrective_actions = record_demo_actions(DEMO_STAFF[1].email, DEMO_STAFF[0].email, now)
    after_bulk_load()
    if reindex:
        report.reindexed = _reindex()
    report.seconds = time.monotonic() - started
    return report


def _reindex() -> bool:
    """Rebuild the search index if the search package can (bulk inserts skip its hooks)."""
    from .. import search

    rebuild = getattr(search, "reindex_all", None)
    if rebuild is None:
        return False
    rebuild(progress=True)
    return True
