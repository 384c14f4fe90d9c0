"""The case page's actions, each as a row: its form, the service call that does it, and
what to tell the staff member when it is done. The routes are in views/staff/case.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _

from ...forms.staff import (
    AcknowledgeForm,
    AssignForm,
    CaseActionForm,
    CategoryForm,
    InfoRequestForm,
    NoteForm,
    ReplyForm,
)
from ...models import Complaint, Staff
from ...services import casework, replies
from ...services.casework import Seen

#: action name → its form class (the name is also the form prefix)
FORMS: dict[str, type[CaseActionForm]] = {
    "acknowledge": AcknowledgeForm,
    "assign": AssignForm,
    "category": CategoryForm,
    "reply": ReplyForm,
    "info": InfoRequestForm,
    "note": NoteForm,
}
Action = Callable[[Complaint, Staff, Any, "Seen | int"], Any]
ACTIONS: dict[str, Action] = {
    "acknowledge": lambda c, s, f, seen: casework.acknowledge(c, s, seen),
    "assign": lambda c, s, f, seen: casework.assign(
        c, s, int(f.assignee.data) if f.assignee.data else None, seen
    ),
    "category": lambda c, s, f, seen: casework.change_category(c, s, f.category.data, seen),
    "reply": lambda c, s, f, seen: replies.reply(c, s, f.body.data, seen),
    "info": lambda c, s, f, seen: replies.request_information(c, s, f.body.data, seen),
    "note": lambda c, s, f, seen: replies.add_note(c, s, f.body.data, seen),
}


def done_message(action: str, result: Any) -> str:
    """What to tell the staff member after a successful action."""
    if result is False:
        return str(_("Nothing changed."))
    words: dict[str, str] = {
        "acknowledge": _("The complaint is acknowledged."),
        "assign": _("The assignment is saved."),
        "category": _("The category is changed."),
        "reply": _("Your reply was sent to the customer."),
        "info": _(
            "Your request was sent. The response clock is paused until the customer answers."
        ),
        "note": _("The internal note was added."),
    }
    return words[action]
