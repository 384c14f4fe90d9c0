"""The staff case page (/staff/complaints/<reference>) and its actions: acknowledge, assign,
category, reply, request information, internal note; and a complaint's files as downloads.
Any member of staff.

Actions are small POST forms. Without JavaScript they redirect back to the case page
(POST-redirect-GET); with htmx they return the case body fragment, which carries the new
version for every form on the page. The outcome buttons are in outcomes.py, "Retry now" on
an email in emails.py; what only managers do on a case is in views/manager/.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue

from ...domain.lifecycle import Status
from ...extensions import db
from ...files.downloads import send_stored, send_thumbnail
from ...files.thumbnails import thumbnail
from ...forms.staff import CaseActionForm
from ...models import Attachment, Complaint
from ...models.types import utcnow
from ...services import casework, replies
from ...services.badges import clock_badges
from ...services.casework import CaseworkError, Seen, StaleEdit
from ...services.email_status import case_emails
from ...services.inbox import assignable_staff
from ...web import is_htmx, render
from ...web.auth import current_staff, staff_required
from .blueprint import bp, case_complaint
from .case_actions import ACTIONS, FORMS, done_message
from .panels import case_panels


def _fresh_forms(
    complaint: Complaint, seen: Seen, can: dict[str, bool]
) -> dict[str, CaseActionForm]:
    """An empty form per action the page offers (`can`; a note always), carrying the version
    and fingerprint of this rendering."""
    forms: dict[str, CaseActionForm] = {}
    for name, form_class in FORMS.items():
        if can.get(name, True):
            forms[name] = form_class(prefix=name, formdata=None)
            _stamp(forms[name], seen)
    if "category" in forms:
        forms["category"].category.data = complaint.category
    if (assign := forms.get("assign")) is not None:
        me = current_staff().id
        assign.set_people(assignable_staff(), me)
        assign.assignee.data = str(complaint.assignee_id or me)
    return forms


def _stamp(form: CaseActionForm, seen: Seen) -> None:
    """Put the version and fingerprint of what is shown into the form's hidden fields."""
    form.version.data = str(seen.version)
    form.seen.data = seen.encode()


def _case_page(
    complaint: Complaint,
    posted: dict[str, CaseActionForm] | None = None,
    *,
    just_loaded: bool = False,
    **extra: Any,
) -> str:
    """The case page (or its body for htmx) with its panels' data, and `posted` forms shown
    as they were sent; `just_loaded`: the complaint was just read for this page (see
    casework.seen_now)."""
    seen = casework.seen_now(complaint, just_loaded=just_loaded)
    can = _allowed(complaint)
    forms = _fresh_forms(complaint, seen, can)
    for name, form in (posted or {}).items():
        _stamp(form, seen)  # the draft stays; sending again is judged against what is shown now
        forms[name] = form
    now = utcnow()
    staff = current_staff()
    return render(
        "staff/case.html",
        block="case_body",
        complaint=complaint,
        version=complaint.version,
        staff=staff,
        forms=forms,
        badges=clock_badges(complaint, now),
        now=now,
        open_form=next(iter(posted or {}), None),
        can=can,
        emails=case_emails(complaint.id),
        panels=case_panels(complaint, staff),
        **extra,
    )


def _allowed(complaint: Complaint) -> dict[str, bool]:
    """Which actions the page offers in this status (the services check again)."""
    closed = complaint.status == Status.CLOSED
    return {
        "acknowledge": complaint.status == Status.RECEIVED,
        "assign": not closed,
        "category": not closed,
        "reply": not closed,
        "info": complaint.status in replies.CAN_REQUEST_INFO,
    }


@bp.get("/complaints/<reference>")
@staff_required
def case(reference: str) -> ResponseReturnValue:
    """Everything about one complaint, and what staff can do with it."""
    return _case_page(case_complaint(reference), just_loaded=True)


def _act(reference: str, action: str) -> ResponseReturnValue:
    """Validate the posted form, run the action, answer with a redirect or the fragment."""
    complaint = case_complaint(reference)
    form = FORMS[action](prefix=action)
    if action == "assign":
        form.set_people(assignable_staff(), current_staff().id)
    if not form.validate_on_submit():
        return _answer(complaint, form, action, 422)
    seen = Seen.parse(form.version_seen(), form.seen.data)
    try:
        result = ACTIONS[action](complaint, current_staff(), form, seen)
    except StaleEdit as exc:
        form.form_errors.append(exc.message)
        return _answer(case_complaint(reference), form, action, 409)
    except CaseworkError as exc:
        field = getattr(form, exc.field, None) if exc.field else None
        (field.errors if field is not None else form.form_errors).append(exc.message)
        return _answer(case_complaint(reference), form, action, 422)
    message = done_message(action, result)
    if is_htmx():
        return _case_page(case_complaint(reference), notice=message)
    flash(message, "success")
    return redirect(url_for("staff.case", reference=complaint.reference))


def _answer(
    complaint: Complaint, form: CaseActionForm, action: str, status: int
) -> tuple[str, int]:
    """The page again with the form's errors and draft; htmx swaps only with a 200."""
    body = _case_page(complaint, {action: form})
    return body, 200 if is_htmx() else status


@bp.post("/complaints/<reference>/acknowledge")
@staff_required
def acknowledge(reference: str) -> ResponseReturnValue:
    """Acknowledge by hand."""
    return _act(reference, "acknowledge")


@bp.post("/complaints/<reference>/assign")
@staff_required
def assign(reference: str) -> ResponseReturnValue:
    """Assign to me, to a colleague, or to nobody."""
    return _act(reference, "assign")


@bp.post("/complaints/<reference>/category")
@staff_required
def change_category(reference: str) -> ResponseReturnValue:
    """Change category."""
    return _act(reference, "category")


@bp.post("/complaints/<reference>/reply")
@staff_required
def reply(reference: str) -> ResponseReturnValue:
    """Reply to the customer."""
    return _act(reference, "reply")


@bp.post("/complaints/<reference>/request-information")
@staff_required
def request_information(reference: str) -> ResponseReturnValue:
    """Request information from the customer."""
    return _act(reference, "info")


@bp.post("/complaints/<reference>/notes")
@staff_required
def add_note(reference: str) -> ResponseReturnValue:
    """Add internal note."""
    return _act(reference, "note")


@bp.get("/attachments/<int:attachment_id>")
@staff_required
def attachment(attachment_id: int) -> ResponseReturnValue:
    """A complaint's file, always as a download with its stored content type."""
    return send_stored(db.session.get(Attachment, attachment_id)) or abort(404)


@bp.get("/attachments/<int:attachment_id>/thumbnail")
@staff_required
def attachment_thumbnail(attachment_id: int) -> ResponseReturnValue:
    """A preview of a complaint's picture (made by us, shown inline); 404 for other files."""
    item = db.session.get(Attachment, attachment_id)
    made = thumbnail(item) if item is not None else None
    return send_thumbnail(made) if made is not None else abort(404)
