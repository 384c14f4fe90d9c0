"""Radio options rendered without WTForms' option fields give the same HTML as those do."""

from __future__ import annotations

from typing import Any

import pytest
import wtforms
from werkzeug.datastructures import MultiDict
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from helpdesk.forms.radios import RadioField

CHOICES = [SelectChoice("1", "One <b>"), SelectChoice("2", "Two & more"), SelectChoice("3", "")]


class Plain(wtforms.Form):
    pick = RadioField("Pick", choices=CHOICES)


class Dressed(wtforms.Form):
    pick = RadioField(
        "Pick", choices=CHOICES, validators=[InputRequired()], render_kw={"data-x": "y"}
    )


def _stock(field: Any, **kwargs: Any) -> list[tuple[str, str, str]]:
    """What iterating the field (WTForms' own option fields) renders."""
    return [(str(o(**kwargs)), str(o.label.text), o.id) for o in field]


def _light(field: Any, **kwargs: Any) -> list[tuple[str, str, str]]:
    return [(str(o(**kwargs)), str(o.label), o.id) for o in field.options()]


@pytest.mark.parametrize("form_class", [Plain, Dressed])
@pytest.mark.parametrize("sent", [None, "2", "9"])
@pytest.mark.parametrize("extra", [{}, {"aria-describedby": "pick-error"}])
def test_options_render_as_wtforms_option_fields(
    form_class: type[wtforms.Form], sent: str | None, extra: dict[str, str]
) -> None:
    form = form_class(MultiDict({"pick": sent} if sent else {}))
    assert _light(form.pick, **extra) == _stock(form.pick, **extra)
    checked = [o.checked for o in form.pick.options()]
    assert checked == [sent == "1", sent == "2", False]


def test_what_the_options_render_is_escaped_and_checked() -> None:
    form = Dressed(data={"pick": "2"})
    first, second, third = form.pick.options()
    assert str(second()) == (
        '<input checked data-x="y" id="pick-1" name="pick" required type="radio" value="2">'
    )
    assert str(first.label) == "One <b>"  # text; the template escapes it
    assert third.label == "3"  # no label: the value, as WTForms shows it
