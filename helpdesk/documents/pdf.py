"""The one seam to WeasyPrint: HTML of our own templates in, PDF bytes out, nothing fetched.

WeasyPrint would follow any URL a document names (http, file, data) and embed files named
by `<link rel="attachment">`. User text is escaped by Jinja, so it cannot add such markup;
this fetcher is the second wall. It answers only two schemes of our own:
`helpdesk-static:NAME` (a stylesheet or image under static/pdf/) and `helpdesk-image:KEY`
(image bytes the caller hands in, e.g. thumbnails). Every other URL is refused and logged,
so a forgotten escape can never make the renderer reach the network or the disk; and the
document's attachments are dropped before writing, so no PDF ever carries an embedded file.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import current_app, has_app_context
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import fast

log = logging.getLogger(__name__)

STATIC_SCHEME = "helpdesk-static:"
IMAGE_SCHEME = "helpdesk-image:"
#: Our files the fetcher may serve, and their types.
STATIC_TYPES = {".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml"}


class RefusedURL(ValueError):
    """A document asked for something that is not ours to give."""


class SafeFetcher(URLFetcher):  # type: ignore[misc]
    """Serves static/pdf/ files and the caller's images; refuses every other URL."""

    def __init__(self, static_dir: Path, images: Mapping[str, tuple[bytes, str]]) -> None:
        super().__init__(allowed_protocols=())
        self.static_dir = static_dir.resolve()
        self.images = images

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith(STATIC_SCHEME):
            return self._static(url)
        if url.startswith(IMAGE_SCHEME) and url[len(IMAGE_SCHEME) :] in self.images:
            data, mime_type = self.images[url[len(IMAGE_SCHEME) :]]
            return URLFetcherResponse(url, data, {"Content-Type": mime_type})
        return self._refuse(url)

    def _static(self, url: str) -> URLFetcherResponse:
        name = url[len(STATIC_SCHEME) :].lstrip("/")
        path = (self.static_dir / name).resolve()
        kind = STATIC_TYPES.get(path.suffix)
        if kind is None or not path.is_relative_to(self.static_dir) or not path.is_file():
            return self._refuse(url)
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})

    def _refuse(self, url: str) -> URLFetcherResponse:
        log.warning("PDF rendering refused to fetch %.200r", url)
        raise RefusedURL(f"not fetched: {url[:200]}")


def _speedups() -> None:
    """documents.fast in place, unless the library patches are off (LIBRARY_PATCHES)."""
    wanted = not has_app_context() or bool(current_app.config.get("LIBRARY_PATCHES", True))
    if wanted and not fast.installed():
        fast.install()
    elif not wanted and fast.installed():
        fast.uninstall()


@lru_cache(maxsize=1)
def _fonts() -> FontConfiguration:
    """One font configuration per process (building it reads the system's font list)."""
    return FontConfiguration()


@lru_cache(maxsize=8)
def _stylesheet(path: Path, mtime: float) -> CSS:
    """A parsed stylesheet, kept while the file is unchanged."""
    fetcher = SafeFetcher(path.parent, {})
    return CSS(string=path.read_text("utf-8"), url_fetcher=fetcher, font_config=_fonts())


def render_pdf(
    html: str,
    *,
    static_dir: Path,
    stylesheet: str,
    images: Mapping[str, tuple[bytes, str]] | None = None,
) -> bytes:
    """The PDF of `html`, styled by static_dir/stylesheet; only our own files are read."""
    _speedups()
    css_path = static_dir / stylesheet
    css = _stylesheet(css_path, css_path.stat().st_mtime)
    fetcher = SafeFetcher(static_dir, images or {})
    source = HTML(string=html, base_url=STATIC_SCHEME, url_fetcher=fetcher)
    document = source.render(stylesheets=[css], font_config=_fonts(), pdf_tags=True)
    # Nothing is ever embedded, not even a file of ours that <link rel="attachment"> names.
    document.metadata.attachments.clear()
    for page in document.pages:
        page.links[:] = [link for link in page.links if link[0] != "attachment"]
    pdf: bytes = document.write_pdf(pdf_tags=True)
    return pdf
