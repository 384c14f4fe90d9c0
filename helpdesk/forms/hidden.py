"""A form's hidden inputs as one string, without a WTForms widget call per field.

Flask-WTF's `hidden_tag()` renders every hidden field through WTForms (render keywords,
flags, sorted and escaped attributes). The plain hidden input (no render keywords, not
disabled, no datalist) always reads `<input id=".." name=".." type="hidden" value="..">`
(attributes in sorted order, values escaped), so that is written directly; anything else
still goes through WTForms.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape
from wtforms.widgets import HiddenInput


def _plain(field: Any) -> bool:
    """True when WTForms would render exactly id, name, type and value."""
    return (
        type(field.widget) is HiddenInput
        and not field.render_kw
        and getattr(field, "_datalist", None) is None
        and not getattr(field.flags, "disabled", False)
    )


def hidden_inputs(fields: Any) -> Markup:
    """What Flask-WTF's `hidden_tag()` renders for `fields` (a form, or its fields)."""
    parts: list[str] = []
    for field in fields:
        if not isinstance(field.widget, HiddenInput):
            continue
        if _plain(field):
            parts.append(
                f'<input id="{escape(field.id)}" name="{escape(field.name)}" '
                f'type="hidden" value="{escape(field._value())}">'
            )
        else:
            parts.append(str(field))
    return Markup("\n".join(parts))  # noqa: S704 - values escaped, fields render safely
