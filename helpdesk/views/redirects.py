"""Where a POST goes next, for every blueprint: a 303 to a page, or for htmx an HX-Redirect,
so the whole page loads (what changed may be more than the fragment that asked)."""

from __future__ import annotations

from flask import Response, redirect
from werkzeug.wrappers import Response as BaseResponse

from ..web import is_htmx


def go(target: str) -> BaseResponse:
    """Redirect to the URL `target` after a POST; htmx is told to load it as a whole page."""
    if is_htmx():
        return Response(status=204, headers={"HX-Redirect": target})
    return redirect(target, code=303)
