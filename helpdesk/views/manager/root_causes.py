"""The root-cause list managers keep (/staff/manage/root-causes; policy clause 7): add an
entry in English and Dutch, rename, move up or down, retire or offer again, and delete one
nothing names yet. Staff pick from the entries offered when they give an outcome."""

from __future__ import annotations

from flask import abort, flash, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from ...forms.improvement import RootCauseForm
from ...forms.outcomes import show_errors
from ...models import RootCause
from ...services import root_causes as causes
from ...services.outcome_errors import InvalidInput, OutcomeRefused
from ...web import render
from ...web.auth import current_staff, manager_required
from ..redirects import go
from .blueprint import bp


def list_page(form: RootCauseForm, *, status: int = 200) -> ResponseReturnValue:
    """The list, every entry's names, and the add form (as typed, after a mistake)."""
    everything = causes.list_root_causes(include_retired=True)
    page = render(
        "manager/root_causes.html",
        causes=everything,
        cause_names={cause.id: causes.names_of(cause) for cause in everything},
        used=causes.used_ids(),
        form=form,
    )
    return page, status


def _cause(key: str) -> RootCause:
    """The entry of a URL, else 404."""
    cause = causes.find_root_cause(key)
    if cause is None:
        abort(404)
    return cause


@bp.get("/manage/root-causes")
@manager_required
def root_causes() -> ResponseReturnValue:
    """Every root cause, offered or retired, in the order staff see them."""
    return list_page(RootCauseForm(formdata=None))


@bp.post("/manage/root-causes")
@manager_required
def add_root_cause() -> ResponseReturnValue:
    """ "Add root cause": at the end of the list, named in both languages."""
    form = RootCauseForm()
    if not form.validate_on_submit():
        return list_page(form, status=400)
    try:
        cause = causes.add_root_cause(current_staff(), form.to_names())
    except InvalidInput as error:
        show_errors(form, error)
        return list_page(form, status=422)
    flash(_("Root cause “%(name)s” added.", name=causes.label(cause)), "success")
    return go(url_for("manager.root_causes"))


def edit_page(cause: RootCause, form: RootCauseForm, *, status: int = 200) -> ResponseReturnValue:
    """The rename form of one entry."""
    page = render(
        "manager/root_cause_edit.html", cause=cause, names=causes.names_of(cause), form=form
    )
    return page, status


@bp.get("/manage/root-causes/<key>")
@manager_required
def edit_root_cause(key: str) -> ResponseReturnValue:
    """The rename form, starting from the entry's names now."""
    cause = _cause(key)
    names = causes.names_of(cause)
    return edit_page(cause, RootCauseForm(formdata=None, name=names.name, name_nl=names.name_nl))


@bp.post("/manage/root-causes/<key>")
@manager_required
def save_root_cause(key: str) -> ResponseReturnValue:
    """ "Save names"."""
    cause = _cause(key)
    form = RootCauseForm()
    if not form.validate_on_submit():
        return edit_page(cause, form, status=400)
    try:
        causes.rename_root_cause(current_staff(), key, form.to_names())
    except InvalidInput as error:
        show_errors(form, error)
        return edit_page(cause, form, status=422)
    flash(_("Root cause renamed."), "success")
    return go(url_for("manager.root_causes"))


@bp.post("/manage/root-causes/<key>/move")
@manager_required
def move_root_cause(key: str) -> ResponseReturnValue:
    """ "Up" or "Down": one place in the list."""
    step = {"up": -1, "down": 1}.get(request.form.get("step", ""))
    if step is None:
        abort(400)
    _cause(key)
    causes.move_root_cause(current_staff(), key, step)
    return go(url_for("manager.root_causes") + f"#cause-{key}")


@bp.post("/manage/root-causes/<key>/retire")
@manager_required
def retire_root_cause(key: str) -> ResponseReturnValue:
    """ "Retire" (no longer offered) or "Offer again"."""
    cause = _cause(key)
    retired = request.form.get("retired", "1") != "0"
    causes.retire_root_cause(current_staff(), key, retired=retired)
    words = causes.label(cause)
    if retired:
        flash(_("“%(name)s” is retired: staff no longer see it.", name=words), "success")
    else:
        flash(_("“%(name)s” is offered again.", name=words), "success")
    return go(url_for("manager.root_causes"))


@bp.post("/manage/root-causes/<key>/delete")
@manager_required
def delete_root_cause(key: str) -> ResponseReturnValue:
    """ "Delete", for an entry nothing names; a used one is refused (retire it instead)."""
    words = causes.label(_cause(key))
    try:
        causes.delete_root_cause(current_staff(), key)
    except OutcomeRefused as error:
        flash(error.message, "error")
    else:
        flash(_("“%(name)s” is deleted.", name=words), "success")
    return go(url_for("manager.root_causes"))
