"""The customer's case page (/track/case): status, promised dates, our decision, the
history; "Send answer" while we wait for information; their own files as downloads, and
previews of their pictures under the same rights."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from ...extensions import db, limiter
from ...files.downloads import send_stored, send_thumbnail
from ...files.thumbnails import thumbnail
from ...forms.public import AnswerForm
from ...models import Attachment, Complaint
from ...services.customer import add_customer_message
from ...services.submission import UploadError
from ...web import is_htmx, render
from ...web.tracking import (
    customer_clocks,
    customer_timeline,
    is_customer_file,
    open_question,
    tracked_complaint,
)
from .blueprint import View, bp, files_chosen, go_to, uploads
from .resolution_view import customer_resolution


@bp.get("/track/case")
def case() -> str | BaseResponse:
    """The customer's view of their complaint."""
    complaint = tracked_complaint()
    if complaint is None:
        flash(_("Please enter your reference code and email address to see your complaint."))
        return redirect(url_for("public.track"))
    # The answer form is on the page only while we wait for the customer (_case_activity).
    waiting = complaint.status == "awaiting_customer"
    return _case_page(complaint, AnswerForm() if waiting else None)


def _case_page(
    complaint: Complaint,
    form: AnswerForm | None,
    *,
    files_dropped: bool = False,
    answered: bool = False,
) -> str:
    """Render the case view (or only its activity part for htmx), with every panel's data."""
    timeline = customer_timeline(complaint)
    return render(
        "public/case.html",
        block="activity",
        complaint=complaint,
        clocks=customer_clocks(complaint),
        timeline=timeline,
        question=open_question(timeline),
        resolution=customer_resolution(complaint),
        form=form,
        files_dropped=files_dropped,
        answered=answered,
    )


@bp.post("/track/case/answer")
@limiter.limit("10/minute;60/hour")
def answer() -> View:
    """ "Send answer": the customer's information, while we wait for it."""
    complaint = tracked_complaint()
    if complaint is None:
        return go_to("public.track")
    form = AnswerForm()
    if complaint.status != "awaiting_customer":
        flash(_("We are not waiting for information from you at the moment."))
        return go_to("public.case")
    if form.validate_on_submit():
        try:
            add_customer_message(complaint, form.body.data, uploads(form.attachments.data or []))
        except UploadError as error:
            form.attachments.errors.append(error.message)
        else:
            if is_htmx():
                return _case_page(complaint, AnswerForm(formdata=None), answered=True)
            flash(_("Thank you, we have received your answer."), "success")
            return redirect(url_for("public.case"), code=303)
    # htmx only swaps 2xx answers, so the form with its messages comes back as 200.
    return _case_page(complaint, form, files_dropped=files_chosen())


@bp.get("/track/case/files/<int:attachment_id>")
def download(attachment_id: int) -> BaseResponse:
    """One of the customer's own files of the open case, always as a download."""
    complaint = tracked_complaint()
    attachment = db.session.get(Attachment, attachment_id)
    if complaint is None or attachment is None or not is_customer_file(complaint, attachment):
        abort(404)
    return send_stored(attachment) or abort(404)


@bp.get("/track/case/files/<int:attachment_id>/thumbnail")
def file_thumbnail(attachment_id: int) -> BaseResponse:
    """A preview of one of the customer's own pictures, under the download's rights."""
    complaint = tracked_complaint()
    attachment = db.session.get(Attachment, attachment_id)
    if complaint is None or attachment is None or not is_customer_file(complaint, attachment):
        abort(404)
    made = thumbnail(attachment)
    return send_thumbnail(made) if made is not None else abort(404)
