"""What the outcome, review and resolution partials show, gathered in one place per partial.

The partials are included on pages other engineers render (the staff case page and the
customer's tracking page) with only `complaint` (and `staff`) in their context; they call
these helpers, registered as template globals by the resolution and manager blueprints.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from flask import url_for
from flask_babel import gettext as _

from ..domain.lifecycle import Status
from ..domain.outcomes import OutcomeKind
from ..forms.outcomes import RATING_WORDS, OutcomeForm, RatingForm, ReviewForm
from ..models import Complaint, Outcome, Rating, Staff
from ..runtime.links import download_token
from ..services.dispute_bodies import DeadlockNotice, dispute_notice
from ..services.outcomes import (
    OUTCOME_FROM,
    final_outcome,
    first_and_final,
    first_outcome,
    format_amount,
)
from ..services.ratings import can_change_rating, can_rate, current_rating
from ..services.review import can_request_review, review_possible_until
from ..services.root_causes import label as root_cause_words
from ..services.templates import prefill_text
from ..web import select_locale_cached
from ..words import labels


def kinds() -> list[tuple[str, str]]:
    """(key, button label) for the five outcome kinds, in the policy's order."""
    return [(kind.value, labels.outcome_label(kind.value)) for kind in OutcomeKind]


def outcome_facts(outcome: Outcome, language: str | None = None) -> list[tuple[str, str]]:
    """The facts of an outcome in plain words: (label, value) pairs."""
    language = language or select_locale_cached()
    facts: list[tuple[str, str]] = []
    data = outcome.data or {}
    if outcome.amount_cents is not None:
        how = _("full refund") if data.get("full") else _("partial refund")
        facts.append((_("Refund"), f"{format_amount(outcome.amount_cents, language)} ({how})"))
    for key, label in (
        ("items", _("Items sent")),
        ("carrier", _("Carrier")),
        ("tracking_number", _("Tracking number")),
    ):
        if data.get(key):
            facts.append((label, str(data[key])))
    if outcome.attachment is not None:
        facts.append((_("Replacement file"), outcome.attachment.original_name))
    return facts


def outcome_root_cause(outcome: Outcome) -> list[tuple[str, str]]:
    """Why it happened, for staff: the root cause and its note as (label, value) pairs."""
    cause = outcome.root_cause
    if cause is None:
        return []
    facts = [(_("Root cause"), root_cause_words(cause))]
    if outcome.root_cause_note:
        facts.append((_("Root cause note"), outcome.root_cause_note))
    return facts


@dataclass
class OutcomePanel:
    """The staff case page's outcome panel."""

    complaint: Complaint
    first: Outcome | None
    final: Outcome | None
    can_give: bool
    kinds: list[tuple[str, str]]


def outcome_panel(complaint: Complaint) -> OutcomePanel:
    """The sent outcomes, or whether (and which) outcome buttons are offered."""
    first = first_outcome(complaint)
    can_give = first is None and Status(complaint.status) in OUTCOME_FROM
    return OutcomePanel(complaint, first, final_outcome(complaint), can_give, kinds())


@dataclass
class ReviewPanel:
    """The staff case page's review panel (its mediation part: views.mediation_panel)."""

    complaint: Complaint
    first: Outcome | None
    final: Outcome | None
    is_manager: bool
    gave_first: bool
    open: bool
    kinds: list[tuple[str, str]]
    final_form: OutcomeForm | None
    final_kind: str | None


def final_form_for(complaint: Complaint, kind: OutcomeKind, first: Outcome | None) -> OutcomeForm:
    """A fresh final-response form: the kind's template, the first outcome's facts if kept."""
    form = OutcomeForm(prefix="final", formdata=None)
    form.body.data = prefill_text(kind, complaint)
    if first is not None and first.root_cause is not None:
        form.root_cause.data = first.root_cause.key  # the reviewer may correct it
    if first is not None and first.kind == kind.value:
        data = first.data or {}
        for name in ("items", "carrier", "tracking_number"):
            getattr(form, name).data = data.get(name, "")
        if first.amount_cents is not None:
            form.amount.data = f"{first.amount_cents / 100:.2f}"
            form.refund_type.data = "full" if data.get("full") else "partial"
    form.show_current(complaint)
    return form


def review_panel(
    complaint: Complaint,
    staff: Any,
    final_form: OutcomeForm | None = None,
) -> ReviewPanel:
    """Who may send the final response, with a form ready for them."""
    member: Staff | None = getattr(staff, "staff", staff)
    first, final = first_and_final(complaint)
    is_manager = bool(member is not None and member.is_manager)
    gave_first = bool(member is not None and first is not None and first.staff_id == member.id)
    is_open = complaint.status == Status.REVIEW_REQUESTED and final is None
    # The form opens on the first outcome's kind ("Keep"); the buttons switch to another kind.
    kept = OutcomeKind(first.kind) if first is not None else OutcomeKind.CORRECTION
    final_kind = kept.value
    if is_open and is_manager and not gave_first and final_form is None:
        final_form = final_form_for(complaint, kept, first)
    return ReviewPanel(
        complaint, first, final, is_manager, gave_first, is_open, kinds(),
        final_form if is_open and is_manager and not gave_first else None, final_kind,
    )  # fmt: skip


@dataclass
class CustomerResolution:
    """The customer's view: our outcome in plain words and what they can do next. The
    review and rating forms are built when the page shows them (most pages show neither)."""

    complaint: Complaint
    first: Outcome | None
    final: Outcome | None
    download_url: str | None
    can_review: bool
    review_until: datetime | None
    can_rate: bool
    rating: Rating | None
    can_change_rating: bool
    rating_words: str
    dispute_notice: DeadlockNotice | None
    posted_review: ReviewForm | None = None
    posted_rating: RatingForm | None = None

    @cached_property
    def review_form(self) -> ReviewForm:
        """The review form as posted, else an empty one."""
        return self.posted_review or ReviewForm(prefix="review", formdata=None)

    @cached_property
    def rating_form(self) -> RatingForm:
        """The rating form as posted, else one holding the current rating (if any)."""
        if self.posted_rating is not None:
            return self.posted_rating
        form = RatingForm(prefix="rating", formdata=None)
        if self.rating is not None:
            form.score.data, form.comment.data = self.rating.score, self.rating.comment
            form.handling_score.data = self.rating.handling_score
        return form


def customer_resolution(
    complaint: Complaint,
    review_form: ReviewForm | None = None,
    rating_form: RatingForm | None = None,
) -> CustomerResolution:
    """Everything public/_resolution.html shows for this complaint."""
    first, final = first_and_final(complaint)
    latest = final or first
    link = None
    if latest is not None and latest.attachment is not None and complaint.status != Status.CLOSED:
        # A fresh signed link on every visit while the case is open: an old one may expire.
        link = url_for("resolution.download", token=download_token(latest.attachment))
    rating = current_rating(complaint)
    return CustomerResolution(
        complaint=complaint,
        first=first,
        final=final,
        download_url=link,
        can_review=can_request_review(complaint),
        review_until=review_possible_until(complaint),
        can_rate=can_rate(complaint),
        rating=rating,
        can_change_rating=rating is not None and can_change_rating(rating),
        rating_words=str(RATING_WORDS.get(rating.score, "")) if rating is not None else "",
        dispute_notice=dispute_notice(complaint) if final else None,
        posted_review=review_form,
        posted_rating=rating_form,
    )
