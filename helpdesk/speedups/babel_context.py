"""Flask-Babel's per-context namespace found without going through `flask.g`'s proxy.

Flask-Babel's `_get_current_context` runs for every `get_locale`, `get_domain` and
translation lookup, about a hundred times a staff page: `not g`, `hasattr(g, …)` and `g.…`
each resolve the `g` proxy through Werkzeug's LocalProxy. This reads the same object (the
namespace kept on the application context's `g`) from Flask's context variable directly:
the same namespace, created the same way, None outside an application context.
"""

from __future__ import annotations

from types import SimpleNamespace

import flask_babel
from flask.globals import _cv_app

#: Flask-Babel's own function (kept for the tests and for uninstalling).
original_get_current_context = flask_babel._get_current_context


def get_current_context() -> SimpleNamespace | None:
    """Flask-Babel's namespace on this application context's `g`, made on first use."""
    app_context = _cv_app.get(None)
    if app_context is None:
        return None
    g = app_context.g
    try:
        namespace: SimpleNamespace = g._flask_babel
    except AttributeError:
        namespace = g._flask_babel = SimpleNamespace()
    return namespace


def install() -> None:
    """Patch Flask-Babel's module function (idempotent): its functions look it up by name."""
    flask_babel._get_current_context = get_current_context
