"""The library patches give what the libraries give: WTForms' `html_params`, Flask-Babel's
translations; one setting turns them all off."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale, gettext, lazy_gettext, refresh
from jinja2 import ChainableUndefined, DebugUndefined, StrictUndefined, Undefined, UndefinedError
from markupsafe import Markup

from helpdesk.speedups import babel_context, babel_lookup, babel_templates, jinja_escape
from helpdesk.speedups.wtforms_params import html_params, wtforms_html_params

CASES: list[dict[str, Any]] = [
    {},
    {"id": "reply-body", "name": "reply-body", "maxlength": 20000, "required": True, "rows": 5},
    {"class_": "label", "for": "assign-assignee"},
    {"value": 'a "quoted" <b>&</b>', "disabled": False, "selected": True},
    {"value": Markup('<i title="x">ok</i>'), "data_hx_target": "#case-body"},
    {"aria_describedby": "a-hint a-error", "aria_invalid": "true"},
    {"value": 0, "type": "hidden", "name": "n'ame"},
]


@pytest.mark.parametrize("attrs", CASES)
def test_same_text_as_wtforms(attrs: dict[str, Any]) -> None:
    ours, theirs = html_params(**attrs), wtforms_html_params(**attrs)
    assert ours == theirs
    assert isinstance(ours, Markup)


class _Html:
    """An object that renders itself as HTML."""

    def __html__(self) -> str:
        return "<em>mine</em>"


class _Text(str):
    """A str subclass (not Markup): escaped as text."""


ESCAPED: list[Any] = [
    "",
    "Plain words",
    "a \"quoted\" <b>&</b> 'single'",
    "één — ✓ <",
    Markup("<i>kept</i>"),
    Markup(""),
    _Html(),
    _Text("<sub>class</sub>"),
    0,
    12345,
    -1.5,
    None,
    True,
    date(2026, 12, 4),
    Undefined(hint="an inline if-expression evaluated to false"),
    Undefined(name="missing"),
    ChainableUndefined(name="chained"),
    DebugUndefined(name="shown"),
]


@pytest.mark.parametrize("value", ESCAPED)
def test_escape_gives_markupsafes_markup(value: Any) -> None:
    ours, theirs = jinja_escape.escape(value), jinja_escape.original_escape(value)
    assert ours == theirs
    assert type(ours) is type(theirs) is Markup


def test_strict_undefined_fails_with_either_escape() -> None:
    for escape in (jinja_escape.escape, jinja_escape.original_escape):
        with pytest.raises(UndefinedError):
            escape(StrictUndefined(name="missing"))


def test_templates_render_the_same_with_either_escape(monkeypatch: pytest.MonkeyPatch) -> None:
    """A template compiled after install() uses the patch's escape; its output is what the
    stock escape gives."""
    import jinja2.runtime
    from jinja2 import Environment

    source = (
        '{% for v in values %}<p title="{{ v }}">{{ v }}</p>{% endfor %}{{ html }}'
        "<a class=\"{{ 'active' if current }}\">{{ 'yes' if values else 'no' }}</a>{{ gone }}"
    )
    context = {"values": ESCAPED, "html": Markup("<br>"), "current": False}
    monkeypatch.setattr(jinja2.runtime, "escape", jinja_escape.original_escape)
    stock = Environment(autoescape=True).from_string(source)
    monkeypatch.setattr(jinja2.runtime, "escape", jinja_escape.escape)
    ours = Environment(autoescape=True).from_string(source)
    assert ours.root_render_func.__globals__["escape"] is jinja_escape.escape
    assert stock.root_render_func.__globals__["escape"] is jinja_escape.original_escape
    assert ours.render(context) == stock.render(context)


@pytest.mark.parametrize(
    ("text", "variables"),
    [
        ("Received", {}),
        ("Quick <filters> & more", {}),
        ("100%% sure", {}),
        ("%(name)s wrote", {"name": "<b>Anna</b>"}),
        ("No placeholder", {"num": 3}),
    ],
)
@pytest.mark.parametrize("autoescape", [True, False])
def test_template_gettext_formats_as_jinjas_newstyle(
    text: str, variables: dict[str, Any], autoescape: bool
) -> None:
    """Jinja's newstyle gettext: Markup (when autoescaping) %-formatted with the variables,
    even with none (so "%%" is "%")."""
    context = SimpleNamespace(eval_ctx=SimpleNamespace(autoescape=autoescape))
    expected = (Markup(text) if autoescape else text) % variables  # noqa: S704
    got = babel_templates._finish(context, text, dict(variables))  # type: ignore[arg-type]
    assert got == expected
    assert type(got) is type(expected)


PROBE = """
import sys, wtforms.widgets.core as core
from flask import render_template_string
from helpdesk import create_app
import flask_babel
from helpdesk.speedups import babel_context, babel_lookup, babel_templates, wtforms_params
app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                  "DATA_DIR": sys.argv[1], "UPLOAD_DIR": sys.argv[1] + "/uploads"})
patched = core.html_params is wtforms_params.html_params
patched = patched and flask_babel.Domain.get_translations is babel_lookup.get_translations
patched = patched and flask_babel._get_current_context is babel_context.get_current_context
import jinja2.runtime
from helpdesk.speedups import jinja_escape
patched = patched and jinja2.runtime.escape is jinja_escape.escape
bound = babel_templates._callables in app.template_context_processors[None]
with app.test_request_context("/"):
    page = render_template_string(
        "{{ _('Received') }}|{{ ngettext('%(num)d day', '%(num)d days', 2) }}"
    )
print(patched, bound, page)
"""


@pytest.mark.parametrize(("setting", "expected"), [("1", "True True"), ("0", "False False")])
def test_one_setting_switches_every_library_patch(
    tmp_path: Path, setting: str, expected: str
) -> None:
    env = {**os.environ, "HELPDESK_LIBRARY_PATCHES": setting}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path)],
        env=env, capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    # Patched or stock, templates say the same words.
    assert done.stdout.strip() == f"{expected} Received|2 days"


def test_translations_follow_the_locale_within_a_request(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The remembered catalogue is the locale's: ?lang=, force_locale and refresh() within
    one request each give the words Flask-Babel's own lookup gives. The patch is put in
    for this test, so the run with HELPDESK_LIBRARY_PATCHES=0 checks it too."""
    import flask_babel

    monkeypatch.setattr(flask_babel.Domain, "get_translations", babel_lookup.get_translations)
    # Each context starts with refresh(), as every request does (web._fresh_locale): the
    # test's app context, like a command's, outlives its requests.
    with app.test_request_context("/?lang=nl"):
        refresh()
        assert gettext("Received") == "Ontvangen"
        assert str(lazy_gettext("Received")) == "Ontvangen"
        with force_locale("en"):
            assert gettext("Received") == "Received"
        assert gettext("Received") == "Ontvangen"
    with app.test_request_context("/?lang=en"):
        refresh()
        assert gettext("Received") == "Received"
        config = flask_babel.get_babel()
        chosen = config.locale_selector
        config.locale_selector = lambda: "nl"  # the language chosen anew after refresh()
        try:
            refresh()
            assert gettext("Received") == "Ontvangen"
        finally:
            config.locale_selector = chosen
    domain = flask_babel.get_domain()
    with app.test_request_context("/?lang=nl"):
        refresh()
        ours = babel_lookup.get_translations(domain)
        assert ours is babel_lookup.get_translations(domain)  # remembered
        assert ours is babel_lookup.original_get_translations(domain)  # Flask-Babel's own


def test_babel_context_is_flask_babels_namespace(app: Flask) -> None:
    """The namespace found through Flask's context variable is the one Flask-Babel's own
    function finds on `g` (made by either, then shared), one per application context, and
    None outside one."""
    ours, theirs = babel_context.get_current_context, babel_context.original_get_current_context
    outside: list[object] = []
    # A new thread starts without any context (the fixture keeps one pushed in this one).
    worker = threading.Thread(target=lambda: outside.extend([ours(), theirs()]))
    worker.start()
    worker.join()
    assert outside == [None, None]
    with app.app_context():
        made = ours()
        assert made is not None and made is theirs()
        with app.test_request_context("/"):  # a request in it shares its `g`
            assert ours() is made
    with app.app_context():  # another context, another `g`: made anew, by either
        first = theirs()
        assert first is not None and first is not made and ours() is first
