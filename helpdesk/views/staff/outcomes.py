"""Resolving a complaint: staff give the outcome; the customer reviews, rates and downloads.

Staff: /staff/complaints/<reference>/outcome/<kind> (GET fills the form from the template,
POST sends it). Customers (the case opened on the tracking page): "Request a review",
"Rate this resolution", and /download/<token> for a replacement file (signed, expiring,
always a download). The partials on other people's pages (staff/_outcome_panel.html,
public/_resolution.html) get their data from the helpers registered at the bottom.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from ..domain.outcomes import OutcomeKind, parse_kind
from ..extensions import db, limiter
from ..files.downloads import send_attachment, stored_file
from ..forms.outcomes import OutcomeForm, RatingForm, ReviewForm, show_errors
from ..models import Attachment, Complaint
from ..runtime.links import read_download_token
from ..services.casework import StaleEdit, get_case
from ..services.outcome_errors import InvalidInput, OutcomeRefused
from ..services.outcomes import give_outcome
from ..services.ratings import rate_resolution
from ..services.review import request_review
from ..services.templates import prefill_text
from ..web import is_htmx, render
from ..web.auth import current_staff, staff_required
from ..web.tracking import tracked_complaint
from .resolution_panels import (
    customer_resolution,
    outcome_facts,
    outcome_panel,
    outcome_root_cause,
    review_panel,
)

bp = Blueprint("resolution", __name__)


def go(target: str) -> ResponseReturnValue:
    """Redirect after a POST; htmx is told to load the whole page (its status changed)."""
    if is_htmx():
        return Response(status=204, headers={"HX-Redirect": target})
    return redirect(target, code=303)


def case_complaint(reference: str) -> Complaint:
    """The complaint of a staff URL, else 404."""
    return get_case(reference) or abort(404)


def outcome_kind(kind: str) -> OutcomeKind:
    """The kind of a URL, else 404."""
    return parse_kind(kind) or abort(404)


def outcome_page(
    complaint: Complaint, kind: OutcomeKind, form: OutcomeForm, *, status: int = 200, **extra: Any
) -> ResponseReturnValue:
    """The outcome form: a whole page, or only the form for htmx (which swaps only a 200)."""
    action = url_for("resolution.send_outcome", reference=complaint.reference, kind=kind.value)
    page = render(
        "resolution/outcome.html",
        block="outcome_form",
        complaint=complaint,
        kind=kind.value,
        outcome_form=form,
        action=action,
        final=False,
        target="outcome-form",
        **extra,
    )
    return page, 200 if is_htmx() else status


@bp.get("/staff/complaints/<reference>/outcome/<kind>")
@staff_required
def outcome_form(reference: str, kind: str) -> ResponseReturnValue:
    """One click: the response text filled from the template in the customer's language."""
    complaint = case_complaint(reference)
    chosen = outcome_kind(kind)
    form = OutcomeForm(prefix="outcome", formdata=None)
    form.body.data = prefill_text(chosen, complaint)
    form.show_current(complaint)
    blocked = None if outcome_panel(complaint).can_give else _("An outcome was already sent.")
    return outcome_page(complaint, chosen, form, blocked=blocked)


@bp.post("/staff/complaints/<reference>/outcome/<kind>")
@staff_required
def send_outcome(reference: str, kind: str) -> ResponseReturnValue:
    """One more click: "Send outcome" (refused, with the draft kept, when it cannot be sent)."""
    return submit_outcome_form(
        reference,
        kind,
        prefix="outcome",
        send=give_outcome,
        page=outcome_page,
        sent_message=_("The outcome was sent to the customer."),
    )


def submit_outcome_form(
    reference: str,
    kind: str,
    *,
    prefix: str,
    send: Callable[..., object],
    page: Callable[..., ResponseReturnValue],
    sent_message: str,
) -> ResponseReturnValue:
    """Validate an outcome form and `send` it; every refusal shows the form again, draft kept.

    Shared by "Send outcome" and "Send final response": only the service, the page and the
    message differ.
    """
    complaint = case_complaint(reference)
    chosen = outcome_kind(kind)
    form = OutcomeForm(prefix=prefix)
    if not form.validate_on_submit():
        form.show_current(complaint)
        return page(complaint, chosen, form, status=400)
    dropped = bool(form.file.data)
    try:
        send(complaint, current_staff(), form.to_input(chosen), seen=form.seen_value())
    except InvalidInput as error:
        show_errors(form, error)
        return page(complaint, chosen, form, status=422, file_dropped=dropped)
    except StaleEdit as error:
        form.form_errors.append(error.message)
        form.show_current(case_complaint(reference))
        return page(complaint, chosen, form, status=409, file_dropped=dropped)
    except OutcomeRefused as error:
        return page(case_complaint(reference), chosen, form, status=409, blocked=error.message)
    flash(sent_message, "success")
    return go(url_for("staff.case", reference=complaint.reference))


# --- the customer's side -----------------------------------------------------------------


def customer_page(complaint: Complaint, **forms: Any) -> ResponseReturnValue:
    """The resolution part again with the form's messages (a page of its own without htmx)."""
    page = render("resolution/case.html", block="resolution", complaint=complaint, **forms)
    return page, 200 if is_htmx() else 422


def opened_case() -> Complaint | None:
    """The complaint the visitor opened on the tracking page."""
    return tracked_complaint()


@bp.post("/track/case/review")
@limiter.limit("10/minute;30/hour")
def review() -> ResponseReturnValue:
    """ "Request a review" of our first outcome, with a reason."""
    complaint = opened_case()
    if complaint is None:
        return go(url_for("public.track"))
    form = ReviewForm(prefix="review")
    if not form.validate_on_submit():
        return customer_page(complaint, review_form=form)
    try:
        request_review(complaint, form.reason.data or "")
    except InvalidInput as error:
        show_errors(form, error)
        return customer_page(complaint, review_form=form)
    except OutcomeRefused as error:
        flash(error.message, "error")
        return go(url_for("public.case"))
    flash(_("Thank you. We have received your request for a review."), "success")
    return go(url_for("public.case"))


@bp.post("/track/case/rating")
@limiter.limit("10/minute;30/hour")
def rating() -> ResponseReturnValue:
    """ "Rate this resolution": 1 to 5 and an optional comment."""
    complaint = opened_case()
    if complaint is None:
        return go(url_for("public.track"))
    form = RatingForm(prefix="rating")
    if not form.validate_on_submit():
        return customer_page(complaint, rating_form=form)
    try:
        rate_resolution(
            complaint,
            form.score.data,
            form.comment.data or "",
            handling_score=form.handling_score.data,
        )
    except InvalidInput as error:
        show_errors(form, error)
        return customer_page(complaint, rating_form=form)
    except OutcomeRefused as error:
        flash(error.message, "error")
        return go(url_for("public.case"))
    flash(_("Thank you for rating our resolution. Your feedback helps us improve."), "success")
    return go(url_for("public.case"))


@bp.get("/download/<token>")
@limiter.limit("30/minute")
def download(token: str) -> ResponseReturnValue:
    """A replacement file from a signed link: always a download; expired or tampered → help."""
    found = read_download_token(token)
    attachment = db.session.get(Attachment, found[0]) if found else None
    path = stored_file(attachment) if attachment is not None else None
    if (
        found is None
        or attachment is None
        or attachment.stored_name != found[1]
        or attachment.purpose != "replacement"
        or path is None
    ):
        return render("resolution/download_invalid.html"), 404
    return send_attachment(attachment, path)


@bp.after_request
def _no_store(response: Response) -> Response:
    """Pages with a customer's case or a staff draft are never kept in shared caches."""
    response.headers.setdefault("Cache-Control", "private, no-store")
    return response


@bp.app_context_processor
def _panel_helpers() -> dict[str, Any]:
    """What staff/_outcome_panel.html and public/_resolution.html call to get their data."""
    return {
        "outcome_panel": outcome_panel,
        "review_panel": review_panel,
        "outcome_facts": outcome_facts,
        "outcome_root_cause": outcome_root_cause,
        "resolution_view": customer_resolution,
    }
