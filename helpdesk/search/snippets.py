"""Highlighted snippets for the page of results shown, built from escaped text.

The same matching rules as the search (word variants, prefixes, typo neighbours), so a
Dutch or English word form that matched is also the one marked. User text only ever
reaches the page through markupsafe.escape; the only HTML added is <mark>.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import Connection

from .language.nodes import And, Node, Not, Or, Phrase, Word
from .language.text import MAX_TOKEN, TOKEN_RE, is_fuzzy_match, variants
from .snippet_texts import load_snippet_texts

WIDTH = 80  # characters of context on each side of a match
FRAGMENTS = 2  # per text (public, internal)
SCAN = 50_000  # characters of each text looked at


@dataclass
class Terms:
    """What to mark: word variants, prefixes and (word, edits) typo allowances."""

    exact: set[str] = field(default_factory=set)
    prefixes: list[str] = field(default_factory=list)
    fuzzy: list[tuple[str, int]] = field(default_factory=list)

    seen: dict[str, bool] = field(default_factory=dict)
    _starts: re.Pattern[str] | None = None

    def starts(self) -> re.Pattern[str] | None:
        """A quick regex for where a matching word may begin (a word's forms share their
        first three letters); None when typos are allowed and every word must be checked."""
        if self.fuzzy:
            return None
        if self._starts is None:
            heads = sorted({w[:3] for w in self.exact | set(self.prefixes)})
            alternatives = "|".join(re.escape(h) for h in heads) or "(?!)"
            self._starts = re.compile(rf"(?<![^\W_])(?:{alternatives})", re.IGNORECASE)
        return self._starts

    def check(self, token: str) -> bool:
        """True when `token` (any case) is one of the searched words; remembered per token."""
        found = self.seen.get(token)
        if found is None:
            lowered = token.lower()
            found = len(lowered) <= MAX_TOKEN and self.matches(lowered)
            self.seen[token] = found
        return found

    def matches(self, token: str) -> bool:
        """True when `token` (lower case) is one of the searched words."""
        forms = variants(token)
        if not self.exact.isdisjoint(forms):
            return True
        if any(f.startswith(p) for p in self.prefixes for f in forms):
            return True
        return any(is_fuzzy_match(token, word, edits) for word, edits in self.fuzzy)


def terms_of(node: Node) -> Terms:
    """The positive words of a query (words under NOT are not marked)."""
    terms = Terms()

    def visit(item: Node) -> None:
        """Walk the tree, collecting from the leaves."""
        if isinstance(item, And | Or):
            for child in item.items:
                visit(child)
        elif isinstance(item, Word):
            if item.prefix:
                terms.prefixes.append(item.word)
            else:
                terms.exact.update(variants(item.word))
                if item.fuzzy:
                    terms.fuzzy.append((item.word, item.fuzzy))
        elif isinstance(item, Phrase):
            for word in item.words:
                terms.exact.add(word)
        elif isinstance(item, Not):
            return

    visit(node)
    return terms


def highlight(text: str, terms: Terms, fragments: int = FRAGMENTS) -> list[Markup]:
    """Up to `fragments` pieces of `text` around the matches, matches in <mark>. A piece
    never crosses a line: the texts join messages, outcomes, file names and the customer's
    name and address with line breaks, and a snippet running them together misleads."""
    text = text[:SCAN]
    check = terms.check
    windows: list[tuple[int, int, list[tuple[int, int]]]] = []
    bare: list[tuple[int, int, list[tuple[int, int]]]] = []  # lines of the matched word alone
    seen: set[str] = set()
    for match in _candidates(text, terms):
        start, end = match.span()
        if windows and start <= windows[-1][1]:
            if check(match.group()):
                lo, _hi, inside = windows[-1]
                windows[-1] = (lo, _window(text, start, end)[1], [*inside, (start, end)])
        elif len(windows) >= fragments:
            break  # the first matches are enough
        elif check(match.group()):
            lo, hi = _window(text, start, end)
            if text[lo:hi] in seen:
                continue  # a final response is a message and an outcome: the same words twice
            seen.add(text[lo:hi])
            # An outcome's kind ("refund") stands on a line of its own: no context to show.
            (bare if text[lo:hi].strip() == match.group() else windows).append(
                (lo, hi, [(start, end)])
            )
    return [_render(text, lo, hi, inside) for lo, hi, inside in (windows or bare[:fragments])]


def _window(text: str, start: int, end: int) -> tuple[int, int]:
    """WIDTH characters each side of a match, within its line."""
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    return max(text.rfind("\n", 0, start) + 1, start - WIDTH), min(line_end, end + WIDTH)


def _candidates(text: str, terms: Terms) -> Iterator[re.Match[str]]:
    """The words of `text` that may match, in order (all words when typos are allowed)."""
    starts = terms.starts()
    if starts is None:
        yield from TOKEN_RE.finditer(text)
        return
    for hit in starts.finditer(text):
        word = TOKEN_RE.match(text, hit.start())
        if word is not None:
            yield word


def _render(text: str, lo: int, hi: int, spans: list[tuple[int, int]]) -> Markup:
    """Escape the window, mark the spans, trim to whole words, squash white space; "…"
    where the window cuts its line."""
    cut_before = lo > 0 and text[lo - 1] != "\n"
    cut_after = hi < len(text) and text[hi] != "\n"
    if cut_before:
        space = text.find(" ", lo, spans[0][0])
        lo = space + 1 if space >= 0 else lo
    if cut_after:
        space = text.rfind(" ", spans[-1][1], hi)
        hi = space if space >= 0 else hi
    # Plain strings, every piece of user text through escape(); one Markup at the end.
    out = ["…" if cut_before else ""]
    cursor = lo
    while cursor < spans[0][0] and text[cursor].isspace():
        cursor += 1
    for start, end in spans:
        out.append(_plain(text[cursor:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        cursor = end
    out.append(_plain(text[cursor:hi].rstrip()))
    if cut_after:
        out.append("…")
    return Markup("".join(out))  # noqa: S704 — built above from escaped text and <mark>


def _plain(piece: str) -> str:
    """Escaped text with runs of white space (line breaks too) as one space."""
    squashed = " ".join(piece.split())
    if not squashed:
        return " " if piece else ""
    lead = " " if piece[0].isspace() else ""
    trail = " " if piece[-1].isspace() else ""
    return str(escape(lead + squashed + trail))


def make_snippets(
    conn: Connection, ids: list[int], node: Node, include_internal: bool
) -> dict[int, list[Markup]]:
    """Snippets per complaint id of the page: public text first, then internal notes."""
    terms = terms_of(node)
    if not ids or not (terms.exact or terms.prefixes):
        return {}
    texts = load_snippet_texts(conn, ids, SCAN)
    found: dict[int, list[Markup]] = {}
    for cid in ids:
        text = texts.get(cid)
        if text is None:
            continue
        public, internal = text
        pieces = highlight(public, terms)
        if include_internal and internal:
            # A badge, not plain words: a customer's text could start with "Internal note:".
            label = Markup('<span class="badge internal">%s</span> ') % _("Internal note")
            pieces += [label + piece for piece in highlight(internal, terms, 1)]
        found[cid] = pieces
    return found
