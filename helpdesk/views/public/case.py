"""The customer's pages: policy summary, the complaint form, its confirmation, and tracking."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response as BaseResponse

from ..domain.reference import normalise_reference
from ..extensions import db, limiter
from ..files.downloads import send_attachment, stored_file
from ..forms.public import AnswerForm, ComplaintForm, TrackForm, new_submission_token
from ..models import Attachment, Complaint
from ..runtime import links
from ..services.customer import add_customer_message, find_complaint
from ..services.submission import Upload, UploadError, submit_complaint
from ..web import is_htmx, render, select_locale
from ..web.tracking import (
    customer_clocks,
    customer_timeline,
    is_customer_file,
    leave_tracked,
    open_question,
    remember_tracked,
    tracked_complaint,
)

bp = Blueprint("public", __name__, url_prefix="" or None)

#: What a view may return: a page, a page with a status code, or a redirect.
View = str | tuple[str, int] | BaseResponse

_SUBMITTED = "submitted_complaint"


def _go(endpoint: str) -> BaseResponse:
    """Redirect; an htmx request gets HX-Redirect so the whole page changes."""
    target = url_for(endpoint)
    if is_htmx():
        return Response(status=204, headers={"HX-Redirect": target})
    return redirect(target, code=303)


def _uploads(files: list[FileStorage]) -> list[Upload]:
    """The chosen files as Uploads (an empty file input sends none)."""
    return [Upload(f.filename or "", f.read()) for f in files if f and (f.filename or "")]


def _files_chosen() -> bool:
    """True when this POST carried files (the browser will not keep them on a re-shown form)."""
    return any(f.filename for f in request.files.getlist("attachments"))


@bp.get("/")
def index() -> str:
    """The policy in short, with the two ways in."""
    return render("public/index.html")


@bp.get("/privacy")
def privacy() -> str:
    """What we keep about a customer, why, how long, who sees it; how to get a copy or erasure."""
    cfg = current_app.config
    return render(
        "public/privacy.html",
        hold_days=int(cfg["LEGAL_HOLD_DAYS"]),
        retention_days=cfg.get("RETENTION_DAYS"),
    )


@bp.route("/complaints/new", methods=["GET", "POST"])
@limiter.limit("5/minute;30/hour", methods=["POST"])
def new_complaint() -> str | BaseResponse:
    """The complaint form; a valid POST stores it once and redirects to the confirmation."""
    form = ComplaintForm()
    if form.validate_on_submit():
        try:
            complaint = submit_complaint(
                form.new_complaint(language=select_locale()),
                _uploads(form.attachments.data or []),
            )
        except UploadError as error:
            form.attachments.errors.append(error.message)
        else:
            session[_SUBMITTED] = complaint.id
            remember_tracked(complaint)
            return _go("public.submitted")
    if form.token() is None:
        form.submission_token.data = new_submission_token()
    return render("public/new.html", block="form", form=form, files_dropped=_files_chosen())


@bp.get("/complaints/submitted")
def submitted() -> str | BaseResponse:
    """The confirmation, shown once after a submission (the code comes from the session).

    Seen before (a reload, a language switch): the case page says it all, if still open here.
    """
    complaint_id = session.pop(_SUBMITTED, None)
    # Only for the session that submitted it, while open: not for a copy of it after "Leave".
    opened = tracked_complaint()
    complaint = opened if opened is not None and opened.id == complaint_id else None
    if complaint is None:
        return redirect(url_for("public.case" if opened is not None else "public.track"))
    return render("public/submitted.html", complaint=complaint)


def _reference_key() -> str:
    """Rate-limit key for one reference code, however typed: guesses of the email address
    for a known code from many addresses share one budget."""
    typed = str(request.form.get("reference", ""))[:40]
    return "track-reference:" + (normalise_reference(typed) or typed.upper())


@bp.route("/track", methods=["GET", "POST"])
@limiter.limit("10/minute;50/hour", methods=["POST"])
@limiter.limit("10/hour", methods=["POST"], key_func=_reference_key)
def track() -> str | BaseResponse:
    """Code + email open a case; a wrong code and a wrong address get the same answer."""
    form = TrackForm()
    not_found = False
    if form.validate_on_submit():
        complaint = find_complaint(form.reference.data, form.email.data)
        if complaint is not None:
            remember_tracked(complaint)
            return _go("public.case")
        not_found = True
    return render("public/track.html", block="form", form=form, not_found=not_found)


@bp.get("/track/link/<token>")
@limiter.limit("30/minute")
def track_link(token: str) -> View:
    """The signed link from our emails: open the case, then drop the token from the address."""
    read = links.read_tracking_token(token)
    complaint = None
    if read is not None:
        complaint = db.session.scalar(db.select(Complaint).filter_by(reference=read[0]))
        if complaint is not None and not links.token_matches(complaint, read[1]):
            complaint = None
    if complaint is None:
        return render("public/link_invalid.html"), 404
    remember_tracked(complaint)
    return redirect(url_for("public.case"), code=303)


@bp.get("/track/case")
def case() -> str | BaseResponse:
    """The customer's view of their complaint."""
    complaint = tracked_complaint()
    if complaint is None:
        flash(_("Please enter your reference code and email address to see your complaint."))
        return redirect(url_for("public.track"))
    return _case_page(complaint, AnswerForm())


def _case_page(
    complaint: Complaint, form: AnswerForm, *, files_dropped: bool = False, answered: bool = False
) -> str:
    """Render the case view (or only its activity part for htmx)."""
    timeline = customer_timeline(complaint)
    return render(
        "public/case.html",
        block="activity",
        complaint=complaint,
        clocks=customer_clocks(complaint),
        timeline=timeline,
        question=open_question(timeline),
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
        return _go("public.track")
    form = AnswerForm()
    if complaint.status != "awaiting_customer":
        flash(_("We are not waiting for information from you at the moment."))
        return _go("public.case")
    if form.validate_on_submit():
        try:
            add_customer_message(complaint, form.body.data, _uploads(form.attachments.data or []))
        except UploadError as error:
            form.attachments.errors.append(error.message)
        else:
            if is_htmx():
                return _case_page(complaint, AnswerForm(formdata=None), answered=True)
            flash(_("Thank you, we have received your answer."), "success")
            return redirect(url_for("public.case"), code=303)
    # htmx only swaps 2xx answers, so the form with its messages comes back as 200.
    return _case_page(complaint, form, files_dropped=_files_chosen())


@bp.get("/track/case/files/<int:attachment_id>")
def download(attachment_id: int) -> BaseResponse:
    """One of the customer's own files of the open case, always as a download."""
    complaint = tracked_complaint()
    attachment = db.session.get(Attachment, attachment_id)
    if complaint is None or attachment is None or not is_customer_file(complaint, attachment):
        abort(404)
    path = stored_file(attachment)
    if path is None:
        abort(404)
    return send_attachment(attachment, path)


@bp.post("/track/leave")
def leave() -> BaseResponse:
    """Close the case in this browser (for a shared computer), and end the session on the
    server, so a copy of the cookie no longer opens it either."""
    leave_tracked()
    session.pop(_SUBMITTED, None)
    flash(_("You have closed your complaint in this browser."))
    return _go("public.index")


@bp.after_request
def _no_store(response: BaseResponse) -> BaseResponse:
    """Case pages hold personal data: never keep them in shared caches."""
    if request.endpoint in {"public.case", "public.answer", "public.submitted", "public.download"}:
        response.headers["Cache-Control"] = "no-store, private"
    return response
