"""Managers' pages under /staff/manage: review requests, the final response, the outcome
templates, and (views.mediation) referrals to a dispute body. Every route needs a manager
(agents get 403)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from ..domain.outcomes import PLACEHOLDERS, OutcomeKind
from ..forms.outcomes import OutcomeForm, TemplateForm
from ..models import Complaint
from ..services.review import (
    first_outcomes_for,
    list_review_requests,
    send_final_response,
)
from ..services.templates import (
    StaleTemplate,
    TemplateEdit,
    TemplateInvalid,
    get_template,
    languages,
    list_templates,
    preview_text,
    update_template,
)
from ..web import is_htmx, render
from ..web.auth import current_staff, manager_required
from . import mediation
from .resolution import case_complaint, go, outcome_kind, submit_outcome_form
from .resolution_panels import ReviewPanel, final_form_for, review_panel

bp = Blueprint("manager", __name__, url_prefix="/staff/manage")
bp.register_blueprint(mediation.bp)


@bp.get("/reviews")
@manager_required
def reviews() -> ResponseReturnValue:
    """Every complaint waiting for a final response, the one due first on top."""
    waiting = list_review_requests()
    return render(
        "manager/reviews.html",
        complaints=waiting,
        first=first_outcomes_for(waiting),
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
        "resolution/outcome.html",
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


@bp.get("/complaints/<reference>/final/<kind>")
@manager_required
def final_form(reference: str, kind: str) -> ResponseReturnValue:
    """Re-evaluate: the form for keeping the outcome kind or choosing another."""
    complaint = case_complaint(reference)
    chosen = outcome_kind(kind)
    panel = review_panel(complaint, current_staff())
    return final_page(complaint, chosen, final_form_for(complaint, chosen, panel.first))


@bp.post("/complaints/<reference>/final/<kind>")
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


# --- outcome templates -------------------------------------------------------------------


@bp.get("/templates")
@manager_required
def templates() -> ResponseReturnValue:
    """Every outcome template, per kind and language."""
    return render("manager/templates.html", templates=list_templates())


def template_key(kind: str, language: str) -> OutcomeKind:
    """The kind of a template URL (404 for an unknown kind or language)."""
    if language not in languages():
        abort(404)
    return outcome_kind(kind)


def template_page(
    kind: OutcomeKind, language: str, form: TemplateForm, *, status: int = 200, **extra: Any
) -> ResponseReturnValue:
    """The editor page (or its form part for htmx)."""
    page = render(
        "manager/template_edit.html",
        block="editor",
        kind=kind.value,
        language=language,
        saved=get_template(kind, language),
        form=form,
        placeholders=PLACEHOLDERS,
        **extra,
    )
    return page, 200 if is_htmx() else status


@bp.get("/templates/<kind>/<language>")
@manager_required
def edit_template(kind: str, language: str) -> ResponseReturnValue:
    """The editor for one template, with the current text."""
    chosen = template_key(kind, language)
    template = get_template(chosen, language)
    form = TemplateForm(formdata=None, body=template.body, version=template.version)
    return template_page(chosen, language, form)


@bp.post("/templates/<kind>/<language>")
@manager_required
def save_template(kind: str, language: str) -> ResponseReturnValue:
    """ "Save template", or "Preview" with sample values (which changes nothing)."""
    chosen = template_key(kind, language)
    form = TemplateForm()
    if not form.validate_on_submit():
        form.set_version(get_template(chosen, language).version)
        return template_page(chosen, language, form, status=400)
    if request.form.get("action") == "preview":
        return template_page(
            chosen, language, form, preview=preview_text(form.body.data or "", language)
        )
    edit = TemplateEdit(body=form.body.data or "", version_seen=int(form.version.data))
    try:
        update_template(chosen, language, edit, staff=current_staff())
    except TemplateInvalid as error:
        form.body.errors = [error.message]
        return template_page(chosen, language, form, status=422)
    except StaleTemplate:
        current = get_template(chosen, language)
        form.set_version(current.version)
        form.form_errors.append(
            _(
                "Someone else saved this template while you were editing. Your text is kept "
                "below; compare it with the current text and save again."
            )
        )
        return template_page(chosen, language, form, status=409, current_text=current.body)
    flash(_("The template is saved."), "success")
    return go(url_for("manager.templates"))
