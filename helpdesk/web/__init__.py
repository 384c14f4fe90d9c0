"""Request-side glue: htmx detection and fragment rendering, locale choice, template helpers."""

from __future__ import annotations

from typing import Any

import flask_babel
from flask import (
    Flask,
    Response,
    current_app,
    has_request_context,
    render_template,
    request,
    session,
)
from jinja2_fragments.flask import render_block

from ..domain.reference import format_reference
from ..files.thumbnails import has_thumbnail
from ..words import dates, labels


def is_htmx() -> bool:
    """True for an htmx request that wants a fragment (not boosted, not a history restore)."""
    headers = request.headers
    return (
        headers.get("HX-Request") == "true"
        and headers.get("HX-History-Restore-Request") != "true"
        and headers.get("HX-Boosted") != "true"
    )


def render(template: str, block: str | None = None, **context: Any) -> str:
    """The whole page, or only `block` of it when htmx asks (the page includes the fragment)."""
    if block and is_htmx():
        return str(render_block(template, block, **context))
    return render_template(template, **context)


def select_locale() -> str:
    """?lang= (remembered in the session), then the session, then the browser's preference."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        # Commands and services outside a request (mail ingest, seeding): the default language.
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])
    asked = request.args.get("lang")
    if asked in languages:
        session["lang"] = asked
        return str(asked)
    if session.get("lang") in languages:
        return str(session["lang"])
    return request.accept_languages.best_match(languages) or languages[0]


def _add_vary(response: Response) -> Response:
    if response.mimetype == "text/html":
        response.vary.add("HX-Request")
    return response


def _fresh_locale() -> None:
    # Flask-Babel caches the locale on `g`, which outlives a request when an app context was
    # already pushed (tests, commands): choose the language again for every request.
    flask_babel.refresh()


def init_app(app: Flask) -> None:
    """Template filters and globals, and the Vary header for htmx-aware pages."""
    app.before_request(_fresh_locale)
    app.after_request(_add_vary)
    app.jinja_env.filters.update(dates.FILTERS)
    app.jinja_env.filters.update(
        reference=format_reference,
        status_label=labels.status_label,
        staff_status_label=labels.staff_status_label,
        category_label=labels.category_label,
        outcome_label=labels.outcome_label,
        preferred_solution_label=labels.preferred_solution_label,
        action_label=labels.action_label,
        message_kind_label=labels.message_kind_label,
        has_thumbnail=has_thumbnail,
    )
    app.jinja_env.globals.update(
        CATEGORIES=labels.CATEGORIES,
        STATUSES=labels.STATUSES,
        OUTCOMES=labels.OUTCOMES,
        current_locale=lambda: select_locale_cached(),
    )


def select_locale_cached() -> str:
    """The locale already chosen for this request."""
    from flask_babel import get_locale

    locale = get_locale()
    return str(locale) if locale else "en"
