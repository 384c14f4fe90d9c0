"""Turning an email's body into the text a complaint needs: HTML to text, quotes and signatures
cut, the language guessed, an order number spotted. Pure functions, no Flask."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "hr"}
)
_SKIPPED_TAGS = frozenset({"script", "style", "head", "title", "template"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Where a reply's own text ends and the quoted previous message begins.
_QUOTE_MARKERS = [
    # "On Mon, 3 Mar 2026 at 10:00, Shop <x@y> wrote:" (may wrap onto a second line)
    re.compile(
        r"^(On|Op)\s[^\n]{0,300}(\n[^\n]{0,300})?\s(wrote|schreef[^\n]{0,60}):[ \t]*$", re.M
    ),
    re.compile(
        r"^-{2,}\s*(Original Message|Oorspronkelijk bericht|Forwarded message)\s*-{2,}", re.M | re.I
    ),
    re.compile(r"^_{10,}\s*\n(From|Van):", re.M),
    re.compile(r"^(From|Van):[^\n]*\n(Sent|Verzonden|Date|Datum):", re.M),
]
# RFC 3676 signature separator: a line that is exactly "-- ".
_SIGNATURE = re.compile(r"^-- $", re.M)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_DUTCH = _words(
    """de het een ik niet mijn bestelling van dat voor met wij uw graag bedankt geen heb
    ontvangen nog maar zijn deze naar werkt kan wordt alstublieft dank groet groeten
    bestand betaling wel ook bij om te er mij heeft niets wil zou"""
)
_ENGLISH = _words(
    """the and is my not to of it you for with have was this that but can would please
    thanks received order file payment does did got no any"""
)
_WORD = re.compile(r"[a-zà-ÿ]+")

_ORDER = re.compile(
    r"\b(?:order|bestelling|bestelnummer|ordernummer)\s*(?:number|nummer|nr\.?|no\.?|id)?"
    r"\s*[:#]?\s*#?\s*([A-Z0-9][A-Z0-9-]{2,39})\b",
    re.I,
)


class _TextExtractor(HTMLParser):
    """Collects the visible text of an HTML document, with line breaks for block elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping = max(self._skipping - 1, 0)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """The readable text of an HTML body (tags dropped, never interpreted)."""
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # very broken markup: keep what was read so far
        pass
    lines = (line.strip() for line in "".join(parser.parts).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def clean_text(text: str) -> str:
    """Normalise line ends and drop control characters (PostgreSQL refuses NUL in text)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def strip_quoted(text: str) -> str:
    """Only what the sender wrote: cut the quoted earlier message, '>' lines and signature."""
    cut = len(text)
    for marker in _QUOTE_MARKERS:
        found = marker.search(text)
        if found and found.start() < cut:
            cut = found.start()
    own = text[:cut]
    signature = _SIGNATURE.search(own)
    if signature:
        own = own[: signature.start()]
    own = "\n".join(line for line in own.splitlines() if not line.startswith(">"))
    own = re.sub(r"\n{3,}", "\n\n", own).strip()
    # A message that is nothing but a quote (e.g. forwarded as is) keeps its whole text.
    return own or text.strip()


def guess_language(text: str, content_language: str = "") -> str:
    """'nl' when the header says so or the words are clearly Dutch, else 'en'."""
    declared = content_language.strip().lower()[:2]
    if declared in ("nl", "en"):
        return declared
    words = _WORD.findall(text[:5000].lower())
    dutch = sum(word in _DUTCH for word in words)
    english = sum(word in _ENGLISH for word in words)
    return "nl" if dutch >= 3 and dutch > english else "en"


def find_order_number(*texts: str) -> str | None:
    """An order number written as 'order 12345', 'Order #A-1001', 'bestelnummer: 778', or None."""
    for text in texts:
        for match in _ORDER.finditer(text or ""):
            candidate = match.group(1).strip("-")
            if any(ch.isdigit() for ch in candidate):
                return candidate[:100]
    return None
