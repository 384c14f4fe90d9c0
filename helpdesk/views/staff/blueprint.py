"""The staff blueprint ("staff", /staff) and what its routes share: the case of a URL, and
a lost race shown as a conflict message. The manager blueprint uses `case_complaint` too."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request
from flask.typing import ResponseReturnValue
from sqlalchemy.orm.exc import StaleDataError

from ...extensions import db
from ...models import Complaint
from ...services.casework import StaleEdit, get_case

bp = Blueprint("staff", __name__, url_prefix="/staff")


def case_complaint(reference: str) -> Complaint:
    """The complaint of a staff URL (a typed reference), else the 404 page."""
    return get_case(reference) or abort(404)


@bp.errorhandler(StaleDataError)
def _stale(error: StaleDataError) -> ResponseReturnValue:
    """A last line of defence: a lost race is a conflict message, never a 500."""
    db.session.rollback()
    flash(str(StaleEdit().message), "error")
    return redirect(request.path.rsplit("/", 1)[0] if request.method == "POST" else request.path)
