"""Radio buttons rendered by WTForms' own widget, without an option Field per choice.

Iterating a WTForms RadioField builds a whole Field for each choice (its label, messages,
meta and processing) only to render one <input>: the customer's rating form has ten on
every page of a case that can be rated, a third of that page's work. `RadioField.options()`
gives light options instead, which the field's option widget renders through the form's
meta exactly as it renders WTForms' own (the tests compare the two, checked and not, with
and without extra attributes).
"""

from __future__ import annotations

from typing import Any

import wtforms
from markupsafe import Markup


class RadioOption:
    """One choice of a RadioField, as its option widget reads an option field."""

    __slots__ = ("_data", "checked", "field", "id", "label")

    def __init__(self, field: Any, index: int, value: Any, label: Any, checked: bool) -> None:
        self.field = field
        self.id = f"{field.id}-{index}"
        self.label = label
        self.checked = checked
        self._data = value

    @property
    def name(self) -> str:
        """The field's name: every option of a group sends the same."""
        return str(self.field.name)

    @property
    def flags(self) -> Any:
        """The field's flags (an option field gets them from the same validators)."""
        return self.field.flags

    @property
    def render_kw(self) -> Any:
        """The field's render keywords, as an option field is given them."""
        return self.field.render_kw

    @property
    def widget(self) -> Any:
        """The field's option widget (a RadioInput)."""
        return self.field.option_widget

    def _value(self) -> str:
        """The value attribute, as WTForms' option field gives it."""
        return str(self._data)

    def __call__(self, **kwargs: Any) -> Markup:
        """The <input>, as rendering WTForms' option field with `kwargs` gives it."""
        rendered: Markup = self.field.meta.render_field(self, kwargs)
        return rendered


class RadioField(wtforms.RadioField):  # type: ignore[misc]
    """WTForms' RadioField with `options()`: its choices to render, without option fields."""

    def options(self) -> list[RadioOption]:
        """Each choice as a RadioOption (id, label, checked), in order."""
        return [
            RadioOption(self, index, choice.value, choice.label or choice.value, choice.selected)
            for index, choice in enumerate(self.iter_choices())
        ]
