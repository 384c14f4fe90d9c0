"""The pages anyone may read: the policy in short (/) and what we keep about a customer
(/privacy); and /favicon.ico for browsers that ask for it whatever the page links."""

from __future__ import annotations

from pathlib import Path

from flask import Response, current_app

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


@bp.get("/favicon.ico")
def favicon() -> Response:
    """static/favicon.ico (the pages link the SVG and the 32 px PNG); a day in any cache."""
    icon = Path(current_app.static_folder or "static") / "favicon.ico"
    response = Response(icon.read_bytes(), mimetype="image/vnd.microsoft.icon")
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response
