"""What the staff case page's outcome and review panels show (staff/_outcome_panel.html,
staff/_review_panel.html with manager/_mediation.html, and for managers the corrective
actions of manager/_case_actions.html), built by the views that render the page or one of
its forms and passed to the template as `panels`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...domain.lifecycle import Status
from ...domain.outcomes import OutcomeKind
from ...forms.outcomes import OutcomeForm
from ...models import Complaint, Outcome, Staff
from ...services.action_overview import actions_for_complaint
from ...services.corrective_actions import ActionSummary
from ...services.outcomes import OUTCOME_FROM, final_outcome, first_and_final, first_outcome
from ...services.templates import prefill_final_text
from ...words import labels
from ..outcome_facts import outcome_facts, outcome_root_cause
from .mediation_panel import MediationPanel, mediation_panel


def kinds() -> list[tuple[str, str]]:
    """(key, button label) for the five outcome kinds, in the policy's order."""
    return [(kind.value, labels.outcome_label(kind.value)) for kind in OutcomeKind]


@dataclass
class OutcomePanel:
    """The staff case page's outcome panel."""

    complaint: Complaint
    first: Outcome | None
    final: Outcome | None
    can_give: bool
    kinds: list[tuple[str, str]]
    #: Each sent outcome's facts and root cause in plain words, by the outcome's id.
    facts: dict[int, list[tuple[str, str]]]


def outcome_panel(complaint: Complaint) -> OutcomePanel:
    """The sent outcomes, or whether (and which) outcome buttons are offered."""
    first, final = first_outcome(complaint), final_outcome(complaint)
    can_give = first is None and Status(complaint.status) in OUTCOME_FROM
    facts = {
        sent.id: outcome_facts(sent) + outcome_root_cause(sent)
        for sent in (first, final)
        if sent is not None
    }
    return OutcomePanel(complaint, first, final, can_give, kinds(), facts)


@dataclass
class ReviewPanel:
    """The staff case page's review panel (its mediation part: mediation_panel)."""

    complaint: Complaint
    first: Outcome | None
    final: Outcome | None
    is_manager: bool
    gave_first: bool
    open: bool
    kinds: list[tuple[str, str]]
    final_form: OutcomeForm | None
    final_kind: str | None
    #: The first outcome's facts in plain words (empty without one).
    first_facts: list[tuple[str, str]]


def final_form_for(complaint: Complaint, kind: OutcomeKind, first: Outcome | None) -> OutcomeForm:
    """A fresh final-response form: the kind's template, the first outcome's facts if kept."""
    form = OutcomeForm(prefix="final", formdata=None)
    form.body.data = prefill_final_text(kind, complaint)
    if first is not None and first.root_cause is not None:
        form.root_cause.data = first.root_cause.key  # the reviewer may correct it
    if first is not None and first.kind == kind.value:
        data = first.data or {}
        for name in ("items", "carrier", "tracking_number"):
            getattr(form, name).data = data.get(name, "")
        if first.amount_cents is not None:
            form.amount.data = f"{first.amount_cents / 100:.2f}"
            form.refund_type.data = "full" if data.get("full") else "partial"
    form.show_current(complaint)
    return form


def review_panel(
    complaint: Complaint,
    staff: Any,
    final_form: OutcomeForm | None = None,
) -> ReviewPanel:
    """Who may send the final response, with a form ready for them."""
    member: Staff | None = getattr(staff, "staff", staff)
    first, final = first_and_final(complaint)
    is_manager = bool(member is not None and member.is_manager)
    gave_first = bool(member is not None and first is not None and first.staff_id == member.id)
    is_open = complaint.status == Status.REVIEW_REQUESTED and final is None
    # The form opens on the first outcome's kind ("Keep"); the buttons switch to another kind.
    kept = OutcomeKind(first.kind) if first is not None else OutcomeKind.CORRECTION
    final_kind = kept.value
    if is_open and is_manager and not gave_first and final_form is None:
        final_form = final_form_for(complaint, kept, first)
    return ReviewPanel(
        complaint, first, final, is_manager, gave_first, is_open, kinds(),
        final_form if is_open and is_manager and not gave_first else None, final_kind,
        outcome_facts(first) if first is not None else [],
    )  # fmt: skip


@dataclass(frozen=True)
class CasePanels:
    """The data of the case page's panels, for the page and its htmx fragment alike."""

    outcome: OutcomePanel
    review: ReviewPanel
    mediation: MediationPanel
    #: The corrective actions answering the complaint (None: not shown, to agents).
    corrective_actions: list[ActionSummary] | None


def case_panels(complaint: Complaint, staff: Staff) -> CasePanels:
    """Every panel of `complaint`'s case page as `staff` sees it."""
    return CasePanels(
        outcome=outcome_panel(complaint),
        review=review_panel(complaint, staff),
        mediation=mediation_panel(complaint, staff),
        corrective_actions=actions_for_complaint(complaint) if staff.is_manager else None,
    )
