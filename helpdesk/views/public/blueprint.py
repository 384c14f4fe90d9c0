"""The customer's blueprint ("public", no URL prefix) and what its pages share: the redirect
after a POST, the files a form carried, and no shared cache for pages with a customer's case."""

from __future__ import annotations

from flask import Blueprint, request, url_for
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response as BaseResponse

from ...services.submission import Upload
from ..redirects import go

bp = Blueprint("public", __name__)

#: What a view may return: a page, a page with a status code, or a redirect.
View = str | tuple[str, int] | BaseResponse

#: The pages and files that show a customer's case (the downloads set it themselves too).
_PERSONAL = frozenset(
    {
        "public.submitted",
        "public.case",
        "public.answer",
        "public.download",
        "public.review",
        "public.rating",
        "public.replacement_download",
    }
)


def go_to(endpoint: str) -> BaseResponse:
    """Redirect to `endpoint` (no arguments) after a POST; htmx loads it as a whole page."""
    return go(url_for(endpoint))


def uploads(files: list[FileStorage]) -> list[Upload]:
    """The chosen files as Uploads (an empty file input sends none)."""
    return [Upload(f.filename or "", f.read()) for f in files if f and (f.filename or "")]


def files_chosen() -> bool:
    """True when this POST carried files (the browser will not keep them on a re-shown form)."""
    return any(f.filename for f in request.files.getlist("attachments"))


@bp.after_request
def _no_store(response: BaseResponse) -> BaseResponse:
    """Case pages hold personal data: never keep them in shared caches."""
    if request.endpoint in _PERSONAL:
        response.headers["Cache-Control"] = "private, no-store"
    return response
