"""Giving the outcome: /staff/complaints/<reference>/outcome/<kind> (GET fills the form from
the kind's template in the customer's language, POST sends it). Any member of staff.

`submit_outcome_form` is shared with the manager's "Send final response" (views/manager/
reviews.py): only the service, the page and the message differ.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from ...domain.outcomes import OutcomeKind, parse_kind
from ...forms.outcomes import OutcomeForm, show_errors
from ...models import Complaint
from ...services.casework import StaleEdit
from ...services.outcome_errors import InvalidInput, OutcomeRefused
from ...services.outcomes import give_outcome
from ...services.templates import prefill_text
from ...web import is_htmx, render
from ...web.auth import current_staff, staff_required
from ..redirects import go
from .blueprint import bp, case_complaint
from .panels import outcome_panel


def outcome_kind(kind: str) -> OutcomeKind:
    """The kind of a URL, else 404."""
    return parse_kind(kind) or abort(404)


def outcome_page(
    complaint: Complaint, kind: OutcomeKind, form: OutcomeForm, *, status: int = 200, **extra: Any
) -> ResponseReturnValue:
    """The outcome form: a whole page, or only the form for htmx (which swaps only a 200)."""
    action = url_for("staff.send_outcome", reference=complaint.reference, kind=kind.value)
    page = render(
        "staff/outcome.html",
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


@bp.get("/complaints/<reference>/outcome/<kind>")
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


@bp.post("/complaints/<reference>/outcome/<kind>")
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
