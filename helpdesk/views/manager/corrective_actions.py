"""Corrective actions (/staff/manage/corrective-actions; policy clause 7, ISO 10002's "act"
and "check"): the list of open, overdue, done and checked actions; "Record a corrective
action" (its complaints typed as codes or ticked); one action's page with "Mark as done"
and, once done, the root cause's share before and after and "Record the check"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _

from ...forms.base import Form
from ...forms.improvement import ActionForm, CheckForm, DoneForm, parse_day
from ...forms.outcomes import show_errors
from ...services import corrective_actions as actions
from ...services.accounts import list_staff
from ...services.action_overview import action_overview, candidate_complaints, prefill_for
from ...services.outcome_errors import InvalidInput, OutcomeRefused
from ...services.reports import shop_today
from ...services.root_causes import label
from ...web import render
from ...web.auth import current_staff, manager_required
from ..redirects import go
from .blueprint import bp


def percent(rate: float | None) -> str:
    """A share as a whole percentage in the page's language ("–" without complaints)."""
    return "–" if rate is None else str(format_percent(rate))


def points(change: float) -> str:
    """A change of shares in percentage points, signed ("-41.7")."""
    return str(format_decimal(change * 100, "+#,##0.0;-#,##0.0"))


@bp.get("/manage/corrective-actions")
@manager_required
def corrective_actions() -> ResponseReturnValue:
    """Open actions (overdue ones marked), done ones waiting for their check, checked ones."""
    return render("manager/corrective_actions.html", overview=action_overview(), cause_label=label)


def form_page(form: ActionForm, *, status: int = 200) -> ResponseReturnValue:
    """The form (or, for htmx, only the complaints to tick for the chosen root cause)."""
    form.offer(list_staff(active_only=True))
    page = render(
        "manager/corrective_action_new.html",
        block="candidates",
        form=form,
        candidates=candidate_complaints(form.root_cause.data or ""),
    )
    return page, status


@bp.get("/manage/corrective-actions/new")
@manager_required
def new_corrective_action() -> ResponseReturnValue:
    """An empty form; ?complaint=CODE (from a case page) fills in its code and root cause."""
    form = ActionForm(formdata=None)
    prefill = prefill_for(request.args.get("complaint", ""))
    if prefill is not None:
        form.complaints.data, form.root_cause.data = prefill.reference, prefill.root_cause
    return form_page(form)


@bp.post("/manage/corrective-actions/new")
@manager_required
def record_corrective_action() -> ResponseReturnValue:
    """ "Record action"; or "Show recent complaints" (the form again, nothing stored)."""
    form = ActionForm()
    if not form.validate_on_submit():
        return form_page(form, status=400)
    if request.form.get("action") == "pick":
        return form_page(form)
    try:
        action = actions.record_action(current_staff(), form.to_input())
    except InvalidInput as error:
        show_errors(form, error)
        return form_page(form, status=422)
    flash(_("Corrective action recorded."), "success")
    return go(url_for("manager.corrective_action", action_id=action.id))


def action_page(action_id: int, *, status: int = 200, **forms: Any) -> ResponseReturnValue:
    """One action's page, with its forms as posted (after a mistake) or fresh."""
    try:
        action = actions.get_action(action_id)
    except LookupError:
        abort(404)
    today = shop_today()
    done_form = forms.get("done_form") or DoneForm(formdata=None, done_on=today.isoformat())
    page = render(
        "manager/corrective_action.html",
        summary=actions.summarise(action, today),
        cause_label=label,
        effect=actions.action_effect(action, today),
        percent=percent,
        points=points,
        done_form=done_form,
        check_form=forms.get("check_form") or CheckForm(formdata=None),
    )
    return page, status


@bp.get("/manage/corrective-actions/<int:action_id>")
@manager_required
def corrective_action(action_id: int) -> ResponseReturnValue:
    """What the action is, its complaints, and what can be done with it next."""
    return action_page(action_id)


@bp.post("/manage/corrective-actions/<int:action_id>/done")
@manager_required
def mark_corrective_action_done(action_id: int) -> ResponseReturnValue:
    """ "Mark as done", on the day given (today unless changed)."""
    form = DoneForm()
    if not form.validate_on_submit():
        return action_page(action_id, status=400, done_form=form)
    day = parse_day(form.done_on.data)
    if day is None:
        form.done_on.errors = [_("Enter the day it was done, as YYYY-MM-DD.")]
        return action_page(action_id, status=422, done_form=form)

    def mark() -> object:
        return actions.mark_done(current_staff(), action_id, done_on=day)

    return _step(action_id, mark, "done_form", form, _("The action is marked as done."))


@bp.post("/manage/corrective-actions/<int:action_id>/check")
@manager_required
def check_corrective_action(action_id: int) -> ResponseReturnValue:
    """ "Record the check": whether the action worked, and what was found."""
    form = CheckForm()
    if not form.validate_on_submit():
        return action_page(action_id, status=422, check_form=form)
    worked, note = form.worked.data == actions.WORKED, form.note.data or ""

    def check() -> object:
        return actions.record_check(current_staff(), action_id, worked=worked, note=note)

    return _step(action_id, check, "check_form", form, _("The check is recorded."))


def _step(
    action_id: int, run: Callable[[], object], name: str, form: Form, done: str
) -> ResponseReturnValue:
    """One step of the action's life: back to its page; the form's mistakes by their fields
    (`name`: the form's name on the page), a refusal (done already, changed meanwhile) as a
    message."""
    try:
        run()
    except LookupError:
        abort(404)
    except InvalidInput as error:
        show_errors(form, error)
        return action_page(action_id, status=422, **{name: form})
    except OutcomeRefused as error:
        flash(error.message, "error")
    else:
        flash(done, "success")
    return go(url_for("manager.corrective_action", action_id=action_id))
