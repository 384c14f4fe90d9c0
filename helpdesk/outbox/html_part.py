"""The HTML part of an outbound email, made from its text part, which stays exactly as it was.

The text part is rendered from templates/email/<name>.txt; this reads its shape (paragraphs
between blank lines, "- " list items with their indented lines, a "*** Final response ***"
heading, links) and renders templates/email/_layout.html with it. That template is HTML,
so Jinja escapes every piece of text: a customer's name or a staff member's reply is always
text, never markup. The layout carries the language, the subject as the title and the shop's
name as the heading, and no more structure than the words need (readable in any mail program
and by a screen reader).

Only addresses our templates put on a line of their own, or after a colon at the end of a
line, become links (a tracking link, the track page, a dispute body): an address somebody
typed in the middle of a sentence stays text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import render_template

#: An address the templates print for people to follow.
_URL = re.compile(r"https?://[^\s<>\"']+")
#: "*** Final response ***": a heading in the text part.
_HEADING = re.compile(r"^\*\*\* (.+) \*\*\*$")


@dataclass(frozen=True)
class Piece:
    """A run of text, or a link (`href` set, the text is the address)."""

    text: str
    href: str | None = None


#: One line of the email as pieces.
Line = list[Piece]


@dataclass
class Block:
    """A paragraph (its lines), a list (one entry of `items` per "- " item) or a heading."""

    kind: str  # "paragraph", "list" or "heading"
    lines: list[Line] = field(default_factory=list)
    items: list[list[Line]] = field(default_factory=list)


def line_pieces(line: str) -> Line:
    """A line as text, with its link when it is an address alone or after a final colon."""
    stripped = line.strip()
    if _URL.fullmatch(stripped):
        return [Piece(stripped, stripped)]
    head, colon, tail = stripped.rpartition(": ")
    if colon and _URL.fullmatch(tail):
        return [Piece(head + ": "), Piece(tail, tail)]
    return [Piece(stripped)]


def blocks(text: str) -> list[Block]:
    """The shape of a text part: its paragraphs, lists and headings."""
    found: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = [line.rstrip() for line in chunk.split("\n") if line.strip()]
        heading = _HEADING.match(lines[0].strip()) if lines else None
        if heading:
            found.append(Block("heading", lines=[[Piece(heading.group(1))]]))
            lines = lines[1:]
        if lines:
            _add_chunk(found, lines)
    return found


def _add_chunk(found: list[Block], lines: list[str]) -> None:
    """Lines between blank lines: "- " items (with their indented lines) make a list, which
    goes on from the chunk before; the other lines make paragraphs."""
    current = found[-1] if found and found[-1].kind == "list" else None
    if not lines[0].startswith("- "):
        current = None
    for line in lines:
        if line.startswith("- "):
            if current is None or current.kind != "list":
                current = Block("list")
                found.append(current)
            current.items.append([line_pieces(line[2:])])
        elif current is not None and current.kind == "list" and line.startswith("  "):
            current.items[-1].append(line_pieces(line))
        else:
            if current is None or current.kind != "paragraph":
                current = Block("paragraph")
                found.append(current)
            current.lines.append(line_pieces(line))


def html_part(*, subject: str, text: str, language: str, shop_name: str) -> str:
    """The HTML beside `text` (the email's text part), in `language`."""
    return render_template(
        "email/_layout.html",
        subject=subject,
        blocks=blocks(text),
        language=language,
        shop_name=shop_name,
    )
