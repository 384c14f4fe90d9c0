"""The pages anyone may read: the policy in short (/) and what we keep about a customer
(/privacy)."""

from __future__ import annotations

from flask import current_app

from ...web import render
from .blueprint import bp


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
