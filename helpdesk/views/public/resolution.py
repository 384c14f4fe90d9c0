"""After our outcome, the customer's side (the case opened on the tracking page): "Request a
review" (/track/case/review), "Rate this resolution" (/track/case/rating), and the
replacement file from the signed, expiring link in our email (/download/<token>)."""

from __future__ import annotations

from flask import flash
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from ...extensions import db, limiter
from ...files.downloads import send_stored
from ...forms.outcomes import RatingForm, ReviewForm, show_errors
from ...models import Attachment, Complaint
from ...runtime.links import read_download_token
from ...services.outcome_errors import InvalidInput, OutcomeRefused
from ...services.ratings import rate_resolution
from ...services.review import request_review
from ...web import is_htmx, render
from ...web.tracking import tracked_complaint
from .blueprint import bp, go_to
from .resolution_view import customer_resolution


def _resolution_page(
    complaint: Complaint,
    *,
    review_form: ReviewForm | None = None,
    rating_form: RatingForm | None = None,
) -> ResponseReturnValue:
    """The resolution part again with the form's messages (a page of its own without htmx)."""
    page = render(
        "public/resolution.html",
        block="resolution",
        complaint=complaint,
        resolution=customer_resolution(complaint, review_form, rating_form),
    )
    return page, 200 if is_htmx() else 422


@bp.post("/track/case/review")
@limiter.limit("10/minute;30/hour")
def review() -> ResponseReturnValue:
    """ "Request a review" of our first outcome, with a reason."""
    complaint = tracked_complaint()
    if complaint is None:
        return go_to("public.track")
    form = ReviewForm(prefix="review")
    if not form.validate_on_submit():
        return _resolution_page(complaint, review_form=form)
    try:
        request_review(complaint, form.reason.data or "")
    except InvalidInput as error:
        show_errors(form, error)
        return _resolution_page(complaint, review_form=form)
    except OutcomeRefused as error:
        flash(error.message, "error")
        return go_to("public.case")
    flash(_("Thank you. We have received your request for a review."), "success")
    return go_to("public.case")


@bp.post("/track/case/rating")
@limiter.limit("10/minute;30/hour")
def rating() -> ResponseReturnValue:
    """ "Rate this resolution": 1 to 5 and an optional comment."""
    complaint = tracked_complaint()
    if complaint is None:
        return go_to("public.track")
    form = RatingForm(prefix="rating")
    if not form.validate_on_submit():
        return _resolution_page(complaint, rating_form=form)
    try:
        rate_resolution(
            complaint,
            form.score.data,
            form.comment.data or "",
            handling_score=form.handling_score.data,
        )
    except InvalidInput as error:
        show_errors(form, error)
        return _resolution_page(complaint, rating_form=form)
    except OutcomeRefused as error:
        flash(error.message, "error")
        return go_to("public.case")
    flash(_("Thank you for rating our resolution. Your feedback helps us improve."), "success")
    return go_to("public.case")


@bp.get("/download/<token>")
@limiter.limit("30/minute")
def replacement_download(token: str) -> ResponseReturnValue:
    """A replacement file from a signed link: always a download; expired or tampered → help."""
    found = read_download_token(token)
    attachment = db.session.get(Attachment, found[0]) if found else None
    if (
        found is None
        or attachment is None
        or attachment.stored_name != found[1]
        or attachment.purpose != "replacement"
    ):
        attachment = None
    return send_stored(attachment) or (render("public/download_invalid.html"), 404)
