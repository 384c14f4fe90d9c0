"""Review requests and the final response (policy clause 5): the list of complaints waiting
for one (/staff/manage/reviews) and the final-response form on a case
(/staff/manage/complaints/<reference>/final/<kind>); four-eyes: never by the manager who
gave the first outcome."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from ...domain.outcomes import OutcomeKind
from ...forms.outcomes import OutcomeForm
from ...models import Complaint
from ...models.types import utcnow
from ...services.badges import Words, clock_badges
from ...services.review import first_outcomes_for, list_review_requests, send_final_response
from ...web import is_htmx, render
from ...web.auth import current_staff, manager_required
from ..staff.blueprint import case_complaint
from ..staff.outcomes import outcome_kind, submit_outcome_form
from ..staff.panels import ReviewPanel, final_form_for, review_panel
from .blueprint import bp


@bp.get("/manage/reviews")
@manager_required
def reviews() -> ResponseReturnValue:
    """Every complaint waiting for a final response, the one due first on top, with its
    response clock (overdue ones flagged)."""
    waiting = list_review_requests()
    now, words = utcnow(), Words()
    return render(
        "manager/reviews.html",
        complaints=waiting,
        first=first_outcomes_for(waiting),
        clocks={c.id: clock_badges(c, now, words)[1] for c in waiting},
        me=current_staff(),
    )


def final_page(
    complaint: Complaint, kind: OutcomeKind, form: OutcomeForm, *, status: int = 200, **extra: Any
) -> ResponseReturnValue:
    """The final-response form: a page of its own, or only the form for htmx."""
    panel = review_panel(complaint, current_staff(), final_form=form)
    blocked = extra.pop("blocked", None)
    if blocked is None and panel.final_form is None:
        blocked = panel_refusal(panel)
    page = render(
        "staff/outcome.html",
        block="outcome_form",
        complaint=complaint,
        kind=kind.value,
        outcome_form=form,
        action=url_for("manager.send_final", reference=complaint.reference, kind=kind.value),
        final=True,
        target="final-form",
        keep_file=panel.first.attachment if panel.first else None,
        blocked=blocked,
        **extra,
    )
    return page, 200 if is_htmx() else status


def panel_refusal(panel: ReviewPanel) -> str:
    """Why no final-response form is offered."""
    if panel.final is not None:
        return str(_("A final response was already sent."))
    if panel.gave_first:
        return str(
            _(
                "You gave the first outcome, so another manager must handle this review "
                "(four-eyes rule)."
            )
        )
    return str(_("A final response is given only after the customer asked for a review."))


@bp.get("/manage/complaints/<reference>/final/<kind>")
@manager_required
def final_form(reference: str, kind: str) -> ResponseReturnValue:
    """Re-evaluate: the form for keeping the outcome kind or choosing another."""
    complaint = case_complaint(reference)
    chosen = outcome_kind(kind)
    panel = review_panel(complaint, current_staff())
    return final_page(complaint, chosen, final_form_for(complaint, chosen, panel.first))


@bp.post("/manage/complaints/<reference>/final/<kind>")
@manager_required
def send_final(reference: str, kind: str) -> ResponseReturnValue:
    """ "Send final response" (four-eyes: never by the manager who gave the first outcome)."""
    return submit_outcome_form(
        reference,
        kind,
        prefix="final",
        send=send_final_response,
        page=final_page,
        sent_message=_("The final response was sent to the customer."),
    )
