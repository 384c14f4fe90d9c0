"""Staff forms: login, and the small action forms of the case page (each carries the version).

The case page shows several forms at once, so each gets a prefix ("reply-body",
"note-body", …) and the labels stay unique. Every action form carries the complaint's
version and a fingerprint of what the writer saw (see services.casework.Seen).
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Regexp

from ..words import labels
from .base import Form

MAX_TEXT = 20_000


def _strip(value: Any) -> Any:
    """Surrounding spaces are never meant."""
    return value.strip() if isinstance(value, str) else value


class LoginForm(Form):
    """/staff/login: labels "Email" and "Password" (PRODUCT.md)."""

    email = StringField(
        _l("Email"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Please enter your email address.")),
            Length(max=320, message=_l("This email address is too long.")),
        ],
        render_kw={"autocomplete": "username", "type": "email", "maxlength": 320},
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(_l("Please enter your password.")),
            Length(max=1024, message=_l("This password is too long.")),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class CaseActionForm(Form):
    """What every case action carries: the version and fingerprint the page was shown with."""

    version = HiddenField(validators=[InputRequired(), Regexp(r"^\d{1,9}$")])
    seen = HiddenField(validators=[Length(max=200)])

    def version_seen(self) -> int:
        """The version as a number (validated before this is called)."""
        return int(self.version.data)


def _text(label: Any, required: Any) -> TextAreaField:
    """A required text box of at most MAX_TEXT characters."""
    return TextAreaField(
        label,
        filters=[_strip],
        validators=[
            DataRequired(required),
            Length(max=MAX_TEXT, message=_l("Please use at most 20,000 characters.")),
        ],
        render_kw={"rows": 5, "maxlength": MAX_TEXT},
    )


class ReplyForm(CaseActionForm):
    """Reply: a message the customer reads and receives by email."""

    body = _text(_l("Your reply"), _l("Please write your reply."))


class InfoRequestForm(CaseActionForm):
    """Request information: asks the customer for more; the response clock pauses."""

    body = _text(
        _l("What do you need from the customer?"),
        _l("Please say what information you need."),
    )


class NoteForm(CaseActionForm):
    """Add internal note: for staff only, never emailed or shown to the customer."""

    body = _text(_l("Internal note"), _l("Please write the note."))


class AcknowledgeForm(CaseActionForm):
    """Acknowledge: confirms receipt by hand (meets the acknowledgement clock)."""


class AssignForm(CaseActionForm):
    """Assign: to me, to a colleague, or to nobody. Choices are set per request."""

    assignee = SelectField(_l("Assign to"), choices=[], validate_choice=True)

    def set_people(self, people: list[tuple[int, str]], me: int) -> None:
        """Offer "me" first, then the other active staff, then nobody."""
        mine = [SelectChoice(str(me), _l("Me"))]
        others = [SelectChoice(str(pid), name) for pid, name in people if pid != me]
        self.assignee.choices = [*mine, *others, SelectChoice("", _l("Nobody (unassigned)"))]


class CategoryForm(CaseActionForm):
    """Change category: one of the six policy categories."""

    category = SelectField(
        _l("Category"),
        choices=[SelectChoice(key, value) for key, value in labels.CATEGORY_SHORT.items()],
        validate_choice=True,
    )
