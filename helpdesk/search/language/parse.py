"""The query language staff type into "Search", parsed once and the same way for every backend.

Words, "exact phrases", AND / OR / NOT (and -word), (brackets), prefix*, typo~ and
field filters (category:, status:, ref:, order:, email:, before:, after:). Parsing never
fails: whatever cannot be understood is dropped or read as plain words, and a `Hint`
says what happened. This module owns the grammar (tokens, brackets, operators, the limits);
what one piece of text or one field filter becomes is `terms`.
"""

from __future__ import annotations

import re

from .nodes import And, Everything, Hint, Node, Not, Or, ParsedQuery
from .terms import FIELDS, field_filter, text_node

MAX_QUERY = 500
MAX_LEAVES = 32
MAX_DEPTH = 8

_CONTROL = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ud800-\udfff]"
)
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
_FIELD = re.compile(r"^([A-Za-z_]+):(.*)$", re.DOTALL)
_OPERATORS = {"AND": "AND", "&&": "AND", "OR": "OR", "||": "OR", "|": "OR", "NOT": "NOT"}


def _lex(text: str, hints: list[Hint]) -> list[tuple[str, str, str]]:
    """Split into (kind, a, b) tokens: LP, RP, OP, PHRASE, CHUNK, FIELD."""
    out: list[tuple[str, str, str]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            out.append(("LP" if ch == "(" else "RP", "", ""))
            i += 1
        elif ch == '"':
            end = text.find('"', i + 1)
            if end < 0:
                hints.append(Hint("unclosed_quote"))
                end = n
            out.append(("PHRASE", text[i + 1 : end], ""))
            i = end + 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in '()"':
                j += 1
            chunk, i = text[i:j], j
            i = _lex_chunk(chunk, text, i, out, hints)
    return out


def _lex_chunk(
    chunk: str, text: str, i: int, out: list[tuple[str, str, str]], hints: list[Hint]
) -> int:
    """Classify one chunk (operator, -negation, field:value, or text); returns the new index."""
    if chunk in _OPERATORS:
        out.append(("OP", _OPERATORS[chunk], ""))
        return i
    if chunk[0] == "-" and len(chunk) > 1:
        out.append(("OP", "NOT", ""))
        chunk = chunk[1:]
    elif chunk[0] == "+":
        chunk = chunk[1:]
    match = _FIELD.match(chunk)
    if match and not match.group(2).startswith("//"):
        name, value = match.group(1).lower(), match.group(2)
        if not value and i < len(text) and text[i] == '"':
            end = text.find('"', i + 1)
            if end < 0:
                hints.append(Hint("unclosed_quote"))
                end = len(text)
            value, i = text[i + 1 : end], end + 1
        out.append(("FIELD", name, value))
    elif chunk:
        out.append(("CHUNK", chunk, ""))
    return i


class _Parser:
    """Recursive descent over the tokens: OR of ANDs of (NOT) primaries."""

    def __init__(self, toks: list[tuple[str, str, str]], hints: list[Hint]) -> None:
        self.toks = toks
        self.pos = 0
        self.hints = hints
        self.leaves = 0

    def peek(self) -> tuple[str, str, str] | None:
        """The next token, or None at the end."""
        return self.toks[self.pos] if self.pos < len(self.toks) else None

    def is_op(self, name: str) -> bool:
        """True when the next token is operator `name`."""
        tok = self.peek()
        return tok is not None and tok[0] == "OP" and tok[1] == name

    def query(self) -> Node | None:
        """Everything, skipping stray closing brackets."""
        parts: list[Node] = []
        while self.peek() is not None:
            node = self.or_expr(0)
            if node is not None:
                parts.append(node)
            tok = self.peek()
            if tok is not None and tok[0] == "RP":
                self.hints.append(Hint("unbalanced"))
                self.pos += 1
            elif tok is not None and tok[0] == "OP":
                self.pos += 1  # a dangling OR at the very end
        return _and(parts)

    def or_expr(self, depth: int) -> Node | None:
        """a OR b OR c."""
        items = [self.and_expr(depth)]
        while self.is_op("OR"):
            self.pos += 1
            items.append(self.and_expr(depth))
        kept = [item for item in items if item is not None]
        if len(kept) > 1:
            return Or(tuple(kept))
        return kept[0] if kept else None

    def and_expr(self, depth: int) -> Node | None:
        """a AND b c (adjacent items are ANDed)."""
        items: list[Node] = []
        while True:
            tok = self.peek()
            if tok is None or tok[0] == "RP" or self.is_op("OR"):
                break
            if self.is_op("AND"):
                self.pos += 1
                continue
            node = self.unary(depth)
            if node is not None:
                items.append(node)
        return _and(items)

    def unary(self, depth: int) -> Node | None:
        """NOT x, -x (NOT NOT x is x)."""
        negate = False
        while self.is_op("NOT"):
            self.pos += 1
            negate = not negate
        tok = self.peek()
        if tok is None or tok[0] == "RP" or tok[0] == "OP":
            return None
        node = self.primary(depth)
        return Not(node) if negate and node is not None else node

    def primary(self, depth: int) -> Node | None:
        """A bracketed group, a phrase, a field filter or a chunk of text."""
        kind, a, b = self.toks[self.pos]
        self.pos += 1
        if kind == "LP":
            if depth >= MAX_DEPTH:
                self.hints.append(Hint("unbalanced"))
                return None
            inner = self.or_expr(depth + 1)
            tok = self.peek()
            if tok is not None and tok[0] == "RP":
                self.pos += 1
            else:
                self.hints.append(Hint("unbalanced"))
            return inner
        if kind == "PHRASE":
            return self.count(text_node(a, self.hints, quoted=True))
        if kind == "FIELD":
            return self.field(a, b)
        return self.count(text_node(a, self.hints, quoted=False))

    def count(self, node: Node | None) -> Node | None:
        """Keep at most MAX_LEAVES leaves; say so when some were dropped."""
        if node is None:
            return None
        if self.leaves >= MAX_LEAVES:
            if Hint("too_many") not in self.hints:
                self.hints.append(Hint("too_many"))
            return None
        self.leaves += 1
        return node

    def field(self, name: str, value: str) -> Node | None:
        """A field filter; unknown fields are searched as words."""
        if name not in FIELDS:
            self.hints.append(Hint("unknown_field", name))
            words = [
                self.count(text_node(part, self.hints, quoted=False)) for part in (name, value)
            ]
            return _and([w for w in words if w is not None])
        if not value.strip():
            self.hints.append(Hint("empty_field", name))
            return None
        return self.count(field_filter(name, value.strip(), self.hints))


def _and(items: list[Node]) -> Node | None:
    if len(items) > 1:
        return And(tuple(items))
    return items[0] if items else None


def parse(text: str) -> ParsedQuery:
    """Parse what staff typed; never raises."""
    hints: list[Hint] = []
    text = _CONTROL.sub(" ", str(text)).translate(_QUOTES)
    if len(text) > MAX_QUERY:
        hints.append(Hint("too_long", str(MAX_QUERY)))
        text = text[:MAX_QUERY]
    node = _Parser(_lex(text, hints), hints).query()
    if node is None:
        if text.strip() and not hints:
            hints.append(Hint("nothing"))
        node = Everything()
    return ParsedQuery(node, tuple(dict.fromkeys(hints)))
