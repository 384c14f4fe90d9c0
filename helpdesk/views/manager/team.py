"""The team (/staff/team): every staff account, for managers (accounts are made with
`flask staff create`)."""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from ...services import accounts
from ...web import render
from ...web.auth import manager_required
from .blueprint import bp


@bp.get("/team")
@manager_required
def team() -> ResponseReturnValue:
    """Managers see every staff account (accounts are made with `flask staff create`)."""
    return render("manager/team.html", people=accounts.list_staff())
