"""Helpers for the staff tests: real complaints on real dates, logging in through the real form,
and filling the real HTML forms by their labels and buttons (a tiny stdlib HTML parser)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from helpdesk.models import Complaint, Staff
from helpdesk.services.submission import NewComplaint, submit_complaint
from tests.conftest import STAFF_PASSWORD

# Monday 20 April 2026, 10:00 in Amsterdam. Acknowledgement due Wednesday 22 April; King's Day
# (Monday 27 April) is a day off, so the 7-business-day response is due Thursday 30 April.
MONDAY = datetime(2026, 4, 20, 8, 0, tzinfo=UTC)

HTMX = {"HX-Request": "true"}


def new_complaint(*, now: datetime = MONDAY, **fields: Any) -> Complaint:
    """A complaint made by the real submission service (acknowledgement email queued)."""
    values: dict[str, Any] = {
        "name": "Anna de Boer",
        "email": "anna@example.com",
        "order_number": "NL-2026-004512",
        "category": "digital",
        "description": "The e-book I bought will not open on my reader.",
    }
    values.update(fields)
    return submit_complaint(NewComplaint(**values), now=now)


def login(client: FlaskClient, staff: Staff, password: str = STAFF_PASSWORD) -> TestResponse:
    """Log in through the real /staff/login form."""
    page = client.get("/staff/login")
    return submit(
        client, page.get_data(as_text=True), "Log in", {"Email": staff.email, "Password": password}
    )


@dataclass
class Form:
    """One <form> as a browser would send it."""

    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)  # element id → field name
    buttons: list[str] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)

    def data(self) -> dict[str, str]:
        """The values the form would send (last one wins)."""
        return dict(self.fields)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.labels: dict[str, str] = {}
        self._form: Form | None = None
        self._label: tuple[str, list[str]] | None = None
        self._button: list[str] | None = None
        self._textarea: tuple[str, list[str]] | None = None
        self._select: tuple[str, list[tuple[str, bool]]] | None = None

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if tag == "form":
            self._form = Form(
                attrs.get("action", ""), attrs.get("method", "get").lower(), attrs=attrs
            )
            self.forms.append(self._form)
        elif tag == "label":
            self._label = (attrs.get("for", ""), [])
        elif tag == "button":
            self._button = []
        elif self._form is not None and "name" in attrs and tag in ("input", "textarea", "select"):
            self._field(tag, attrs)
        elif tag == "option" and self._select is not None:
            self._select[1].append((attrs.get("value", ""), "selected" in attrs))

    def _field(self, tag: str, attrs: dict[str, str]) -> None:
        assert self._form is not None
        name = attrs["name"]
        if "id" in attrs:
            self._form.ids[attrs["id"]] = name
        if tag == "textarea":
            self._textarea = (name, [])
        elif tag == "select":
            self._select = (name, [])
        elif attrs.get("type") not in ("checkbox", "radio", "submit", "file") or "checked" in attrs:
            self._form.fields.append((name, attrs.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "label" and self._label is not None:
            self.labels[self._label[0]] = " ".join("".join(self._label[1]).split())
            self._label = None
        elif tag == "button" and self._button is not None:
            if self._form is not None:
                self._form.buttons.append(" ".join("".join(self._button).split()))
            self._button = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            text = "".join(self._textarea[1]).removeprefix("\r\n").removeprefix("\n")
            self._form.fields.append((self._textarea[0], text))
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            options = self._select[1]
            chosen = [v for v, sel in options if sel] or [v for v, _ in options[:1]]
            if chosen:
                self._form.fields.append((self._select[0], chosen[0]))
            self._select = None

    def handle_data(self, data: str) -> None:
        for part in (
            self._label[1] if self._label else None,
            self._button,
            self._textarea[1] if self._textarea else None,
        ):
            if part is not None:
                part.append(data)


def parse_forms(html: str) -> tuple[list[Form], dict[str, str]]:
    """Every form on the page and the label texts by the id they point at."""
    parser = _Parser()
    parser.feed(html)
    return parser.forms, parser.labels


def find_form(html: str, button: str) -> Form:
    """The form with a submit button reading exactly `button`."""
    forms, _labels = parse_forms(html)
    matches = [f for f in forms if button in f.buttons]
    assert matches, f"no form with a {button!r} button"
    return matches[0]


def field_name(html: str, form: Form, label: str) -> str:
    """The name of the field in `form` that the label reading `label` points at."""
    _forms, labels = parse_forms(html)
    for element_id, text in labels.items():
        if text == label and element_id in form.ids:
            return form.ids[element_id]
    raise AssertionError(f"no field labelled {label!r} in the form")


def submit(
    client: FlaskClient,
    html: str,
    button: str,
    fill: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> TestResponse:
    """Fill fields by label and press `button`, as a browser would (POST or GET)."""
    form = find_form(html, button)
    data = form.data()
    for label, value in (fill or {}).items():
        data[field_name(html, form, label)] = value
    if form.method == "post":
        return client.post(form.action, data=data, headers=headers or {})
    return client.get(form.action, query_string=data, headers=headers or {})
