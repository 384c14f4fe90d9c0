"""Forms for outcomes, final responses, templates, and the customer's review/rating.

The rules (lengths, amounts, files, statuses) live in the services, which report errors per
field; these forms parse the request, carry the CSRF token and show those errors.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, ValidationError

from ..domain.outcomes import OutcomeKind
from ..files.uploads import Upload
from ..models import Complaint
from ..services.casework import Seen, seen_now
from ..services.outcome_checks import OutcomeInput
from ..services.outcome_errors import InvalidInput
from ..services.root_causes import MAX_NOTE, label, list_root_causes
from . import radios
from .base import Form

#: The words next to each rating (1 = worst).
RATING_WORDS = {
    1: _l("1 – Very dissatisfied"),
    2: _l("2 – Dissatisfied"),
    3: _l("3 – Neutral"),
    4: _l("4 – Satisfied"),
    5: _l("5 – Very satisfied"),
}


def _int_or_none(value: Any) -> int | None:
    """A radio value as an int; anything odd becomes None (the service then says why)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class VersionedForm(Form):
    """A form that carries the version of the row it was rendered with."""

    version = IntegerField(widget=HiddenField.widget, validators=[InputRequired()])

    def set_version(self, version: int) -> None:
        """Carry `version` from now on (a posted value would otherwise be shown again)."""
        self.version.data = version
        self.version.raw_data = None


class CaseForm(VersionedForm):
    """A form on a complaint: the version plus the fingerprint of what the writer saw."""

    seen = HiddenField()

    def seen_value(self) -> Seen | int:
        """What the page showed, for services.casework.check_fresh."""
        return Seen.parse(int(self.version.data or 0), self.seen.data)

    def show_current(self, complaint: Complaint) -> None:
        """Carry the complaint's current state (a fresh form, or after a stale edit)."""
        self.set_version(complaint.version)
        self.seen.data = seen_now(complaint).encode()


class OutcomeForm(CaseForm):
    """The response text and every kind's fields; only the chosen kind's fields are shown."""

    body = TextAreaField(_l("Response to the customer"), render_kw={"rows": 14})
    items = TextAreaField(_l("Items sent"), render_kw={"rows": 3})
    carrier = StringField(_l("Carrier"), render_kw={"list": "carriers", "maxlength": 100})
    tracking_number = StringField(_l("Tracking number"), render_kw={"maxlength": 100})
    amount = StringField(_l("Amount (EUR)"), render_kw={"inputmode": "decimal", "maxlength": 20})
    refund_type = RadioField(
        _l("Full or partial refund"),
        choices=[
            SelectChoice("full", _l("Full refund")),
            SelectChoice("partial", _l("Partial refund")),
        ],
        validate_choice=False,
    )
    file = FileField(_l("Replacement file"))
    root_cause = SelectField(_l("Root cause"), validate_choice=False)
    root_cause_note = TextAreaField(
        _l("Root cause note"), render_kw={"rows": 2, "maxlength": MAX_NOTE}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The list managers keep, as it is now (services.root_causes).
        self.root_cause.choices = [
            SelectChoice("", _l("Choose the root cause")),
            *(SelectChoice(cause.key, label(cause)) for cause in list_root_causes()),
        ]

    def to_input(self, kind: OutcomeKind) -> OutcomeInput:
        """The typed values as the service's input (the file read into memory)."""
        upload = None
        storage = self.file.data
        if isinstance(storage, FileStorage) and storage.filename:
            upload = Upload(str(storage.filename), storage.read())
        return OutcomeInput(
            kind=kind,
            body=self.body.data or "",
            items=self.items.data or "",
            carrier=self.carrier.data or "",
            tracking_number=self.tracking_number.data or "",
            amount=self.amount.data or "",
            refund_type=self.refund_type.data or "",
            file=upload,
            root_cause=self.root_cause.data or "",
            root_cause_note=self.root_cause_note.data or "",
        )


class TemplateForm(VersionedForm):
    """A manager's edit of one outcome template."""

    body = TextAreaField(_l("Template text"), render_kw={"rows": 18})


class ReviewForm(Form):
    """The customer's "Request a review"."""

    reason = TextAreaField(
        _l("Why would you like us to review our decision?"),
        render_kw={"rows": 6, "maxlength": 5000, "minlength": 10},
    )


class RatingForm(Form):
    """The customer's "Rate this resolution": two questions, the outcome and how the
    complaint was handled, both answered on a scale of 1 to 5, and an optional comment.
    (services.ratings also keeps ratings from before the second question, without it.)"""

    score = radios.RadioField(
        _l("How satisfied are you with the outcome?"),
        choices=[SelectChoice(str(score), words) for score, words in RATING_WORDS.items()],
        coerce=_int_or_none,
        validate_choice=False,
    )
    handling_score = radios.RadioField(
        _l("How satisfied are you with how your complaint was handled?"),
        choices=[SelectChoice(str(score), words) for score, words in RATING_WORDS.items()],
        coerce=_int_or_none,
        validate_choice=False,
    )
    comment = TextAreaField(_l("Comment (optional)"), render_kw={"rows": 3, "maxlength": 2000})

    def validate_score(self, field: RadioField) -> None:
        """Both questions are answered (a value out of range is the service's to refuse)."""
        if field.data is None:
            raise ValidationError(_l("Choose a rating from 1 to 5."))

    def validate_handling_score(self, field: RadioField) -> None:
        """Both questions are answered."""
        self.validate_score(field)


def show_errors(form: FlaskForm, error: InvalidInput) -> None:
    """Put a service's field errors next to the form's fields (unknown fields: at the top)."""
    for name, message in error.errors.items():
        field = form._fields.get(name)
        if field is not None:
            field.errors = [*list(field.errors or []), message]
        else:
            form.form_errors.append(message)
