"""The fast `html_params` writes exactly what WTForms' own does."""

from __future__ import annotations

from typing import Any

import pytest
from markupsafe import Markup

from helpdesk.forms.html_attrs import html_params, wtforms_html_params

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
