"""Speed-ups that reach into libraries: the one switch for running on the stock libraries.

Each module here replaces or patches something a library does, for speed only, with the
same output (their tests compare against the library's own code):

- `wtforms_params`: WTForms' `html_params` without `Markup.format` (process-wide patch);
- `babel_templates`: template gettext bound once per rendering (Flask-Babel's looks the
  translations up on every call);
- `babel_lookup`: Flask-Babel's translations remembered per request and locale (every
  `gettext` and lazy string in Python code looked them up again);
- `babel_context`: Flask-Babel's per-context namespace read from Flask's context variable,
  not through the `g` proxy three times a call;
- `jinja_escape`: templates' autoescaped output through MarkupSafe's C escape without the
  Python `Markup.__new__` (process-wide, for templates loaded after it);
- `holidays_country`: the holiday country's module loaded without the package's other 250
  (about 8 MB a worker);
- `freeze_heap`: start-up objects moved out of the garbage collector's sight (wsgi.py).

`HELPDESK_LIBRARY_PATCHES=0` (setting LIBRARY_PATCHES) turns them all off, so a library
upgrade can be checked against the stock behaviour: CI runs the PostgreSQL pass of the
suite that way. The Whoosh speed-ups live behind the search package's own seam, and
WeasyPrint's behind the documents package's (documents/fast).
"""

from __future__ import annotations

import gc

from flask import Flask

from . import (
    babel_context,
    babel_lookup,
    babel_templates,
    holidays_country,
    jinja_escape,
    wtforms_params,
)


def enabled(app: Flask) -> bool:
    """True unless the setting turned the patches off."""
    return bool(app.config.get("LIBRARY_PATCHES", True))


def install(app: Flask) -> None:
    """Install every patch (idempotent); nothing when the setting is off."""
    if not enabled(app):
        return
    wtforms_params.install()
    jinja_escape.install()
    babel_context.install()
    babel_lookup.install()
    babel_templates.init_app(app)
    holidays_country.preload(app.config["HOLIDAY_COUNTRY"])


def freeze_heap(app: Flask) -> None:
    """After start-up, in a server process only: what is loaded lives as long as the process.

    Moved out of the collector's sight (about 125,000 objects: SQLAlchemy's mappers, Babel's
    locale data, the holiday calendar), a full collection in a warmed-up worker of the
    100,000-complaint benchmark takes about 4 ms instead of 65 ms.
    """
    if enabled(app):
        gc.freeze()
