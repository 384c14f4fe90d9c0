"""The manager blueprint ("manager"): its URLs sit among the staff ones (/staff/...), each
route spells the rest (/manage/reviews, /complaints/<reference>/case-file.pdf, /team);
every route needs a manager (agents get the 403 page, anonymous visitors the login)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("manager", __name__, url_prefix="/staff")
