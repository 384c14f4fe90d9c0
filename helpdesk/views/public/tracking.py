"""Opening a case and closing it again: code + email (/track), the signed link from our
emails (/track/link/<token>), and "Leave" (/track/leave) for a shared computer."""

from __future__ import annotations

from flask import flash, redirect, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from ...domain.reference import normalise_reference
from ...extensions import db, limiter
from ...forms.public import TrackForm
from ...models import Complaint
from ...runtime import links
from ...services.customer import find_complaint
from ...web import render
from ...web.tracking import leave_tracked, remember_tracked
from .blueprint import View, bp, go_to
from .submit import SUBMITTED


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
            return go_to("public.case")
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


@bp.post("/track/leave")
def leave() -> BaseResponse:
    """Close the case in this browser (for a shared computer), and end the session on the
    server, so a copy of the cookie no longer opens it either."""
    leave_tracked()
    session.pop(SUBMITTED, None)
    flash(_("You have closed your complaint in this browser."))
    return go_to("public.index")
