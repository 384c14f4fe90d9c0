"""One demo complaint's story turned into rows, with the audit events the real services write.

Each step of the story adds what the matching use case adds: a reply is a message, the
status changes and then a "reply_sent" event; an outcome is an Outcome row, its message,
the status changes and then "outcome_sent"; and so on, with the same actions and details as
helpdesk.services, so the case page shows a demo complaint like any other. The details
those events and rows carry are demo.details'.
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ..domain.clocks import transition
from ..domain.lifecycle import Status
from ..domain.reference import generate_reference
from ..domain.sla import BusinessCalendar
from .clocks import replay
from .details import (
    assignment_detail,
    email_message_id,
    outcome_data,
    review_detail,
    status_detail,
)
from .files import evidence_samples, replacement_sample
from .rows import (
    Batch,
    Context,
    Row,
    attachment_row,
    complaint_row,
    event_row,
    message_row,
    outcome_audit,
    outcome_row,
)
from .story import (
    STEP_ASSIGN,
    STEP_MESSAGE,
    STEP_OUTCOME,
    STEP_RATING,
    STEP_STATUS,
    Step,
    Story,
)
from .text import CATEGORY_WEIGHTS, Writer, pick_outcome
from .vocab import facts as draw_facts


class ComplaintBuilder:
    """Turns one story into rows (one builder per complaint)."""

    def __init__(self, ctx: Context, batch: Batch, complaint_id: int, rng: random.Random) -> None:
        self.ctx, self.batch, self.id, self.rng = ctx, batch, complaint_id, rng
        self.status = "received"
        self.messages = 0
        self.assignee: int | None = None
        self.review_reason: str | None = None
        self.outcome: Row | None = None
        self.replacement: tuple[int, str] | None = None  # attachment id, sha256
        self.deferred: list[Row] = []  # action events written after the status changes

    def build(self, story: Story, cal: BusinessCalendar, tz: ZoneInfo) -> None:
        """Add the rows of this complaint to the batch."""
        rng = self.rng
        self.story, self.cal, self.tz = story, cal, tz
        self.category = rng.choices(list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values()))[0]
        self.language = "nl" if rng.random() < 0.55 else "en"
        self.channel = "email" if rng.random() < 0.3 else "web"
        self.facts = draw_facts(rng, self.category, self.language, story.received_at)
        self.writer = Writer(rng, self.language, self.facts, self.ctx.shop)
        self.description = self.writer.description(self.category)
        self.first_kind = self.final_kind = pick_outcome(rng, self.category)
        self.full_refund = rng.random() < 0.7
        self.customer_at = story.received_at
        self._event(story.received_at, "customer", "submitted", {"channel": self.channel})
        for index, step in enumerate(story.steps):
            if self.deferred and step.at != self.deferred[0]["at"]:
                self._flush()
            self._step(index, step)
        self._flush()
        self._complaint(replay(story, cal, tz).columns())

    def _complaint(self, clocks: dict[str, Any]) -> None:
        reference = generate_reference()
        while reference in self.ctx.references:
            reference = generate_reference()
        self.ctx.references.add(reference)
        facts, story = self.facts, self.story
        row = complaint_row(self.id, reference, facts["name"], facts["email"], facts["order"])
        row.update(
            category=self.category,
            description=self.description,
            language=self.language,
            channel=self.channel,
            received_at=story.received_at,
            review_reason=self.review_reason,
            last_activity_at=story.last_at,
            last_customer_message_at=self.customer_at,
            assignee_id=self.assignee,
            **clocks,
        )
        self.batch.complaints.append(row)

    def _event(
        self, at: datetime, actor: str, action: str, detail: dict[str, Any], **more: Any
    ) -> None:
        self.batch.events.append(event_row(self.id, at, actor, action, detail, **more))

    def _defer(
        self, at: datetime, actor: str, action: str, detail: dict[str, Any], **more: Any
    ) -> None:
        self.deferred.append(event_row(self.id, at, actor, action, detail, **more))

    def _flush(self) -> None:
        self.batch.events.extend(self.deferred)
        self.deferred.clear()

    def _step(self, index: int, step: Step) -> None:
        staff_id = self.ctx.staff_ids[step.staff] if step.staff else None
        if step.what == STEP_STATUS and step.status is not None:
            self._status(index, step, staff_id)
        elif step.what == STEP_MESSAGE:
            self._message(index, step, staff_id)
        elif step.what == STEP_OUTCOME:
            self._outcome(step, staff_id)
        elif step.what == STEP_RATING:
            score = self.rng.choices([5, 4, 3, 2, 1], self._rating_weights())[0]
            comment = self.writer.rating_comment(score)
            self.batch.ratings.append(
                {"complaint_id": self.id, "score": score, "comment": comment, "created_at": step.at}
            )
            rated = {"score": score, "replaced": False, "with_comment": bool(comment)}
            self._event(step.at, "customer", "rated", rated)
        elif step.what == STEP_ASSIGN and staff_id is not None:
            detail = assignment_detail(self.assignee, staff_id, self.ctx.staff_names)
            self.assignee = staff_id
            self._event(step.at, "staff", "assigned", detail, staff_id=staff_id)

    def _status(self, index: int, step: Step, staff_id: int | None) -> None:
        assert step.status is not None
        outcome = self.final_kind if step.cause == "final_response" else self.first_kind
        detail = status_detail(step.cause, outcome, quiet_since=self.story.steps[index - 1].at)
        before, self.status = self.status, step.status.value
        self._event(
            step.at,
            step.actor,
            "status_changed",
            detail,
            staff_id=staff_id,
            from_status=before,
            to_status=self.status,
        )

    def _rating_weights(self) -> list[int]:
        return [10, 15, 25, 25, 25] if self.review_reason else [42, 30, 14, 8, 6]

    def _message(self, index: int, step: Step, staff_id: int | None) -> None:
        kind, customer, first = step.kind, step.actor == "customer", self.messages == 0
        self.messages += 1
        body = self.description
        if not first:
            body = self.writer.message(
                kind,
                step.staff or "agent",
                first_outcome=self.first_kind,
                final_outcome=self.final_kind,
                full_refund=self.full_refund,
            )
        message_id = self.ctx.ids.take("message")
        via = "web" if not customer or kind == "review_request" else self.channel
        email_id = None
        if via == "email":
            email_id = email_message_id(self.ctx.seed, message_id, self.facts["email"])
        self.batch.messages.append(
            message_row(
                message_id,
                self.id,
                step.at,
                author=step.actor,
                kind=kind,
                body=body,
                staff_id=staff_id,
                internal=step.internal,
                via=via,
                email_message_id=email_id,
            )
        )
        if customer:
            self.customer_at = step.at
        files = 0
        if customer and kind == "message" and self._wants_evidence(first):
            self._attach(message_id, step.at, self.rng.choice(evidence_samples()), "evidence")
            files = 1
        if first:
            return
        if kind == "message":
            self._event(step.at, "customer", "customer_message", {"via": via, "files": files})
        elif kind == "note":
            self._event(step.at, "staff", "note_added", {}, staff_id=staff_id)
        elif kind in ("reply", "info_request"):
            action = "reply_sent" if kind == "reply" else "information_requested"
            self._defer(step.at, "staff", action, {}, staff_id=staff_id)
        elif kind == "review_request":
            self._review_requested(index, step, body)
        else:
            self._outcome_message(message_id, step, body)

    def _review_requested(self, index: int, step: Step, reason: str) -> None:
        self.review_reason = reason
        before = replay(Story(self.story.received_at, self.story.steps[:index]), self.cal, self.tz)
        after = transition(before, Status.REVIEW_REQUESTED, step.at, self.cal, self.tz)
        detail = review_detail(before.response_due_on, after.response_due_on)
        self._defer(step.at, "customer", "review_requested", detail)

    def _outcome_message(self, message_id: int, step: Step, body: str) -> None:
        outcome = self.outcome
        if outcome is None:
            return
        outcome["body"] = body
        sha256 = None
        if outcome["kind"] == "replacement_file":
            sample = replacement_sample(self.facts["file"])
            if self.replacement is None:  # a final response that keeps the outcome reuses it
                self.replacement = self._attach(message_id, step.at, sample, "replacement")
            outcome["attachment_id"], sha256 = self.replacement
            outcome["data"]["file_name"] = sample.name
        for event in self.deferred:  # the audit detail names the file's hash
            if event["action"] in ("outcome_sent", "final_response_sent"):
                event["detail"].update(outcome_audit(outcome, sha256))

    def _wants_evidence(self, first: bool) -> bool:
        if self.category not in ("physical", "digital", "billing", "website"):
            return False
        chance = 0.2 if first and self.category == "physical" else 0.0 if first else 0.3
        return self.rng.random() < chance

    def _attach(self, message_id: int, at: datetime, sample: Any, purpose: str) -> tuple[int, str]:
        row, file = attachment_row(self.ctx, self.id, message_id, at, sample, purpose=purpose)
        self.batch.attachments.append(row)
        self.batch.files.append(file)
        return row["id"], row["sha256"]

    def _outcome(self, step: Step, staff_id: int | None) -> None:
        full = self.full_refund
        if step.final and self.first_kind != "refund" and self.rng.random() < 0.4:
            self.final_kind, full = "refund", True  # the review goes further: money back
        kind = self.final_kind if step.final else self.first_kind
        cents = int(self.facts["cents"]) if full else max(int(self.facts["cents"]) // 4, 500)
        data = outcome_data(kind, self.facts, full=full)
        self.outcome = outcome_row(
            self.ctx,
            self.id,
            step.at,
            kind=kind,
            staff_id=staff_id,
            final=step.final,
            language=self.language,
            data=data,
            amount_cents=cents if kind == "refund" else None,
        )
        self.batch.outcomes.append(self.outcome)
        action = "final_response_sent" if step.final else "outcome_sent"
        detail = outcome_audit(self.outcome, None)
        if step.final:
            detail["kept_kind"] = kind == self.first_kind
        self._defer(step.at, "staff", action, detail, staff_id=staff_id)
