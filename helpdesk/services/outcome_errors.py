"""Why an outcome, review, rating or closing was refused, and the role checks behind them.

Each refusal carries a translated `.message` the page shows as it is.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..models import Staff


class OutcomeRefused(Exception):
    """Base of every refusal in this part; `.message` is for the person who tried."""

    default = _l("That could not be done.")

    def __init__(self, message: object | None = None) -> None:
        self.message = str(message if message is not None else self.default)
        super().__init__(self.message)


class NotAllowed(OutcomeRefused):
    """The person's role does not allow this action."""

    default = _l("You do not have permission to do that.")


class WrongStatus(OutcomeRefused):
    """The complaint is not in a status where this action makes sense."""

    default = _l("This complaint is not in a status where that is possible.")


class AlreadySent(OutcomeRefused):
    """An outcome (or final response) exists already: two clicks give one outcome."""

    default = _l("An outcome was already sent.")


class FourEyes(OutcomeRefused):
    """A manager may not review their own outcome."""

    default = _l(
        "You gave the first outcome, so another manager must handle this review (four-eyes rule)."
    )


class InvalidInput(OutcomeRefused):
    """Bad values; `.errors` maps form field names to messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(_l("Please correct the marked fields."))
        self.errors = errors


def require_staff(staff: Staff | None) -> Staff:
    """An active staff member (agent or manager), else NotAllowed."""
    if staff is None or not staff.active or staff.role not in ("agent", "manager"):
        raise NotAllowed
    return staff


def require_manager(staff: Staff | None) -> Staff:
    """An active manager, else NotAllowed."""
    require_staff(staff)
    assert staff is not None
    if not staff.is_manager:
        raise NotAllowed
    return staff
