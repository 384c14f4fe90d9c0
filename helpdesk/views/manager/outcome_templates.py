"""The outcome templates managers keep (/staff/manage/templates): one per outcome kind and
language, edited with a preview and a stale-edit check."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from ...domain.outcomes import PLACEHOLDERS, OutcomeKind
from ...forms.outcomes import TemplateForm
from ...services.templates import (
    StaleTemplate,
    TemplateEdit,
    TemplateInvalid,
    get_template,
    languages,
    list_templates,
    preview_text,
    update_template,
)
from ...web import is_htmx, render
from ...web.auth import current_staff, manager_required
from ..redirects import go
from ..staff.outcomes import outcome_kind
from .blueprint import bp


@bp.get("/manage/templates")
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


@bp.get("/manage/templates/<kind>/<language>")
@manager_required
def edit_template(kind: str, language: str) -> ResponseReturnValue:
    """The editor for one template, with the current text."""
    chosen = template_key(kind, language)
    template = get_template(chosen, language)
    form = TemplateForm(formdata=None, body=template.body, version=template.version)
    return template_page(chosen, language, form)


@bp.post("/manage/templates/<kind>/<language>")
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
