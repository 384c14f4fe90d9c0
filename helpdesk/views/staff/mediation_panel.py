"""What the mediation panel of the staff case page shows: each referral with its reply
countdown, decision and compliance, and for managers the forms to record them.

The views that render the panel build it with `mediation_panel()` and pass it to
manager/_mediation.html as `mediation`: the staff case page (through panels.case_panels) and
the manager's referral routes, which pass a refused form back as `Posted`, so the typed text
stays with its messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...domain.mediation import Countdown, countdown
from ...forms.mediation import (
    DECISION_LABELS,
    ComplianceForm,
    DecisionForm,
    ReferralForm,
    ReferralVersionForm,
    ReplyForm,
)
from ...models import Complaint, Referral, Staff
from ...services.dispute_bodies import DisputeBody, dispute_bodies
from ...services.mediation import TO_CARRY_OUT, list_referrals, shop_today

#: The forms on one referral, by the name of the route that takes them.
REFERRAL_FORMS: dict[str, type[ReferralVersionForm]] = {
    "edit": ReferralForm,
    "reply": ReplyForm,
    "decision": DecisionForm,
    "compliance": ComplianceForm,
}


@dataclass(frozen=True)
class Posted:
    """A form sent back with errors: which one (`action`), on which referral (None: new)."""

    action: str
    referral_id: int | None
    form: ReferralVersionForm


@dataclass
class ReferralView:
    """One referral as the panel shows it; `forms` only for managers."""

    referral: Referral
    clock: Countdown
    decision_words: str
    needs_compliance: bool
    forms: dict[str, ReferralVersionForm] = field(default_factory=dict)
    #: The form sent back with errors (its <details> opens).
    open_form: str | None = None


@dataclass
class MediationPanel:
    """The referrals and, for managers once the customer had our response, the forms."""

    complaint: Complaint
    referrals: list[ReferralView]
    can_record: bool
    new_form: ReferralForm | None
    bodies: list[DisputeBody]

    @property
    def shown(self) -> bool:
        """Anything to show: a referral, or a form to record one."""
        return bool(self.referrals) or self.new_form is not None


def form_prefix(action: str, referral_id: int) -> str:
    """The field prefix of a referral's form: unique on a page with several referrals."""
    return f"referral-{referral_id}-{action}"


def mediation_panel(
    complaint: Complaint, staff: Any, posted: Posted | None = None
) -> MediationPanel:
    """The panel for `staff` (a Staff or the logged-in user): managers get the forms."""
    member: Staff | None = getattr(staff, "staff", staff)
    is_manager = bool(member is not None and member.is_manager)
    can_record = is_manager and complaint.responded_at is not None
    today = shop_today()
    views = []
    for referral in list_referrals(complaint):
        view = ReferralView(
            referral,
            countdown(referral, today),
            str(DECISION_LABELS.get(referral.decision or "", "")),
            referral.decision in TO_CARRY_OUT,
        )
        if is_manager:
            view.forms = _forms(referral, posted)
            if posted is not None and posted.referral_id == referral.id:
                view.open_form = posted.action
        views.append(view)
    new_form = None
    if posted is not None and posted.referral_id is None and isinstance(posted.form, ReferralForm):
        new_form = posted.form  # refused: shown with its messages, whatever the reason
    elif can_record:
        new_form = ReferralForm(prefix="mediation", formdata=None)
    bodies = dispute_bodies()
    return MediationPanel(complaint, views, can_record, new_form, bodies)


def _forms(referral: Referral, posted: Posted | None) -> dict[str, ReferralVersionForm]:
    """Fresh forms on `referral` (the posted one instead of its fresh form)."""
    forms: dict[str, ReferralVersionForm] = {}
    for action, form_class in REFERRAL_FORMS.items():
        if action == "compliance" and referral.decision not in TO_CARRY_OUT:
            continue
        if posted is not None and posted.referral_id == referral.id and posted.action == action:
            forms[action] = posted.form
            continue
        form = form_class(prefix=form_prefix(action, referral.id), formdata=None)
        _prefill(form, referral)
        forms[action] = form
    return forms


def _prefill(form: ReferralVersionForm, referral: Referral) -> None:
    """A fresh form shows what is recorded already (a correction starts from it)."""
    if isinstance(form, ReferralForm):
        form.fill(referral)
        return
    form.show_current(referral)
    if isinstance(form, ReplyForm) and referral.replied_on:
        form.replied_on.data = referral.replied_on.isoformat()
    elif isinstance(form, DecisionForm) and referral.decision:
        form.decision.data = referral.decision
        form.decided_on.data = referral.decided_on.isoformat() if referral.decided_on else ""
        form.decision_note.data = referral.decision_note
    elif isinstance(form, ComplianceForm) and referral.complied is not None:
        form.complied.data = "yes" if referral.complied else "no"
        form.complied_on.data = referral.complied_on.isoformat() if referral.complied_on else ""
