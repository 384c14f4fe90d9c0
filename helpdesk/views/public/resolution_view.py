"""What the customer's part of the outcome (public/_resolution.html) shows: our decision in
plain words, the replacement-file link, and what they can do next (review, rating, the
dispute bodies after the final response). Built by the views that render it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from flask import url_for

from ...domain.lifecycle import Status
from ...forms.outcomes import RATING_WORDS, RatingForm, ReviewForm
from ...models import Complaint, Outcome, Rating
from ...runtime.links import download_token
from ...services.dispute_bodies import DeadlockNotice, dispute_notice
from ...services.outcomes import first_and_final
from ...services.ratings import can_change_rating, can_rate, current_rating
from ...services.review import can_request_review, review_possible_until
from ..outcome_facts import outcome_facts


@dataclass
class CustomerResolution:
    """The customer's view: our outcome in plain words and what they can do next. The
    review and rating forms are built when the page shows them (most pages show neither)."""

    complaint: Complaint
    first: Outcome | None
    final: Outcome | None
    #: Each sent outcome's facts in plain words, by the outcome's id.
    facts: dict[int, list[tuple[str, str]]]
    download_url: str | None
    can_review: bool
    review_until: datetime | None
    can_rate: bool
    rating: Rating | None
    can_change_rating: bool
    rating_words: str  # the answer about the outcome, in words
    handling_words: str  # the answer about the handling ("" for a rating from before it)
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
    """Everything public/_resolution.html shows for this complaint (`review_form` and
    `rating_form`: a posted form shown again with its messages)."""
    first, final = first_and_final(complaint)
    latest = final or first
    link = None
    if latest is not None and latest.attachment is not None and complaint.status != Status.CLOSED:
        # A fresh signed link on every visit while the case is open: an old one may expire.
        link = url_for("public.replacement_download", token=download_token(latest.attachment))
    rating = current_rating(complaint)
    return CustomerResolution(
        complaint=complaint,
        first=first,
        final=final,
        facts={sent.id: outcome_facts(sent) for sent in (first, final) if sent is not None},
        download_url=link,
        can_review=can_request_review(complaint),
        review_until=review_possible_until(complaint),
        can_rate=can_rate(complaint),
        rating=rating,
        can_change_rating=rating is not None and can_change_rating(rating),
        rating_words=str(RATING_WORDS.get(rating.score, "")) if rating is not None else "",
        handling_words=_words(rating.handling_score) if rating is not None else "",
        dispute_notice=dispute_notice(complaint) if final else None,
        posted_review=review_form,
        posted_rating=rating_form,
    )


def _words(score: int | None) -> str:
    """A rating's score in words ("4 – Satisfied"), "" without one."""
    return str(RATING_WORDS[score]) if score in RATING_WORDS else ""
