"""Forms for the managers' improvement pages: the root-cause list (names in English and
Dutch) and corrective actions (record one, mark it done, record whether it worked).

The rules (lengths, known root causes, owners, reference codes, dates) live in
services.root_causes and services.corrective_actions, which report errors per field; these
forms parse what was typed (keeping it as typed, so a bad date comes back as it was) and
carry the CSRF token.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import (
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from ..models import Staff
from ..services.corrective_actions import (
    DID_NOT_WORK,
    MAX_TITLE,
    WORKED,
    ActionInput,
)
from ..services.root_causes import MAX_NAME, RootCauseNames, label, list_root_causes
from .base import Form

#: What separates reference codes typed into one box: commas, semicolons, spaces, new lines.
_SEPARATORS = re.compile(r"[\s,;]+")


def parse_day(text: str | None) -> date | None:
    """A typed YYYY-MM-DD date, else None (the service then says what it needs)."""
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def _int_or_none(text: str | None) -> int | None:
    """A typed whole number, else None."""
    try:
        return int((text or "").strip())
    except ValueError:
        return None


class RootCauseForm(Form):
    """A root cause's names: "English name" and "Dutch name" (both required)."""

    name = StringField(_l("English name"), render_kw={"maxlength": MAX_NAME})
    name_nl = StringField(_l("Dutch name"), render_kw={"maxlength": MAX_NAME, "lang": "nl"})

    def to_names(self) -> RootCauseNames:
        """The names as typed, for the service."""
        return RootCauseNames(name=self.name.data or "", name_nl=self.name_nl.data or "")


class CheckboxesField(SelectMultipleField):  # type: ignore[misc]
    """A list of checkboxes (several may be ticked)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ActionForm(Form):
    """ "Record a corrective action": what, the root cause, the owner, the due date, when to
    check it worked, and the complaints it answers (typed codes and ticked ones)."""

    title = StringField(_l("What will be done"), render_kw={"maxlength": MAX_TITLE})
    details = TextAreaField(_l("Details (optional)"), render_kw={"rows": 4})
    root_cause = SelectField(_l("Root cause"), validate_choice=False)
    owner = SelectField(_l("Owner"), validate_choice=False)
    due_on = StringField(_l("Due date"), render_kw={"type": "date"})
    check_after_days = StringField(
        _l("Check whether it worked after (days)"),
        default="60",
        render_kw={"inputmode": "numeric", "size": 4, "maxlength": 4},
    )
    complaints = TextAreaField(_l("Reference codes"), render_kw={"rows": 3, "spellcheck": "false"})
    picked = CheckboxesField(_l("Recent complaints with this root cause"), validate_choice=False)

    def offer(self, owners: Iterable[Staff]) -> None:
        """The choices: the root causes offered now and the active staff. (The complaints to
        tick are listed by the page itself, with their dates.)"""
        self.root_cause.choices = [
            SelectChoice("", _l("Choose the root cause")),
            *(SelectChoice(cause.key, label(cause)) for cause in list_root_causes()),
        ]
        self.owner.choices = [
            SelectChoice("", _l("Choose the owner")),
            *(SelectChoice(str(staff.id), staff.name) for staff in owners),
        ]

    def ticked(self) -> list[str]:
        """The reference codes of the complaints ticked (as posted)."""
        return [str(code) for code in self.picked.data or []]

    def typed_references(self) -> list[str]:
        """The codes typed in the box and the ticked ones, in that order."""
        typed = [code for code in _SEPARATORS.split(self.complaints.data or "") if code]
        return [*typed, *self.ticked()]

    def to_input(self) -> ActionInput:
        """The typed values as the service's input."""
        return ActionInput(
            title=self.title.data or "",
            root_cause=self.root_cause.data or "",
            owner_id=_int_or_none(self.owner.data),
            due_on=parse_day(self.due_on.data),
            details=self.details.data or "",
            complaints=self.typed_references(),
            check_after_days=_int_or_none(self.check_after_days.data),
        )


class DoneForm(Form):
    """ "Mark as done", with the day it was done (today unless changed)."""

    done_on = StringField(_l("Done on"), render_kw={"type": "date"})


class CheckForm(Form):
    """ "Record the check": whether the action worked, and what was found."""

    worked = RadioField(
        _l("Did it work?"),
        choices=[
            SelectChoice(WORKED, _l("Yes, it worked")),
            SelectChoice(DID_NOT_WORK, _l("No, it did not work")),
        ],
        validate_choice=False,
    )
    note = TextAreaField(_l("What you found (optional)"), render_kw={"rows": 3})

    def validate_worked(self, field: RadioField) -> None:
        """One of the two answers is needed."""
        if field.data not in (WORKED, DID_NOT_WORK):
            raise ValidationError(_l("Say whether the action worked."))
