"""Referrals to a dispute body on a case (/staff/manage/complaints/<reference>/mediation...):
record one, correct it, record the shop's reply, the decision and whether the shop carried
it out. Managers only (agents get 403, and see the panel without its forms); a referral of
another complaint is a 404.

A success goes back to the case page (htmx reloads it); a refusal shows the mediation
panel with the typed text and the messages: the fragment for htmx, else a page of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from ...forms.mediation import ReferralForm, typed_date
from ...forms.outcomes import show_errors
from ...models import Complaint, Referral, Staff
from ...services import mediation
from ...services.casework import StaleEdit
from ...services.outcome_errors import InvalidInput, OutcomeRefused
from ...web import is_htmx, render
from ...web.auth import current_staff, manager_required
from ..redirects import go
from ..staff.blueprint import case_complaint
from ..staff.mediation_panel import REFERRAL_FORMS, Posted, form_prefix, mediation_panel
from .blueprint import bp


@bp.post("/manage/complaints/<reference>/mediation")
@manager_required
def record_referral(reference: str) -> ResponseReturnValue:
    """ "Record referral": the body, the date, their reference, our reply deadline."""
    complaint = case_complaint(reference)
    form = ReferralForm(prefix="mediation")
    posted = Posted("new", None, form)
    if not form.validate_on_submit() or not _dates_read(form, optional=("reply_due_on",)):
        return _panel_page(complaint, posted)
    try:
        mediation.record_referral(complaint, current_staff(), **_details(form))
    except StaleEdit as error:
        form.form_errors.append(error.message)
        return _panel_page(complaint, posted, status=409)
    except OutcomeRefused as error:
        return _refused(complaint, posted, error)
    body = (form.body.data or "").strip()
    flash(_("The referral to %(body)s is recorded.", body=body), "success")
    return go(url_for("staff.case", reference=complaint.reference))


@bp.post("/manage/complaints/<reference>/mediation/<int:referral_id>/<action>")
@manager_required
def change_referral(reference: str, referral_id: int, action: str) -> ResponseReturnValue:
    """Correct the details, or record the reply, the decision or the compliance."""
    complaint = case_complaint(reference)
    referral = mediation.get_referral(complaint, referral_id)
    if referral is None or action not in REFERRAL_FORMS:
        abort(404)
    form = REFERRAL_FORMS[action](prefix=form_prefix(action, referral.id))
    posted = Posted(action, referral.id, form)
    if not form.validate_on_submit() or not _dates_read(form):
        return _panel_page(complaint, posted)
    try:
        _CHANGES[action](referral, current_staff(), form)
    except StaleEdit as error:
        form.form_errors.append(error.message)
        form.show_current(referral)
        return _panel_page(complaint, posted, status=409)
    except OutcomeRefused as error:
        return _refused(complaint, posted, error)
    flash(str(_DONE[action]()), "success")
    return go(url_for("staff.case", reference=complaint.reference))


def _edit(referral: Referral, staff: Staff, form: Any) -> None:
    mediation.update_referral(referral, staff, version=form.version_seen(), **_details(form))


def _reply(referral: Referral, staff: Staff, form: Any) -> None:
    mediation.record_reply(
        referral, staff, replied_on=typed_date(form.replied_on), version=form.version_seen()
    )


def _decision(referral: Referral, staff: Staff, form: Any) -> None:
    mediation.record_decision(
        referral,
        staff,
        decision=form.decision.data,
        decided_on=typed_date(form.decided_on),
        note=form.decision_note.data or "",
        version=form.version_seen(),
    )


def _compliance(referral: Referral, staff: Staff, form: Any) -> None:
    mediation.record_compliance(
        referral,
        staff,
        complied=form.complied_value(),
        complied_on=typed_date(form.complied_on),
        version=form.version_seen(),
    )


_CHANGES: dict[str, Callable[[Referral, Staff, Any], None]] = {
    "edit": _edit,
    "reply": _reply,
    "decision": _decision,
    "compliance": _compliance,
}
_DONE: dict[str, Callable[[], str]] = {
    "edit": lambda: _("The referral is corrected."),
    "reply": lambda: _("Our reply to the dispute body is recorded."),
    "decision": lambda: _("The decision is recorded."),
    "compliance": lambda: _("Whether the shop carried out the decision is recorded."),
}


def _details(form: ReferralForm) -> dict[str, Any]:
    """The referral's details as the services take them."""
    return {
        "body": form.body.data or "",
        "referred_on": typed_date(form.referred_on),
        "body_reference": form.body_reference.data or "",
        "reply_due_on": typed_date(form.reply_due_on),
        "note": form.note.data or "",
    }


def _dates_read(form: Any, optional: tuple[str, ...] = ()) -> bool:
    """False (with a message next to the field) when an optional date was typed but is no
    date; the services name missing and impossible dates themselves."""
    for name in optional:
        field = getattr(form, name)
        if (field.data or "").strip() and typed_date(field) is None:
            field.errors = [*list(field.errors or []), _("Enter a date (YYYY-MM-DD).")]
            return False
    return True


def _refused(complaint: Complaint, posted: Posted, error: OutcomeRefused) -> ResponseReturnValue:
    """The panel with the service's messages beside the fields (or above the form)."""
    if isinstance(error, InvalidInput):
        show_errors(posted.form, error)
    else:
        posted.form.form_errors.append(error.message)
    return _panel_page(complaint, posted)


def _panel_page(complaint: Complaint, posted: Posted, *, status: int = 422) -> ResponseReturnValue:
    """The mediation panel with the posted form: its fragment for htmx, else its own page."""
    page = render(
        "manager/mediation.html",
        block="mediation",
        complaint=complaint,
        mediation=mediation_panel(complaint, current_staff(), posted),
    )
    return page, 200 if is_htmx() else status
