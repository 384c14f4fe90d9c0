"""The staff side: the inbox (/staff/), the case page and its actions, attachment downloads,
and the team list for managers. Every route needs a logged-in member of staff.

Actions are small POST forms. Without JavaScript they redirect back to the case page
(POST-redirect-GET); with htmx they return the case body fragment, which carries the new
version for every form on the page.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.orm.exc import StaleDataError

from ..domain.lifecycle import Status
from ..extensions import db
from ..files.downloads import send_attachment, stored_file
from ..forms.staff import (
    CaseActionForm,
)
from ..models import Attachment, Complaint
from ..models.types import utcnow
from ..services import accounts, casework, replies
from ..services.badges import clock_badges
from ..services.casework import CaseworkError, Seen, StaleEdit
from ..services.email_status import case_emails, failed_email_flags
from ..services.inbox import InboxFilters, assignable_staff, inbox_dates, list_inbox
from ..services.mediation import mediation_flags
from ..web import is_htmx, render
from ..web.auth import current_staff, manager_required, staff_required
from ..words import labels
from . import email_panel
from .case_actions import ACTIONS, FORMS, done_message
from .inbox_rows import inbox_rows

bp = Blueprint("staff", __name__, url_prefix="/staff")
bp.register_blueprint(email_panel.bp)


@bp.get("/")
@staff_required
def inbox() -> ResponseReturnValue:
    """The inbox: filters, counts, badges and pages, or search results with their counts per
    category and status; htmx gets only the list fragment (the search field stays put)."""
    filters = InboxFilters.from_args(request.args)
    now = utcnow()
    today, soon = inbox_dates(now)
    me = current_staff().id
    page = list_inbox(filters.to_query(me=me, today=today, next_business_day=soon), me=me, now=now)
    if page.total and filters.page > page.pages:
        return redirect(url_for("staff.inbox", **filters.args(page=page.pages)))
    status_words = {key: str(value) for key, value in labels.STATUSES.items()}
    category_words = {key: str(value) for key, value in labels.CATEGORY_SHORT.items()}
    # Open referrals of the page's complaints (one query): {id: reply overdue}.
    mediation = mediation_flags([row.id for row in page.rows], today)
    failed_mail = failed_email_flags(row.id for row in page.rows)
    return _pushing_short_url(
        render(
            "staff/inbox.html",
            block="inbox_list",
            filters=filters,
            page=page,
            rows=inbox_rows(page, now, status_words, category_words),
            status_words=status_words,
            category_words=category_words,
            people=assignable_staff(),
            in_mediation=set(mediation),
            reply_overdue={i for i, overdue in mediation.items() if overdue},
            failed_mail=failed_mail,
            fragment=is_htmx(),
        ),
        filters,
    )


def _pushing_short_url(body: str, filters: InboxFilters) -> ResponseReturnValue:
    """For htmx, the fragment with the short URL of what it shows to push (the form sends
    every field, empty ones too, which would otherwise be the URL in the address bar)."""
    if not is_htmx():
        return body
    return body, {"HX-Push-Url": url_for("staff.inbox", **filters.args())}


def _complaint(reference: str) -> Complaint:
    """The case for a typed reference, or the 404 page."""
    complaint = casework.get_case(reference)
    if complaint is None:
        abort(404)
    return complaint


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
    """The case page (or its body for htmx), with `posted` forms shown as they were sent;
    `just_loaded`: the complaint was just read for this page (see casework.seen_now)."""
    seen = casework.seen_now(complaint, just_loaded=just_loaded)
    can = _allowed(complaint)
    forms = _fresh_forms(complaint, seen, can)
    for name, form in (posted or {}).items():
        _stamp(form, seen)  # the draft stays; sending again is judged against what is shown now
        forms[name] = form
    now = utcnow()
    return render(
        "staff/case.html",
        block="case_body",
        complaint=complaint,
        version=complaint.version,
        staff=current_staff(),
        forms=forms,
        badges=clock_badges(complaint, now),
        now=now,
        open_form=next(iter(posted or {}), None),
        can=can,
        emails=case_emails(complaint.id),
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
    return _case_page(_complaint(reference), just_loaded=True)


def _act(reference: str, action: str) -> ResponseReturnValue:
    """Validate the posted form, run the action, answer with a redirect or the fragment."""
    complaint = _complaint(reference)
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
        return _answer(casework.get_case(reference) or abort(404), form, action, 409)
    except CaseworkError as exc:
        field = getattr(form, exc.field, None) if exc.field else None
        (field.errors if field is not None else form.form_errors).append(exc.message)
        return _answer(casework.get_case(reference) or abort(404), form, action, 422)
    message = done_message(action, result)
    if is_htmx():
        return _case_page(_complaint(reference), notice=message)
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


@bp.errorhandler(StaleDataError)
def _stale(error: StaleDataError) -> ResponseReturnValue:
    """A last line of defence: a lost race is a conflict message, never a 500."""
    db.session.rollback()
    flash(str(StaleEdit().message), "error")
    return redirect(request.path.rsplit("/", 1)[0] if request.method == "POST" else request.path)


@bp.get("/attachments/<int:attachment_id>")
@staff_required
def attachment(attachment_id: int) -> ResponseReturnValue:
    """A complaint's file, always as a download with its stored content type."""
    item = db.session.get(Attachment, attachment_id)
    path = stored_file(item) if item is not None else None
    if item is None or path is None:
        abort(404)
    return send_attachment(item, path)


@bp.get("/team")
@manager_required
def team() -> ResponseReturnValue:
    """Managers see every staff account (accounts are made with `flask staff create`)."""
    return render("staff/team.html", people=accounts.list_staff())
