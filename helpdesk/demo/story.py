"""The life of one demo complaint: who did what and when, ending in a chosen status.

A story is a list of steps in time order (status changes, messages, outcomes, a rating,
an assignment). Staff act in office hours on business days of the shop's calendar;
customers write at any time of day. The story is generated forward from a receipt time,
then slid back in time so that its last step lies a chosen age before `now`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..domain.lifecycle import Status
from ..domain.sla import BusinessCalendar

#: Days a resolved complaint may be reviewed, and the quiet days before closing (the defaults).
REVIEW_DAYS = 30
CLOSE_AFTER_DAYS = 14

STEP_STATUS = "status"
STEP_MESSAGE = "message"
STEP_OUTCOME = "outcome"
STEP_RATING = "rating"
STEP_ASSIGN = "assign"


@dataclass(frozen=True)
class Step:
    """One thing that happened: `what` is one of the STEP_* names."""

    at: datetime
    what: str
    actor: str  # customer | staff | system
    staff: str | None = None  # "agent" | "manager" | "manager2"
    status: Status | None = None  # STEP_STATUS: the status reached
    kind: str = ""  # message kind or outcome kind
    internal: bool = False
    final: bool = False
    cause: str = ""  # why a status changed (detail of the audit event)


@dataclass
class Story:
    """Everything that happened to one complaint, oldest first."""

    received_at: datetime
    steps: list[Step] = field(default_factory=list)

    @property
    def last_at(self) -> datetime:
        """When the last thing happened."""
        return self.steps[-1].at if self.steps else self.received_at


@dataclass(frozen=True)
class Plan:
    """The random choices of one story, drawn once so the story can be regenerated."""

    target: Status
    late: bool
    ack_by_hand: bool
    start: str  # how assessment starts: "reply" | "info" | "direct"
    info_round: bool
    note: bool
    review: bool
    rating: bool
    assign: bool
    first_by: str  # who gives the first outcome: "agent" | "manager"
    seed: int


ORDER = list(Status)


def reaches(target: Status, status: Status) -> bool:
    """True when a story ending in `target` passes through `status`."""
    return ORDER.index(target) >= ORDER.index(status)


def draw_plan(rng: random.Random, target: Status) -> Plan:
    """Draw the shape of a story that ends in `target`."""
    start = rng.choices(["reply", "info", "direct"], weights=[32, 25, 43])[0]
    if target in (Status.ACKNOWLEDGED, Status.RECEIVED) or (
        target == Status.ASSESSING and start == "direct"
    ):
        start = "reply"  # these end before any outcome, so staff must have started by replying
    elif target == Status.AWAITING_CUSTOMER:
        start = "info"
    reviewed = target in (Status.REVIEW_REQUESTED, Status.FINAL) or (
        target == Status.CLOSED and rng.random() < 0.1
    )
    return Plan(
        target=target,
        late=rng.random() < 0.22,
        ack_by_hand=rng.random() < 0.15,
        start=start,
        info_round=start == "info" or rng.random() < 0.08,
        note=rng.random() < 0.22,
        review=reviewed,
        rating=rng.random() < 0.35,
        assign=rng.random() < (0.3 if target == Status.RECEIVED else 0.85),
        first_by="agent" if rng.random() < 0.7 else "manager",
        seed=rng.getrandbits(32),
    )


class _Clock:
    """Picks the moments of a story: staff in office hours, customers at any time."""

    def __init__(self, rng: random.Random, cal: BusinessCalendar, tz: ZoneInfo) -> None:
        self.rng, self.cal, self.tz = rng, cal, tz

    def staff_at(self, after: datetime, days: int) -> datetime:
        """A moment in office hours `days` business days after `after` (0: same day if open)."""
        local = after.astimezone(self.tz)
        day = local.date()
        if days == 0 and (not self.cal.is_business_day(day) or local.hour >= 17):
            days = 1
        if days:
            day = self.cal.add_business_days(day, days)
        start = datetime.combine(day, time(8, 30), tzinfo=self.tz)
        start = max(start, local + timedelta(minutes=5))
        end = datetime.combine(day, time(17, 45), tzinfo=self.tz)
        span = max((end - start).total_seconds(), 600.0)
        return (start + timedelta(seconds=self.rng.uniform(0, span))).astimezone(after.tzinfo)

    def customer_at(self, after: datetime, low_hours: float, high_hours: float) -> datetime:
        """A moment between `low_hours` and `high_hours` later, nudged out of the small hours."""
        moment = after + timedelta(hours=self.rng.uniform(low_hours, high_hours))
        hour = moment.astimezone(self.tz).hour
        if hour < 7:
            moment += timedelta(hours=7 - hour)
        return moment

    def cron_at(self, after: datetime) -> datetime:
        """The nightly close-idle run (02:15 shop time) after `after`."""
        local = after.astimezone(self.tz)
        run = datetime.combine(local.date() + timedelta(days=1), time(2, 15), tzinfo=self.tz)
        return run.astimezone(after.tzinfo)


def build_story(plan: Plan, received_at: datetime, cal: BusinessCalendar, tz: ZoneInfo) -> Story:
    """The steps of `plan` for a complaint received at `received_at` (same plan, same steps)."""
    rng = random.Random(plan.seed)
    clk = _Clock(rng, cal, tz)
    story = Story(received_at)
    worker = plan.first_by
    story.steps.append(Step(received_at, STEP_MESSAGE, "customer", kind="message"))
    if plan.target == Status.RECEIVED:
        if plan.assign:
            story.steps.append(Step(clk.staff_at(received_at, 0), STEP_ASSIGN, "staff", worker))
        return story
    _acknowledge(story, plan, clk, worker)
    if plan.target == Status.ACKNOWLEDGED:
        return story
    if not _assess(story, plan, clk, worker) or plan.target == Status.ASSESSING:
        return story
    resolved_at = _resolve(story, plan, clk, worker)
    if plan.target == Status.RESOLVED:
        return story
    if plan.review:
        if not _review(story, plan, clk) or plan.target == Status.FINAL:
            return story
        close_after = story.last_at + timedelta(days=CLOSE_AFTER_DAYS)
    else:
        close_after = max(
            story.last_at + timedelta(days=CLOSE_AFTER_DAYS),
            resolved_at + timedelta(days=REVIEW_DAYS),
        )
    story.steps.append(
        Step(clk.cron_at(close_after), STEP_STATUS, "system", status=Status.CLOSED, cause="idle")
    )
    return story


def _status(at: datetime, status: Status, actor: str, staff: str | None, cause: str) -> Step:
    return Step(at, STEP_STATUS, actor, staff, status=status, cause=cause)


def _acknowledge(story: Story, plan: Plan, clk: _Clock, worker: str) -> None:
    """The acknowledgement email goes out within minutes, or someone acknowledges by hand."""
    received = story.received_at
    if plan.ack_by_hand:
        at = clk.staff_at(received, clk.rng.choice([3, 4] if plan.late else [0, 1, 1, 2]))
        story.steps.append(_status(at, Status.ACKNOWLEDGED, "staff", worker, "by_hand"))
    else:
        at = received + timedelta(seconds=clk.rng.uniform(20, 400))
        story.steps.append(
            _status(at, Status.ACKNOWLEDGED, "system", None, "acknowledgement_email")
        )
    if plan.assign:
        story.steps.append(Step(clk.staff_at(at, 0), STEP_ASSIGN, "staff", worker))


def _ask_for_information(story: Story, plan: Plan, clk: _Clock, worker: str, at: datetime) -> bool:
    """Staff ask, the clock pauses; returns False when the customer has not answered yet."""
    story.steps.append(Step(at, STEP_MESSAGE, "staff", worker, kind="info_request"))
    story.steps.append(
        _status(at, Status.AWAITING_CUSTOMER, "staff", worker, "information_requested")
    )
    if plan.target == Status.AWAITING_CUSTOMER:
        return False
    answered = clk.customer_at(at, 3, 100)
    story.steps.append(Step(answered, STEP_MESSAGE, "customer", kind="message"))
    story.steps.append(_status(answered, Status.ASSESSING, "customer", None, "customer_answered"))
    return True


def _assess(story: Story, plan: Plan, clk: _Clock, worker: str) -> bool:
    """Staff start work with a reply or a question; returns False when the story ends waiting."""
    at = clk.staff_at(story.last_at, clk.rng.choice([3, 4, 5] if plan.late else [0, 1, 1, 2]))
    if plan.start == "reply":
        story.steps.append(Step(at, STEP_MESSAGE, "staff", worker, kind="reply"))
        story.steps.append(_status(at, Status.ASSESSING, "staff", worker, "reply"))
        if plan.info_round:
            asked = clk.staff_at(at, clk.rng.choice([0, 1, 2]))
            if not _ask_for_information(story, plan, clk, worker, asked):
                return False
    elif plan.start == "info":
        story.steps.append(_status(at, Status.ASSESSING, "staff", worker, "information_requested"))
        if not _ask_for_information(story, plan, clk, worker, at):
            return False
    if plan.note:
        at = clk.staff_at(story.last_at, clk.rng.choice([0, 1]))
        story.steps.append(Step(at, STEP_MESSAGE, "staff", worker, kind="note", internal=True))
    return True


def _resolve(story: Story, plan: Plan, clk: _Clock, worker: str) -> datetime:
    """The first outcome: response sent, the clock stops; maybe a rating follows."""
    at = clk.staff_at(story.last_at, clk.rng.choice([5, 6, 7, 8] if plan.late else [0, 1, 2, 3]))
    if plan.start == "direct":
        story.steps.append(_status(at, Status.ASSESSING, "staff", worker, "outcome"))
    story.steps.append(Step(at, STEP_OUTCOME, "staff", worker))
    story.steps.append(Step(at, STEP_MESSAGE, "staff", worker, kind="outcome"))
    story.steps.append(_status(at, Status.RESOLVED, "staff", worker, "outcome"))
    if plan.rating and not plan.review:
        story.steps.append(Step(clk.customer_at(at, 2, 96), STEP_RATING, "customer"))
    return at


def _review(story: Story, plan: Plan, clk: _Clock) -> bool:
    """The customer asks for a review; a manager who did not decide first sends the final word."""
    asked = clk.customer_at(story.last_at, 20, 24 * 20)
    story.steps.append(Step(asked, STEP_MESSAGE, "customer", kind="review_request"))
    story.steps.append(_status(asked, Status.REVIEW_REQUESTED, "customer", None, "review"))
    if plan.target == Status.REVIEW_REQUESTED:
        return False
    reviewer = "manager2" if plan.first_by == "manager" else clk.rng.choice(["manager", "manager2"])
    at = clk.staff_at(asked, clk.rng.choice([6, 7, 8] if plan.late else [1, 2, 3, 4]))
    story.steps.append(Step(at, STEP_OUTCOME, "staff", reviewer, final=True))
    story.steps.append(Step(at, STEP_MESSAGE, "staff", reviewer, kind="final_response"))
    story.steps.append(_status(at, Status.FINAL, "staff", reviewer, "final_response"))
    if plan.rating:
        story.steps.append(Step(clk.customer_at(at, 2, 96), STEP_RATING, "customer"))
    return True


def draw_age(rng: random.Random, plan: Plan, span_days: int) -> timedelta:
    """How long ago the story's last step happened, typical for its final status."""
    hours = rng.uniform
    ages: dict[Status, tuple[float, float]] = {
        Status.RECEIVED: (130, 220) if plan.late else (0.3, 30),
        Status.ACKNOWLEDGED: (250, 380) if plan.late else (0.5, 40),
        Status.ASSESSING: (120, 200) if plan.late else (1, 72),
        Status.AWAITING_CUSTOMER: (2, 190),
        Status.RESOLVED: (1, 290),
        Status.REVIEW_REQUESTED: (270, 380) if plan.late else (1, 120),
        Status.FINAL: (1, 290),
        Status.CLOSED: (0, span_days * 24),
    }
    low, high = ages[plan.target]
    return timedelta(hours=hours(low, high))


def place_story(
    plan: Plan, now: datetime, age: timedelta, cal: BusinessCalendar, tz: ZoneInfo
) -> Story:
    """The story of `plan` slid back in time so that its last step happened `age` before now."""
    goal = now - age
    received = goal - timedelta(days=1)
    story = build_story(plan, received, cal, tz)
    for _attempt in range(4):
        drift = story.last_at - goal
        if abs(drift) < timedelta(minutes=1):
            break
        received -= drift
        story = build_story(plan, received, cal, tz)
    while story.last_at > now:  # office hours pushed it past now: a week earlier keeps the rhythm
        received -= timedelta(days=7)
        story = build_story(plan, received, cal, tz)
    return story
