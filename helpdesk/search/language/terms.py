"""The leaves of a parsed query: what one piece of typed text becomes (words, a phrase, a
prefix or typo match, and the exact reference, order number or email address it may be),
and what a field filter becomes with its value checked (category:, status:, ref:, order:,
email:, before:, after:). A value that cannot be used is dropped with a `Hint`.
"""

from __future__ import annotations

import re
from datetime import date

from ...domain.lifecycle import OPEN, Status
from ...domain.reference import normalise_reference
from ...words.labels import CATEGORIES
from .nodes import And, Exact, Filter, Hint, Node, Or, Phrase, Word
from .text import MAX_TOKEN, has_long_token, tokens

FIELDS = ("category", "status", "ref", "order", "email", "before", "after")
STATUS_KEYS = tuple(s.value for s in Status)

_FUZZY = re.compile(r"^(.*?)~(\d?)$", re.DOTALL)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: A whole email address as typed (one @, a dot in the domain): matched exactly too.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_order(typed: str) -> str:
    """Order numbers compare without case and surrounding space."""
    return typed.strip().upper()


def text_node(raw: str, hints: list[Hint], *, quoted: bool) -> Node | None:
    """Words from typed text; a reference code or order number also matches exactly."""
    base, prefix, fuzzy = raw, False, 0
    if not quoted:
        match = _FUZZY.match(raw)
        if match and match.group(1):
            base, fuzzy = match.group(1), min(max(int(match.group(2) or 1), 1), 2)
        elif raw.endswith("*"):
            base, prefix = raw.rstrip("*"), True
    words = tokens(base)
    if has_long_token(base):
        hints.append(Hint("long_word", str(MAX_TOKEN)))
    if not words:
        return None
    if prefix and len(words[-1]) < 2:
        hints.append(Hint("short_prefix", raw))
        prefix = False
    node: Node
    if len(words) == 1:
        node = Word(words[0], prefix=prefix, fuzzy=fuzzy)
    elif prefix or fuzzy:
        parts = [Word(w, fuzzy=fuzzy) for w in words[:-1]]
        node = And((*parts, Word(words[-1], prefix=prefix, fuzzy=fuzzy)))
    else:
        node = Phrase(tuple(words))
    if prefix or fuzzy:
        return node
    reference = normalise_reference(base.strip())
    order = normalise_order(base) if any(c.isdigit() for c in base) and len(base) <= 100 else None
    email = base.strip().lower() if _EMAIL.match(base.strip()) and len(base) <= 320 else None
    if reference or order or email:
        return Or((node, Exact(reference, order, email)))
    return node


def field_filter(name: str, value: str, hints: list[Hint]) -> Node | None:
    """category:, status:, ref:, order:, email:, before:, after: with their values checked."""
    if name in ("category", "status"):
        known = tuple(CATEGORIES) if name == "category" else (*STATUS_KEYS, "open")
        wanted = [v.strip().lower() for v in value.split(",") if v.strip()]
        good = [v for v in wanted if v in known]
        for bad in (v for v in wanted if v not in known):
            hints.append(Hint(f"bad_{name}", bad))
        if name == "status" and "open" in good:
            good = [v for v in good if v != "open"] + sorted(s.value for s in OPEN)
        return Filter(name, tuple(dict.fromkeys(good))) if good else None
    if name == "ref":
        code = normalise_reference(value)
        if code is None:
            hints.append(Hint("bad_ref", value))
            return None
        return Filter("ref", (code,))
    if name == "order":
        return Filter("order", (normalise_order(value),))
    if name == "email":
        email = value.lower()
        if email.endswith("*") and len(email.rstrip("*")) < 2:
            hints.append(Hint("short_prefix", value))
            return None
        return Filter("email", (email.rstrip("*") + ("*" if email.endswith("*") else ""),))
    if not _DATE.match(value):
        hints.append(Hint("bad_date", name))
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        hints.append(Hint("bad_date", name))
        return None
    return Filter(name, (day.isoformat(),))
