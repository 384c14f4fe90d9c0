"""Forms of a referral to a dispute body: record or correct it, the shop's reply, the body's
decision, whether the shop carried it out.

The rules live in services.mediation_checks, which names the bad fields; these forms parse the
request (dates as the date input sends them, or as people type them), carry the CSRF token
and the referral's version, and show those errors.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from wtforms import (
    Field,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from ..domain.mediation import DECISIONS
from ..models import Referral
from .base import Form

#: The words for each decision of a dispute body.
DECISION_LABELS = {
    "upheld": _l("Complaint upheld"),
    "partly_upheld": _l("Complaint partly upheld"),
    "rejected": _l("Complaint rejected"),
    "settled": _l("Settled between the parties"),
    "withdrawn": _l("Withdrawn by the customer"),
}
#: Typed dates besides the ISO form date inputs send: 27-11-2026, 27/11/2026, 27.11.2026.
_TYPED = ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y")


def typed_date(field: Field) -> date | None:
    """The field's date (YYYY-MM-DD, or day-month-year as typed), else None."""
    text = (field.data or "").strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    for fmt in _TYPED:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def date_field(label: object) -> StringField:
    """A date input (text kept as typed, so a bad date is shown back with its message)."""
    return StringField(label, render_kw={"type": "date"})


class ReferralVersionForm(Form):
    """A form on one referral: carries the version it was shown with."""

    # Optional: a form posted without it is not checked for a stale edit (nor refused).
    version = IntegerField(widget=HiddenField.widget, validators=[Optional()])

    def version_seen(self) -> int | None:
        """The version the page showed (None when missing: the service then does not check)."""
        return self.version.data if isinstance(self.version.data, int) else None

    def show_current(self, referral: Referral) -> None:
        """Carry the referral's current version (a fresh form, or after a stale edit)."""
        self.version.data = referral.version
        self.version.raw_data = None


class ReferralForm(ReferralVersionForm):
    """Record a referral, or correct one's details."""

    body = StringField(_l("Dispute body"), render_kw={"list": "mediation-bodies", "maxlength": 200})
    referred_on = date_field(_l("Date of referral"))
    body_reference = StringField(_l("Their reference"), render_kw={"maxlength": 100})
    reply_due_on = date_field(_l("Our reply is due on"))
    note = TextAreaField(_l("Note"), render_kw={"rows": 3})

    def fill(self, referral: Referral) -> None:
        """The referral's details, for correcting them."""
        self.body.data = referral.body
        self.referred_on.data = referral.referred_on.isoformat()
        self.body_reference.data = referral.body_reference
        self.reply_due_on.data = referral.reply_due_on.isoformat()
        self.note.data = referral.note
        self.show_current(referral)


class ReplyForm(ReferralVersionForm):
    """The shop sent its reply to the body."""

    replied_on = date_field(_l("We replied on"))


class DecisionForm(ReferralVersionForm):
    """The body's decision."""

    decision = RadioField(
        _l("Decision"),
        choices=[SelectChoice(key, DECISION_LABELS[key]) for key in DECISIONS],
        validate_choice=False,
    )
    decided_on = date_field(_l("Date of the decision"))
    decision_note = TextAreaField(_l("Note on the decision"), render_kw={"rows": 3})


class ComplianceForm(ReferralVersionForm):
    """Whether the shop carried out the decision."""

    complied = RadioField(
        _l("Did the shop carry out the decision?"),
        choices=[
            SelectChoice("yes", _l("Yes, carried out")),
            SelectChoice("no", _l("No, not carried out")),
        ],
        validate_choice=False,
    )
    complied_on = date_field(_l("Carried out on"))

    def complied_value(self) -> bool | None:
        """True, False, or None when nothing was chosen."""
        return {"yes": True, "no": False}.get(self.complied.data or "")
