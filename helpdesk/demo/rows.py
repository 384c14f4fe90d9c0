"""One demo complaint as table rows: the complaint, its messages, attachments, audit events,
outcomes and rating, plus the files to write. Ids are given here so children can point to
their parents without a round trip to the database (the seeder allocates them)."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..domain.reference import generate_reference
from .clocks import replay
from .files import Sample, evidence_samples, replacement_sample, stored_name
from .story import (
    STEP_ASSIGN,
    STEP_MESSAGE,
    STEP_OUTCOME,
    STEP_RATING,
    STEP_STATUS,
    Step,
    Story,
)
from .text import Writer, pick_outcome
from .vocab import facts as draw_facts

Row = dict[str, Any]
CATEGORY_WEIGHTS = {
    "physical": 36,
    "digital": 20,
    "billing": 15,
    "account": 10,
    "website": 9,
    "other": 10,
}
#: Audit actions for messages (status changes have their own "status_changed" events).
MESSAGE_ACTIONS = {
    "reply": "replied",
    "info_request": "information_requested",
    "note": "note_added",
    "message": "customer_message",
    "review_request": "review_requested",
}


@dataclass
class Batch:
    """Rows for a chunk of complaints, in insert order, and the files they need."""

    complaints: list[Row] = field(default_factory=list)
    messages: list[Row] = field(default_factory=list)
    attachments: list[Row] = field(default_factory=list)
    outcomes: list[Row] = field(default_factory=list)
    events: list[Row] = field(default_factory=list)
    ratings: list[Row] = field(default_factory=list)
    files: list[tuple[str, bytes]] = field(default_factory=list)


@dataclass
class Ids:
    """The next free id of the tables whose ids children refer to."""

    message: int
    attachment: int


@dataclass
class Context:
    """What every complaint of a run shares."""

    staff_ids: dict[str, int]
    shop: str
    seed: int
    ids: Ids
    references: set[str]


class ComplaintBuilder:
    """Turns one story into rows (one builder per complaint)."""

    def __init__(self, ctx: Context, batch: Batch, complaint_id: int, rng: random.Random) -> None:
        self.ctx, self.batch, self.id, self.rng = ctx, batch, complaint_id, rng

    def build(self, story: Story, cal: Any, tz: Any) -> None:
        """Add the rows of this complaint to the batch."""
        rng = self.rng
        category = rng.choices(list(CATEGORY_WEIGHTS), weights=list(CATEGORY_WEIGHTS.values()))[0]
        language = "nl" if rng.random() < 0.55 else "en"
        self.channel = "email" if rng.random() < 0.3 else "web"
        self.facts = draw_facts(rng, category, language, story.received_at)
        self.writer = Writer(rng, language, self.facts, self.ctx.shop)
        self.language, self.category = language, category
        self.description = self.writer.description(category)
        self.outcome_kind = pick_outcome(rng, category)
        self.full_refund = rng.random() < 0.7
        self.final_kind = self.outcome_kind
        self.message_count = 0
        self.status = "received"
        self.pending_outcome: Row | None = None
        self.replacement_id: int | None = None
        self.review_reason: str | None = None
        self.assignee: int | None = None
        self.customer_at = story.received_at
        self._event(story.received_at, "customer", None, "submitted", {"channel": self.channel})
        for step in story.steps:
            self._step(step)
        self._complaint(story, replay(story, cal, tz))

    def _complaint(self, story: Story, clocks: Any) -> None:
        reference = generate_reference()
        while reference in self.ctx.references:
            reference = generate_reference()
        self.ctx.references.add(reference)
        facts = self.facts
        self.batch.complaints.append(
            {
                "id": self.id,
                "reference": reference,
                "submission_token": None,
                "name": facts["name"],
                "email": facts["email"],
                "email_normalized": facts["email"].strip().lower(),
                "order_number": facts["order"] or None,
                "category": self.category,
                "description": self.description,
                "language": self.language,
                "channel": self.channel,
                "received_at": story.received_at,
                "review_reason": self.review_reason,
                "last_activity_at": story.last_at,
                "last_customer_message_at": self.customer_at,
                "assignee_id": self.assignee,
                "version": 1,
                **clocks.columns(),
            }
        )

    def _staff_id(self, step: Step) -> int | None:
        return self.ctx.staff_ids[step.staff] if step.staff else None

    def _event(
        self,
        at: datetime,
        actor: str,
        staff_id: int | None,
        action: str,
        detail: dict[str, Any],
        from_status: str | None = None,
        to_status: str | None = None,
    ) -> None:
        self.batch.events.append(
            {
                "complaint_id": self.id,
                "at": at,
                "actor": actor,
                "staff_id": staff_id,
                "action": action,
                "from_status": from_status,
                "to_status": to_status,
                "detail": detail,
            }
        )

    def _step(self, step: Step) -> None:
        staff_id = self._staff_id(step)
        if step.what == STEP_STATUS and step.status is not None:
            before = self.status
            self.status = step.status.value
            self._event(
                step.at,
                step.actor,
                staff_id,
                "status_changed",
                {"reason": step.cause},
                before,
                self.status,
            )
        elif step.what == STEP_MESSAGE:
            self._message(step, staff_id)
        elif step.what == STEP_OUTCOME:
            self._outcome(step, staff_id)
        elif step.what == STEP_RATING:
            score = self.rng.choices([5, 4, 3, 2, 1], weights=self._rating_weights())[0]
            self.batch.ratings.append(
                {
                    "complaint_id": self.id,
                    "score": score,
                    "created_at": step.at,
                    "comment": self.writer.rating_comment(score),
                }
            )
            self._event(step.at, "customer", None, "rated", {"score": score})
        elif step.what == STEP_ASSIGN:
            self.assignee = staff_id
            self._event(step.at, "staff", staff_id, "assigned", {"assignee_id": staff_id})

    def _rating_weights(self) -> list[int]:
        return [10, 15, 25, 25, 25] if self.review_reason else [42, 30, 14, 8, 6]

    def _text(self, kind: str, staff: str) -> str:
        """The body of a message of `kind` (not the first one, which is the description)."""
        writer = self.writer
        if kind == "reply":
            return writer.reply(staff)
        if kind == "info_request":
            return writer.info_request(staff)
        if kind == "note":
            return writer.note()
        if kind == "outcome":
            return writer.outcome(self.outcome_kind, staff, full_refund=self.full_refund)
        if kind == "review_request":
            return writer.review_reason()
        if kind == "final_response":
            return writer.final(staff, changed=self.final_kind != self.outcome_kind)
        return writer.answer()

    def _message(self, step: Step, staff_id: int | None) -> None:
        kind, customer = step.kind, step.actor == "customer"
        first = self.message_count == 0
        self.message_count += 1
        body = self.description if first else self._text(kind, step.staff or "agent")
        message_id = self.ctx.ids.message
        self.ctx.ids.message += 1
        via = self.channel if customer else "web"
        self.batch.messages.append(
            {
                "id": message_id,
                "complaint_id": self.id,
                "author": step.actor,
                "staff_id": staff_id,
                "kind": kind,
                "body": body,
                "internal": step.internal,
                "via": via,
                "email_message_id": self._email_id(message_id) if via == "email" else None,
                "created_at": step.at,
            }
        )
        if customer:
            self.customer_at = step.at
        if kind == "review_request":
            self.review_reason = body
        if kind in MESSAGE_ACTIONS and not first:
            self._event(step.at, step.actor, staff_id, MESSAGE_ACTIONS[kind], {})
        if customer and kind == "message" and self._wants_evidence(first):
            self._attach(step, message_id, self.rng.choice(evidence_samples()), "evidence")
        if kind in ("outcome", "final_response") and self.pending_outcome is not None:
            self.pending_outcome["body"] = body
            if self.pending_outcome["kind"] == "replacement_file":
                if self.replacement_id is None:
                    sample = replacement_sample(self.facts["file"])
                    self.replacement_id = self._attach(step, message_id, sample, "replacement")
                self.pending_outcome["attachment_id"] = self.replacement_id

    def _email_id(self, message_id: int) -> str:
        digest = hashlib.sha256(f"{self.ctx.seed}:{message_id}".encode()).hexdigest()[:16]
        return f"<demo.{message_id}.{digest}@{self.facts['email'].rpartition('@')[2].lower()}>"

    def _wants_evidence(self, first: bool) -> bool:
        if self.category not in ("physical", "digital", "billing", "website"):
            return False
        chance = 0.2 if first and self.category == "physical" else 0.0 if first else 0.3
        return self.rng.random() < chance

    def _attach(self, step: Step, message_id: int, sample: Sample, purpose: str) -> int:
        attachment_id = self.ctx.ids.attachment
        self.ctx.ids.attachment += 1
        name = stored_name(f"{self.ctx.seed}:{attachment_id}:{self.id}", sample)
        self.batch.files.append((name, sample.data))
        self.batch.attachments.append(
            {
                "id": attachment_id,
                "complaint_id": self.id,
                "message_id": message_id,
                "original_name": sample.name,
                "stored_name": name,
                "content_type": sample.content_type,
                "size": len(sample.data),
                "sha256": hashlib.sha256(sample.data).hexdigest(),
                "uploaded_by": "customer" if step.actor == "customer" else "staff",
                "purpose": purpose,
                "created_at": step.at,
            }
        )
        return attachment_id

    def _outcome(self, step: Step, staff_id: int | None) -> None:
        if step.final:
            changed = self.rng.random() < 0.4 and self.outcome_kind != "refund"
            self.final_kind = "refund" if changed else self.outcome_kind
            kind, full = self.final_kind, True if changed else self.full_refund
        else:
            kind, full = self.outcome_kind, self.full_refund
        cents = int(self.facts["cents"]) if full else max(int(self.facts["cents"]) // 4, 500)
        data: dict[str, Any] = {}
        if kind == "replacement_product":
            data = {
                "items": f"1 × {self.facts['product']}",
                "carrier": self.facts["carrier"],
                "tracking_number": self.facts["tracking"],
            }
        elif kind == "refund":
            data = {"full": full}
        row = {
            "complaint_id": self.id,
            "kind": kind,
            "staff_id": staff_id,
            "is_final": step.final,
            "language": self.language,
            "body": "",
            "data": data,
            "amount_cents": cents if kind == "refund" else None,
            "attachment_id": None,
            "sent_at": step.at,
        }
        self.batch.outcomes.append(row)
        self.pending_outcome = row
        action = "final_response_sent" if step.final else "outcome_sent"
        self._event(step.at, "staff", staff_id, action, {"kind": kind})
