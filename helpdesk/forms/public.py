"""The customer's forms: submit a complaint, open it with code + email, send an answer."""

from __future__ import annotations

import re
import uuid
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    EmailField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, Length, Optional, Regexp, ValidationError

from ..domain.outcomes import PREFERRED_SOLUTIONS
from ..domain.reference import is_reference
from ..services.submission import NewComplaint
from ..words import labels
from .base import Form

#: A practical address check (no dependency): one @, a dotted domain, no spaces or brackets.
EMAIL_RE = re.compile(
    r"^[\w.!#$%&'*+/=?^`{|}~-]+@[^\W_](?:[\w-]{0,61}[^\W_])?(?:\.[^\W_](?:[\w-]{0,61}[^\W_])?)+\Z"
)
_BAD_EMAIL = _l("Please enter a valid email address, like name@example.com.")
_BAD_REFERENCE = _l("A reference code has 12 letters and digits, like ABCD-EFGH-JK12.")
TOKEN_RE = re.compile(r"^[0-9a-f]{32}\Z")
ACCEPT = "image/jpeg,image/png,image/webp,application/pdf,.jpg,.jpeg,.png,.webp,.pdf"


def _strip(value: Any) -> Any:
    # NUL characters are never meant (and PostgreSQL refuses them): drop them with the spaces.
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


def _email_field() -> EmailField:
    return EmailField(
        _l("Email"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Please enter your email address.")),
            Length(max=254, message=_l("This email address is too long.")),
            Regexp(
                EMAIL_RE, message=_l("Please enter a valid email address, like name@example.com.")
            ),
        ],
        render_kw={"autocomplete": "email", "maxlength": 254},
    )


def new_submission_token() -> str:
    """A fresh token for one filled-in form (a retried POST of it makes one complaint)."""
    return uuid.uuid4().hex


class ComplaintForm(Form):
    """/complaints/new: labels exactly as PRODUCT.md names them."""

    name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Please enter your name.")),
            Length(max=200, message=_l("Please use at most 200 characters.")),
        ],
        render_kw={"autocomplete": "name", "maxlength": 200},
    )
    email = _email_field()
    order_number = StringField(
        _l("Order number"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=100, message=_l("Please use at most 100 characters.")),
        ],
        render_kw={"maxlength": 100},
    )
    category = SelectField(
        _l("Category"),
        choices=[
            SelectChoice("", _l("Choose what your complaint is about")),
            *(SelectChoice(key, words) for key, words in labels.CATEGORIES.items()),
        ],
        validators=[AnyOf(list(labels.CATEGORIES), message=_l("Please choose a category."))],
        validate_choice=False,
    )
    description = TextAreaField(
        _l("Description"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Please describe what went wrong.")),
            Length(min=10, message=_l("Please describe the problem in at least 10 characters.")),
            Length(max=20000, message=_l("Please keep the description under 20,000 characters.")),
        ],
        render_kw={"rows": 8, "maxlength": 20000},
    )
    attachments = MultipleFileField(_l("Attachments"), render_kw={"accept": ACCEPT})
    preferred_solution = SelectField(
        _l("Preferred solution"),
        choices=[
            SelectChoice("", _l("No preference given")),
            *(SelectChoice(key, labels.PREFERRED_SOLUTIONS[key]) for key in PREFERRED_SOLUTIONS),
        ],
        validators=[
            AnyOf(
                ["", *PREFERRED_SOLUTIONS], message=_l("Please choose one of the listed solutions.")
            )
        ],
        validate_choice=False,
        default="",  # a form posted without the field asked for nothing
    )
    submission_token = HiddenField()

    def new_complaint(self, *, language: str) -> NewComplaint:
        """The validated form as a web complaint in the page's language."""
        return NewComplaint(
            name=self.name.data,
            email=self.email.data,
            order_number=self.order_number.data or None,
            category=self.category.data,
            description=self.description.data,
            language=language,
            channel="web",
            submission_token=self.token(),
            preferred_solution=self.preferred_solution.data or None,
        )

    def token(self) -> str | None:
        """The form's submission token when it looks like one we made."""
        value = self.submission_token.data or ""
        return value if TOKEN_RE.match(value) else None


def _reference_check(form: FlaskForm, field: StringField) -> None:
    if field.data and not is_reference(field.data):
        raise ValidationError(_BAD_REFERENCE)


class TrackForm(Form):
    """/track: the code and the address together open a case."""

    reference = StringField(
        _l("Reference code"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Please enter your reference code.")),
            Length(
                max=64,
                message=_l("A reference code has 12 letters and digits, like ABCD-EFGH-JK12."),
            ),
            _reference_check,
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false", "maxlength": 64},
    )
    email = _email_field()


class AnswerForm(Form):
    """The customer's answer to a request for information."""

    body = TextAreaField(
        _l("Your answer"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Please write your answer.")),
            Length(max=20000, message=_l("Please keep your answer under 20,000 characters.")),
        ],
        render_kw={"rows": 6, "maxlength": 20000},
    )
    attachments = MultipleFileField(_l("Attachments"), render_kw={"accept": ACCEPT})
