"""Parts of a page kept per process as HTML, for inputs that decide them completely.

Some parts of a page are the same HTML for every view with the same inputs: the inbox's
quick filters and selects (a tenth of the inbox's work) for the same filters, counts,
assignable staff and language; a fresh complaint form's visible fields (nearly half of the
form's GET) for the same language. `render` renders such a template once for a key that
names every input the template reads, and then gives the kept HTML back. The key is the
caller's promise: a template rendered through here must read nothing but its variables
(and the language and script root, which are part of every key), and nothing a customer
or staff member typed may be kept.

Kept per application, at most `SIZE` fragments, the least recently used dropped first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from flask import current_app, render_template, request
from flask_babel import get_locale
from markupsafe import Markup

#: Fragments kept per application (an inbox filter fragment is 10-15 KB: at most about 4 MB).
SIZE = 256


class Fragments:
    """One application's kept fragments: (template, language, script root, key) → HTML."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self.lock = threading.Lock()
        self.kept: OrderedDict[tuple[Any, ...], Markup] = OrderedDict()

    def render(self, template: str, key: Hashable, **context: Any) -> Markup:
        """The template rendered with `context`, or what it gave for the same key before."""
        full = (template, str(get_locale()), request.script_root, key)
        with self.lock:
            html = self.kept.get(full)
            if html is not None:
                self.kept.move_to_end(full)
                return html
        html = Markup(render_template(template, **context))  # noqa: S704 - a template's output
        with self.lock:
            self.kept[full] = html
            while len(self.kept) > self.size:
                self.kept.popitem(last=False)
        return html


def kept_fragment(template: str, key: Hashable, **context: Any) -> Markup:
    """`Fragments.render` with the current application's fragments."""
    found = current_app.extensions.get("helpdesk_fragments")
    if found is None:  # the first fragment of this application
        found = current_app.extensions.setdefault("helpdesk_fragments", Fragments())
    fragments: Fragments = found
    return fragments.render(template, key, **context)
