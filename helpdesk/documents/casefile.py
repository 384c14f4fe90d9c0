"""The case file PDF: templates/pdf/casefile.html in the complaint's language, photos as thumbnails.

A4, a header on every page (shop, reference, variant) and "page N of M" in the footer; the
text stays text (pypdf reads it back), and the PDF is tagged for screen readers.

`case_file_source` is the step before WeasyPrint: the HTML and the pictures, with a key that
changes whenever anything the PDF shows would change (every word of the HTML, the pictures,
the stylesheet, this code and the renderer's version), except the moment the file is made.
`cases export` keeps a bundle whose key is unchanged instead of printing it again.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from functools import cache, cached_property
from importlib.metadata import version
from pathlib import Path

from babel.numbers import format_decimal
from flask import current_app, render_template
from flask_babel import force_locale
from markupsafe import escape

from ..files.storage import attachment_path
from ..files.thumbnails import shrink
from ..services.casefile import CaseFile, shop_name
from ..services.dispute_bodies import dispute_notice
from ..words import dates
from ..words.numbers import euros_in

#: Longest side of a photo in the PDF, in pixels (about 6 cm at 200 dpi).
THUMBNAIL_SIZE = 480
STYLESHEET = "casefile.css"


#: Stands for the moment the file is made while the HTML is keyed (random: no user text has it).
_MADE_ON = f"made-on-{secrets.token_hex(12)}"


@dataclass(frozen=True)
class CaseFileSource:
    """A case file ready for the renderer: HTML (the moment it is made marked), pictures."""

    marked_html: str
    made_on: str
    images: dict[str, tuple[bytes, str]]

    @property
    def html(self) -> str:
        """The HTML as printed."""
        return self.marked_html.replace(_MADE_ON, str(escape(self.made_on)))

    @cached_property
    def key(self) -> str:
        """SHA-256 of everything the PDF shows but the moment it was made, and of how it is made."""
        digest = hashlib.sha256(renderer_fingerprint().encode())
        digest.update(self.marked_html.replace(_MADE_ON, "").encode())
        for name, (data, kind) in sorted(self.images.items()):
            digest.update(f"\0{name}\0{kind}\0".encode() + hashlib.sha256(data).digest())
        return digest.hexdigest()

    def pdf(self) -> bytes:
        """The PDF."""
        # WeasyPrint (about 20 MB) is loaded on the first PDF, not in every web worker at start.
        from .pdf import render_pdf

        return render_pdf(
            self.html, static_dir=_static_dir(), stylesheet=STYLESHEET, images=self.images
        )


def case_file_pdf(case: CaseFile) -> bytes:
    """The PDF of a case file, in the complaint's language."""
    return case_file_source(case).pdf()


def case_file_source(case: CaseFile) -> CaseFileSource:
    """The HTML and the pictures of a case file, in the complaint's language."""
    from .pdf import IMAGE_SCHEME

    images = thumbnails(case)
    with force_locale(case.language):
        made_on = dates.moment(case.generated_at)
        html = render_template(
            "pdf/casefile.html",
            case=case,
            complaint=case.complaint,
            made_on=_MADE_ON,
            shop=shop_name(),
            shop_email=current_app.config["SHOP_COMPLAINTS_EMAIL"],
            notice=dispute_notice(case.complaint),
            thumbnail_ids={int(key) for key in images},
            image_url=lambda key: f"{IMAGE_SCHEME}{key}",
            size=lambda count: _size(count, case.language),
            amount=lambda cents: euros_in(cents, case.language),
        )
    return CaseFileSource(html, made_on, images)


#: Regular, bold and monospaced text: the fonts the case file uses.
_WARM_UP_HTML = '<p>Case file <b>ABCD</b> <span class="hash">0123</span></p>'


#: Texts the WeasyPrint speed-ups remember in a process that prints many case files: about
#: 2 kB each, so up to about 150 MB a worker (300 bench case files kept 28,000); the default
#: keeps a web worker's memos near 10 MB.
BULK_MEMO_LIMIT = 50_000


def warm_up() -> None:
    """Load WeasyPrint, the fonts and the stylesheet now (processes forked later share them),
    and let the speed-ups remember as many texts as a run of many case files repeats."""
    from .fast import set_memo_limit
    from .pdf import render_pdf

    set_memo_limit(BULK_MEMO_LIMIT)

    render_pdf(_WARM_UP_HTML, static_dir=_static_dir(), stylesheet=STYLESHEET)


@cache
def renderer_fingerprint() -> str:
    """What makes the same HTML print differently: the renderer, our stylesheet and code."""
    digest = hashlib.sha256()
    for package in ("weasyprint", "pydyf", "tinycss2", "cssselect2", "tinyhtml5", "pillow"):
        digest.update(f"{package} {version(package)}\n".encode())
    for name, path in renderer_files():
        digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def renderer_files() -> list[tuple[str, Path]]:
    """Our files that shape a PDF, by name: this package's code (the WeasyPrint speed-ups
    in fast/ too) and the static files under static/pdf/."""
    here = Path(__file__).parent
    code = [(path.relative_to(here).as_posix(), path) for path in here.rglob("*.py")]
    return sorted([*code, *((path.name, path) for path in _static_dir().glob("*"))])


#: The documents' file names in the complaint's language: (case file, evidence bundle, internal).
FILE_WORDS = {"en": ("case-file", "evidence", "internal"), "nl": ("dossier", "bewijs", "intern")}


def file_words(case: CaseFile) -> tuple[str, str, str]:
    """The words of the file names for this case's language (English for any other)."""
    return FILE_WORDS.get(case.language, FILE_WORDS["en"])


def file_name(case: CaseFile) -> str:
    """case-file-ABCD-EFGH-JK12[-internal].pdf (dossier-…[-intern].pdf in Dutch)"""
    name, _bundle, internal = file_words(case)
    suffix = f"-{internal}" if case.internal else ""
    return f"{name}-{case.reference}{suffix}.pdf"


def _static_dir() -> Path:
    return Path(current_app.static_folder or "static") / "pdf"


def _size(count: int, language: str) -> str:
    """A file size in bytes, kB or MB, with the language's decimal mark."""
    if count < 1024:
        return f"{count} B"
    unit, value = ("kB", count / 1024) if count < 1024 * 1024 else ("MB", count / 1024 / 1024)
    return f"{format_decimal(round(value, 1), locale=language)} {unit}"


def thumbnails(case: CaseFile) -> dict[str, tuple[bytes, str]]:
    """Small JPEGs of the case's photos, by attachment id (unreadable files are left out)."""
    made: dict[str, tuple[bytes, str]] = {}
    for item in case.photos:
        data = shrink(attachment_path(item), THUMBNAIL_SIZE)
        if data is not None:
            made[str(item.id)] = (data, "image/jpeg")
    return made
