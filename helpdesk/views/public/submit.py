"""Submitting a complaint on the web: the form (/complaints/new) and its confirmation
(/complaints/submitted), shown once to the session that submitted it."""

from __future__ import annotations

from flask import redirect, session, url_for
from werkzeug.wrappers import Response as BaseResponse

from ...extensions import limiter
from ...forms.public import ComplaintForm, new_submission_token
from ...services.submission import UploadError, submit_complaint
from ...web import render, select_locale
from ...web.fragments import kept_fragment
from ...web.tracking import remember_tracked, tracked_complaint
from .blueprint import bp, files_chosen, go_to, uploads

#: The session key of the complaint this session just submitted ("Leave" drops it too).
SUBMITTED = "submitted_complaint"


@bp.route("/complaints/new", methods=["GET", "POST"])
@limiter.limit("5/minute;30/hour", methods=["POST"])
def new_complaint() -> str | BaseResponse:
    """The complaint form; a valid POST stores it once and redirects to the confirmation."""
    form = ComplaintForm()
    if form.validate_on_submit():
        try:
            complaint = submit_complaint(
                form.new_complaint(language=select_locale()),
                uploads(form.attachments.data or []),
            )
        except UploadError as error:
            form.attachments.errors.append(error.message)
        else:
            session[SUBMITTED] = complaint.id
            remember_tracked(complaint)
            return go_to("public.submitted")
    if form.token() is None:
        form.submission_token.data = new_submission_token()
    # A fresh form's visible fields are the same HTML in each language: kept per process
    # (web.fragments). Its tokens are hidden fields outside them; a form with the customer's
    # input or mistakes renders them again.
    fields_html = None
    if not form.is_submitted():
        fields_html = kept_fragment("public/_complaint_fields.html", "fresh", form=form)
    return render(
        "public/new.html",
        block="form",
        form=form,
        fields_html=fields_html,
        files_dropped=files_chosen(),
    )


@bp.get("/complaints/submitted")
def submitted() -> str | BaseResponse:
    """The confirmation, shown once after a submission (the code comes from the session).

    Seen before (a reload, a language switch): the case page says it all, if still open here.
    """
    complaint_id = session.pop(SUBMITTED, None)
    # Only for the session that submitted it, while open: not for a copy of it after "Leave".
    opened = tracked_complaint()
    complaint = opened if opened is not None and opened.id == complaint_id else None
    if complaint is None:
        return redirect(url_for("public.case" if opened is not None else "public.track"))
    return render("public/submitted.html", complaint=complaint)
