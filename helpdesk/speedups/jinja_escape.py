"""Autoescaped template output through a quicker `escape` with the same result.

A template compiled with autoescaping calls MarkupSafe's `escape` for every `{{ }}` it
outputs, about 750 times for an inbox page of 25 rows. MarkupSafe escapes in C, but then
builds its Markup through `Markup.__new__`, a Python function that asks again whether the
text has `__html__` and calls `super().__new__`: more than half of each call. `escape`
here makes the same Markup with `str.__new__` (the same text, the same class, `__html__`
honoured as MarkupSafe honours it), and Jinja's plain `Undefined` (an inline `if` without
`else` that was false) as the empty text its `str` gives, without asking for `__html__`,
and Markup as itself (MarkupSafe's is an equal copy).
Compiled templates import `escape` from `jinja2.runtime` when they are loaded, so
templates loaded after `install` use it.
"""

from __future__ import annotations

from typing import Any

import jinja2.runtime
from jinja2 import Undefined
from markupsafe import Markup
from markupsafe import escape as markupsafe_escape

try:  # what MarkupSafe's escape uses: its C extension, else its Python fallback
    from markupsafe._speedups import _escape_inner
except ImportError:  # pragma: no cover - MarkupSafe built without its C extension
    from markupsafe._native import _escape_inner

#: MarkupSafe's own function (the tests compare with it and put it back).
original_escape = markupsafe_escape
_new = str.__new__


def escape(s: Any, /) -> Markup:
    """`markupsafe.escape`: `s` with &, <, >, ' and " escaped, as Markup; Markup and other
    objects with `__html__` as they render themselves."""
    if type(s) is str:
        return _new(Markup, _escape_inner(s))
    if type(s) is Markup:
        # Already safe and immutable: MarkupSafe would copy it through `__html__` (about
        # 190 times an inbox page: translated words, snippets, form fields).
        return s
    if type(s) is Undefined:
        # What `{{ 'selected' if chosen }}` outputs when not chosen: MarkupSafe's hasattr
        # made Undefined raise and catch an AttributeError first (40 times an inbox page).
        return _new(Markup, str(s))
    if hasattr(s, "__html__"):
        return _new(Markup, s.__html__())
    return _new(Markup, _escape_inner(str(s)))


def install() -> None:
    """Give templates compiled from now on this `escape` (idempotent)."""
    jinja2.runtime.escape = escape  # type: ignore[attr-defined]
